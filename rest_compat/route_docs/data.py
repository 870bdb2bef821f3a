"""Route documentation: artifacts, users, sample and preparation information, references."""

from __future__ import annotations

from rest_compat.route_docs.shapes import (
    BAD_REQUEST,
    EMPTY_200,
    FORBIDDEN,
    FORM,
    JSON,
    MESSAGE,
    MISSING_ARGUMENT,
    NOT_FOUND,
    STRING_MAP,
    Body,
    Query,
    Reply,
    RouteDoc,
    ok,
    string_fields,
)

DATA_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- artifacts ----------------------------------------------------------------------
    ("GET", "/qiita_db/artifacts/types/"): RouteDoc(
        "Mountpoints of every artifact type, and `uploads`",
        {200: ok("Type name to absolute folder.", STRING_MAP)},
        tags=("artifacts",),
    ),
    ("POST", "/qiita_db/artifacts/types/"): RouteDoc(
        "Create an artifact type (idempotent)",
        {**EMPTY_200, 400: [MISSING_ARGUMENT, BAD_REQUEST]},
        body=Body(
            FORM,
            string_fields(
                [
                    "type_name",
                    "description",
                    "can_be_submitted_to_ebi",
                    "can_be_submitted_to_vamps",
                    "is_user_uploadable",
                    "filepath_types",
                ]
            ),
        ),
        tags=("artifacts",),
    ),
    ("GET", "/qiita_db/artifacts/{artifact_id:path}/"): RouteDoc(
        "An artifact with its files",
        {200: ok("The artifact."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("artifacts",),
    ),
    ("PATCH", "/qiita_db/artifacts/{artifact_id:path}/"): RouteDoc(
        "Attach an HTML summary to an artifact",
        {**EMPTY_200, 400: [MISSING_ARGUMENT, BAD_REQUEST], 403: [FORBIDDEN], 404: [NOT_FOUND]},
        description="`op=add`, `path=/html_summary/`, `value`: JSON with `html` (and `dir`).",
        body=Body(FORM, string_fields(["op", "path", "value"])),
        tags=("artifacts",),
    ),
    ("POST", "/qiita_db/artifact/"): RouteDoc(
        "Inject files as an artifact through a Validate job",
        {
            200: ok(
                "The Validate job.",
                {"type": "object", "properties": {"job_id": {"type": "string"}}},
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            string_fields(
                ["user_email", "artifact_type", "files"],
                ["job_id", "prep_id", "command_artifact_name", "add_default_workflow"],
            ),
        ),
        tags=("artifacts",),
    ),
    # -- users ------------------------------------------------------------------------
    ("GET", "/qiita_db/users/"): RouteDoc(
        "Every user's e-mail and name",
        {200: ok('`{"data": [{"email", "name"}]}`.')},
        tags=("users",),
    ),
    ("GET", "/qiita_db/user/{email:path}/data/"): RouteDoc(
        "One user's e-mail, level and name",
        {200: ok('`{"data": {"email", "level", "name"}}`.'), 404: [NOT_FOUND]},
        tags=("users",),
    ),
    # -- metadata ---------------------------------------------------------------------
    ("GET", "/qiita_db/sample_information/{study_id:path}/data/"): RouteDoc(
        "A study's sample information",
        {200: ok('`{"data": {sample: {column: value}}}`.'), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/prep_template/{prep_id:path}/data/"): RouteDoc(
        "A preparation's information",
        {
            200: ok('`{"data": {sample: {column: value}}}`.'),
            400: [Reply("`sample_information` is not true or false.", JSON, MESSAGE)],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        query=(Query("sample_information", "`true`: sample columns merged in"),),
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/prep_template/{prep_id:path}/"): RouteDoc(
        "A preparation: data type, artifact, investigation type, status, files",
        {200: ok("The preparation."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("POST", "/qiita_db/prep_template/"): RouteDoc(
        "Create a preparation",
        {
            200: ok(
                '`{"prep": <id>}`.', {"type": "object", "properties": {"prep": {"type": "integer"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        body=Body(FORM, string_fields(["prep_info", "study", "data_type"], ["name", "job-id"])),
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/references/{reference_id:path}/"): RouteDoc(
        "A reference database's name, version and files",
        {200: ok("The reference."), 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
}
