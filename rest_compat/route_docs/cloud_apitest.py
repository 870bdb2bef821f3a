"""Route documentation: the cloud file transfer routes and the test-mode (/apitest/) routes."""

from __future__ import annotations

from rest_compat.route_docs.shapes import (
    BAD_REQUEST,
    EMPTY_200,
    FORM,
    HTML,
    JSON,
    MESSAGE,
    MISSING_ARGUMENT,
    NOT_FOUND,
    TEXT_SCHEMA,
    Body,
    Reply,
    RouteDoc,
    ok,
    string_fields,
)

CLOUD_APITEST_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- cloud ------------------------------------------------------------------------
    ("GET", "/cloud/fetch_file_from_central/{filepath:path}"): RouteDoc(
        "Download a file (or a registered folder, as ZIP) below the data directory",
        {
            200: [
                Reply(
                    "The file's bytes.",
                    "application/octet-stream",
                    {"type": "string", "contentMediaType": "application/octet-stream"},
                ),
                Reply(
                    "A folder as ZIP, with `Is-Qiita-Directory: yes`.",
                    "application/zip",
                    {"type": "string", "contentMediaType": "application/zip"},
                ),
            ],
            403: [
                Reply(
                    "Outside the data directory, missing, or a folder not registered.",
                    JSON,
                    MESSAGE,
                )
            ],
        },
        description="`filepath` is the absolute path without its leading `/`. No HEAD.",
        tags=("cloud",),
    ),
    ("POST", "/cloud/push_file_to_central/"): RouteDoc(
        "Upload files below the data directory (all or nothing)",
        {
            200: ok(
                "`Stored <n> files into BASE_DATA_DIR of Qiita:` and the paths.", TEXT_SCHEMA, HTML
            ),
            400: [Reply("No file parts.", JSON, MESSAGE)],
            403: [Reply("A destination exists or lies outside the data directory.", JSON, MESSAGE)],
        },
        description="Each part's field name is the destination folder, its filename the name.",
        body=Body(
            "multipart/form-data",
            {
                "type": "object",
                "additionalProperties": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                },
            },
        ),
        tags=("cloud",),
    ),
    # -- test mode --------------------------------------------------------------------
    ("POST", "/apitest/processing_job/"): RouteDoc(
        "Create a job (never launched), optionally forcing its status",
        {
            200: ok(
                '`{"job": <uuid>}`.', {"type": "object", "properties": {"job": {"type": "string"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, string_fields(["command", "parameters"], ["user", "status"])),
        tags=("test mode",),
    ),
    ("POST", "/apitest/reset/"): RouteDoc(
        "Back to the seeded database; every token dropped",
        EMPTY_200,
        tags=("test mode",),
    ),
    ("POST", "/apitest/prep_template/"): RouteDoc(
        "Create a preparation (as POST /qiita_db/prep_template/)",
        {
            200: ok(
                '`{"prep": <id>}`.', {"type": "object", "properties": {"prep": {"type": "integer"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, string_fields(["prep_info", "study", "data_type"], ["name", "job-id"])),
        tags=("test mode",),
    ),
    ("POST", "/apitest/artifact/"): RouteDoc(
        "Create an artifact directly (no Validate job)",
        {
            200: ok(
                '`{"artifact": <id>}`.',
                {"type": "object", "properties": {"artifact": {"type": "integer"}}},
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            string_fields(
                ["filepaths", "type"],
                ["prep", "analysis", "name", "data_type", "parents", "job_id"],
            ),
        ),
        tags=("test mode",),
    ),
    ("POST", "/apitest/reload_plugins/"): RouteDoc(
        "Re-read the plugins folder and register every plugin",
        {**EMPTY_200, 409: [Reply("Files or register runs that failed.", JSON, MESSAGE)]},
        tags=("test mode",),
    ),
}
