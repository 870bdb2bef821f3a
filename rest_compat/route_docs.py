"""What each REST route does, for the OpenAPI document (rest_compat/openapi.py).

One entry per (method, route path as written in the route table). The generator takes the
paths, methods and path parameters from the route table itself; this module only holds
the words, bodies and statuses of plugin-api.md and study-api.md as this server answers
them (decisions.md: every error carries its message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
TEXT = "text/plain"
HTML = "text/html"

Schema = dict[str, Any]

MESSAGE: Schema = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
    "additionalProperties": True,
}
OAUTH_ERROR: Schema = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "examples": ["invalid_grant"]},
        "error_description": {
            "type": "string",
            "examples": ["Oauth2 error: token has timed out"],
        },
    },
    "required": ["error", "error_description"],
}
ID_OBJECT: Schema = {
    "type": "object",
    "properties": {"id": {"type": "integer"}},
    "required": ["id"],
}
ANY_OBJECT: Schema = {"type": "object"}
STRING_MAP: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
TEXT_SCHEMA: Schema = {"type": "string"}


@dataclass(frozen=True)
class Reply:
    """One response: `media_type` None means an empty body."""

    description: str
    media_type: str | None = JSON
    schema: Schema | None = None


@dataclass(frozen=True)
class Body:
    media_type: str
    schema: Schema
    description: str = ""


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    replies: dict[int, list[Reply]]
    description: str = ""
    body: Body | None = None
    query: tuple[Query, ...] = ()
    bearer: bool = True
    """Needs `Authorization: Bearer <token>`; its failures add a 400 OAuth error."""
    tags: tuple[str, ...] = field(default=())


def _fields(required: list[str], optional: tuple[str, ...] | list[str] = ()) -> Schema:
    names = [*required, *optional]
    return {
        "type": "object",
        "properties": {name: {"type": "string"} for name in names},
        "required": required,
    }


EMPTY_200 = {200: [Reply("Done; empty body.", media_type=None)]}
NOT_FOUND = Reply("Unknown or malformed id.", JSON, MESSAGE)
FORBIDDEN = Reply("The caller may not do this.", JSON, MESSAGE)
BAD_REQUEST = Reply("Malformed body or values.", JSON, MESSAGE)
MISSING_ARGUMENT = Reply(
    "A required field is absent: `Missing argument <name>`.", TEXT, TEXT_SCHEMA
)
STUDY_NOT_FOUND = Reply("`Study not found`.", JSON, MESSAGE)


def _ok(description: str, schema: Schema = ANY_OBJECT, media_type: str = JSON) -> list[Reply]:
    return [Reply(description, media_type, schema)]


JOB = "/qiita_db/jobs/{job_id:path}"
PLUGIN = "/qiita_db/plugins/{name:path}/{version:path}"
COMMAND = PLUGIN + "/commands/{command:path}"
STUDY = "/api/v1/study/{study_id:int}"

ROUTE_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- authentication ---------------------------------------------------------------
    ("POST", "/qiita_db/authenticate/"): RouteDoc(
        "Get an access token",
        {
            200: _ok(
                "The token.",
                {
                    "type": "object",
                    "properties": {
                        "access_token": {"type": "string"},
                        "token_type": {"const": "Bearer"},
                        "expires_in": {"type": "integer"},
                    },
                    "required": ["access_token", "token_type", "expires_in"],
                },
            ),
            400: [
                Reply("Missing or wrong credentials, unsupported grant type.", JSON, OAUTH_ERROR)
            ],
        },
        description=(
            "`grant_type=client` with `client_id` and `client_secret` (or an HTTP Basic "
            "header), or `grant_type=password` with `client_id` (a client without secret), "
            "`username` and `password`."
        ),
        body=Body(
            FORM,
            _fields(["grant_type", "client_id"], ["client_secret", "username", "password"]),
        ),
        bearer=False,
        tags=("authentication",),
    ),
    # -- jobs -------------------------------------------------------------------------
    ("POST", f"{JOB}/heartbeat/"): RouteDoc(
        "Heartbeat of a job",
        {
            **EMPTY_200,
            403: [Reply("The job is not queued or running.", JSON, MESSAGE)],
            404: [NOT_FOUND],
        },
        description="The first heartbeat moves a queued job to `running`. Body ignored.",
        tags=("jobs",),
    ),
    ("POST", f"{JOB}/step/"): RouteDoc(
        "Set a running job's step",
        {
            **EMPTY_200,
            400: [BAD_REQUEST],
            403: [Reply("The job is not running.", JSON, MESSAGE)],
            404: [NOT_FOUND],
        },
        body=Body(
            JSON,
            {"type": "object", "properties": {"step": {"type": "string"}}, "required": ["step"]},
            "Raw JSON; the content type is not checked.",
        ),
        tags=("jobs",),
    ),
    ("POST", f"{JOB}/complete/"): RouteDoc(
        "Report a job's completion",
        {
            **EMPTY_200,
            400: [BAD_REQUEST],
            403: [Reply("The job is not running (or completed already).", JSON, MESSAGE)],
            404: [NOT_FOUND],
        },
        description=(
            "Validated and applied at once: a failure ends the job in `error`; outputs "
            "become Validate jobs for their type plugins."
        ),
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {
                    "success": {"type": "boolean"},
                    "error": {"type": "string"},
                    "artifacts": {"type": ["object", "null"]},
                },
                "required": ["success"],
            },
        ),
        tags=("jobs",),
    ),
    ("GET", JOB): RouteDoc(
        "A job's command, parameters and status",
        {
            200: _ok(
                "The job.",
                {
                    "type": "object",
                    "properties": {
                        "command": {"type": "string"},
                        "parameters": {"type": "object"},
                        "status": {"type": "string"},
                        "msg": {"type": "string"},
                    },
                },
            ),
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        tags=("jobs",),
    ),
    # -- artifacts ----------------------------------------------------------------------
    ("GET", "/qiita_db/artifacts/types/"): RouteDoc(
        "Mountpoints of every artifact type, and `uploads`",
        {200: _ok("Type name to absolute folder.", STRING_MAP)},
        tags=("artifacts",),
    ),
    ("POST", "/qiita_db/artifacts/types/"): RouteDoc(
        "Create an artifact type (idempotent)",
        {**EMPTY_200, 400: [MISSING_ARGUMENT, BAD_REQUEST]},
        body=Body(
            FORM,
            _fields(
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
        {200: _ok("The artifact."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("artifacts",),
    ),
    ("PATCH", "/qiita_db/artifacts/{artifact_id:path}/"): RouteDoc(
        "Attach an HTML summary to an artifact",
        {**EMPTY_200, 400: [MISSING_ARGUMENT, BAD_REQUEST], 403: [FORBIDDEN], 404: [NOT_FOUND]},
        description="`op=add`, `path=/html_summary/`, `value`: JSON with `html` (and `dir`).",
        body=Body(FORM, _fields(["op", "path", "value"])),
        tags=("artifacts",),
    ),
    ("POST", "/qiita_db/artifact/"): RouteDoc(
        "Inject files as an artifact through a Validate job",
        {
            200: _ok(
                "The Validate job.",
                {"type": "object", "properties": {"job_id": {"type": "string"}}},
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            _fields(
                ["user_email", "artifact_type", "files"],
                ["job_id", "prep_id", "command_artifact_name", "add_default_workflow"],
            ),
        ),
        tags=("artifacts",),
    ),
    # -- users ------------------------------------------------------------------------
    ("GET", "/qiita_db/users/"): RouteDoc(
        "Every user's e-mail and name",
        {200: _ok('`{"data": [{"email", "name"}]}`.')},
        tags=("users",),
    ),
    ("GET", "/qiita_db/user/{email:path}/data/"): RouteDoc(
        "One user's e-mail, level and name",
        {200: _ok('`{"data": {"email", "level", "name"}}`.'), 404: [NOT_FOUND]},
        tags=("users",),
    ),
    # -- metadata ---------------------------------------------------------------------
    ("GET", "/qiita_db/sample_information/{study_id:path}/data/"): RouteDoc(
        "A study's sample information",
        {200: _ok('`{"data": {sample: {column: value}}}`.'), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/prep_template/{prep_id:path}/data/"): RouteDoc(
        "A preparation's information",
        {
            200: _ok('`{"data": {sample: {column: value}}}`.'),
            400: [Reply("`sample_information` is not true or false.", JSON, MESSAGE)],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        query=(Query("sample_information", "`true`: sample columns merged in"),),
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/prep_template/{prep_id:path}/"): RouteDoc(
        "A preparation: data type, artifact, investigation type, status, files",
        {200: _ok("The preparation."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("POST", "/qiita_db/prep_template/"): RouteDoc(
        "Create a preparation",
        {
            200: _ok(
                '`{"prep": <id>}`.', {"type": "object", "properties": {"prep": {"type": "integer"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
        },
        body=Body(FORM, _fields(["prep_info", "study", "data_type"], ["name", "job-id"])),
        tags=("metadata",),
    ),
    ("GET", "/qiita_db/references/{reference_id:path}/"): RouteDoc(
        "A reference database's name, version and files",
        {200: _ok("The reference."), 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    # -- plugins ----------------------------------------------------------------------
    ("POST", f"{COMMAND}/activate/"): RouteDoc(
        "Activate a command",
        {**EMPTY_200, 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", f"{COMMAND}/activate/"): RouteDoc(
        "Activate a command (GET, as in the founding route list)",
        {**EMPTY_200, 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", f"{COMMAND}/"): RouteDoc(
        "A command's parameters, default parameter sets and outputs",
        {200: _ok("The command."), 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("POST", f"{PLUGIN}/commands/"): RouteDoc(
        "Create a command of a plugin",
        {
            **EMPTY_200,
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
            409: [Reply("The plugin has a command of that name.", JSON, MESSAGE)],
        },
        body=Body(
            FORM,
            _fields(
                ["name", "description", "required_parameters", "optional_parameters"],
                ["default_parameter_sets", "outputs", "analysis_only"],
            ),
        ),
        tags=("plugins",),
    ),
    ("GET", f"{PLUGIN}/"): RouteDoc(
        "A plugin: description, commands, publications, type, state",
        {200: _ok("The plugin."), 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", "/qiita_db/analysis/{analysis_id:path}/metadata/"): RouteDoc(
        "An analysis's merged sample and preparation metadata",
        {200: _ok("Sample to column to value."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("POST", "/qiita_db/archive/observations/"): RouteDoc(
        "Look up archived feature values under a job's merging scheme",
        {
            200: _ok("Feature to stored value.", STRING_MAP),
            400: [MISSING_ARGUMENT],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            {
                "type": "object",
                "properties": {
                    "job_id": {"type": "string"},
                    "features": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["job_id", "features"],
            },
        ),
        tags=("archive",),
    ),
    ("PATCH", "/qiita_db/archive/observations/"): RouteDoc(
        "Store archived feature values under a job's merging scheme",
        {
            200: _ok("The stored feature values.", STRING_MAP),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, _fields(["path", "value"], ["op"])),
        tags=("archive",),
    ),
    ("GET", "/qiita_db/studies/{visibility:path}"): RouteDoc(
        "BIOM artifacts of public or private studies",
        {
            200: _ok('`{"data": {study id: [artifact ids]}}`.'),
            403: [Reply("`You can only request public or private studies`.", JSON, MESSAGE)],
            404: [NOT_FOUND],
        },
        tags=("studies",),
    ),
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
            200: _ok(
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
            200: _ok(
                '`{"job": <uuid>}`.', {"type": "object", "properties": {"job": {"type": "string"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, _fields(["command", "parameters"], ["user", "status"])),
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
            200: _ok(
                '`{"prep": <id>}`.', {"type": "object", "properties": {"prep": {"type": "integer"}}}
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, _fields(["prep_info", "study", "data_type"], ["name", "job-id"])),
        tags=("test mode",),
    ),
    ("POST", "/apitest/artifact/"): RouteDoc(
        "Create an artifact directly (no Validate job)",
        {
            200: _ok(
                '`{"artifact": <id>}`.',
                {"type": "object", "properties": {"artifact": {"type": "integer"}}},
            ),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            _fields(
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
    # -- study API --------------------------------------------------------------------
    ("POST", "/api/v1/study"): RouteDoc(
        "Create a study",
        {
            201: _ok("The new study.", ID_OBJECT),
            400: [
                Reply(
                    "`Could not parse body` or `Not all required arguments provided`.",
                    JSON,
                    MESSAGE,
                )
            ],
            403: [
                Reply(
                    "`Unknown user`, `Unknown principal investigator` or `Unknown lab person`.",
                    JSON,
                    MESSAGE,
                )
            ],
            409: [Reply("`Study title already exists`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "study_abstract": {"type": "string"},
                    "study_description": {"type": "string"},
                    "study_alias": {"type": "string"},
                    "owner": {"type": "string"},
                    "contacts": {"type": "object"},
                    "notes": {"type": "string"},
                },
                "required": [
                    "title",
                    "study_abstract",
                    "study_description",
                    "study_alias",
                    "owner",
                    "contacts",
                ],
            },
        ),
        tags=("study API",),
    ),
    ("GET", STUDY): RouteDoc(
        "A study's title, contacts and texts",
        {200: _ok("The study."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/associations"): RouteDoc(
        "A study's files: sample information, preparations, artifacts and their files",
        {200: _ok("The associations."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples/categories={{categories:qiita_categories}}"): RouteDoc(
        "Values of some sample categories for every sample",
        {
            200: _ok(
                '`{"header": [...], "samples": {id: [values]}}`.',
                ANY_OBJECT,
            ),
            404: [
                Reply(
                    "`Study not found`, `Study does not have sample information`, "
                    "`Category not found` (with `categories_not_found`).",
                    JSON,
                    MESSAGE,
                )
            ],
            405: [Reply("`No categories specified`.", JSON, MESSAGE)],
        },
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples"): RouteDoc(
        "A study's sample ids",
        {
            200: _ok(
                "Sample ids.",
                {"type": "array", "items": {"type": "string"}},
            ),
            404: [STUDY_NOT_FOUND],
        },
        query=(
            Query(
                "categories", "comma-separated categories: answered like /samples/categories=..."
            ),
        ),
        tags=("study API",),
    ),
    ("PATCH", f"{STUDY}/samples"): RouteDoc(
        "Add or update samples",
        {
            200: [Reply("Existing samples updated; empty body.", None)],
            201: [Reply("At least one sample added; empty body.", None)],
            400: [
                Reply(
                    "`No samples provided`, `Not all sample information categories provided`, "
                    "body not JSON.",
                    JSON,
                    MESSAGE,
                )
            ],
            404: [Reply("`Study not found` or `No sample information found`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {"type": "object", "additionalProperties": {"type": "object"}},
            "Sample id to category to value.",
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/samples/status"): RouteDoc(
        "Per-sample accession and preparation details",
        {
            200: _ok(
                "Sample details.",
                {"type": "array", "items": {"type": "object"}},
            ),
            400: [Reply("`Missing sample_id key`.", JSON, MESSAGE)],
            404: [STUDY_NOT_FOUND],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {"sample_ids": {"type": "array", "items": {"type": "string"}}},
                "required": ["sample_ids"],
            },
        ),
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/sample/{{sample:qiita_sample}}/status"): RouteDoc(
        "One sample's accession and preparation details",
        {
            200: _ok(
                "Sample details.",
                {"type": "array", "items": {"type": "object"}},
            ),
            404: [STUDY_NOT_FOUND],
        },
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples/info"): RouteDoc(
        "Number of samples and sample categories",
        {
            200: _ok('`{"number-of-samples", "categories"}`.'),
            404: [STUDY_NOT_FOUND],
        },
        tags=("study API",),
    ),
    ("GET", "/api/v1/person{anything:path}"): RouteDoc(
        "List study persons, or look one up by name and affiliation",
        {
            200: _ok(
                "Every person (`[{name, affiliation}]`), or one person's "
                "`{address, phone, email, id}`.",
                {"oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]},
            ),
            400: [Reply("Only one of name and affiliation given.", JSON, MESSAGE)],
            404: [Reply("`Person not found`.", JSON, MESSAGE)],
        },
        description="Any suffix after `/person` reaches this route.",
        query=(Query("name", "person's name"), Query("affiliation", "person's affiliation")),
        tags=("study API",),
    ),
    ("POST", "/api/v1/person{anything:path}"): RouteDoc(
        "Create a study person",
        {
            201: _ok("The new person.", ID_OBJECT),
            400: [Reply("A required argument is missing.", JSON, MESSAGE)],
            409: [Reply("`Person already exists`.", JSON, MESSAGE)],
        },
        description="Arguments in the query string or a form body (the body wins).",
        query=(
            Query("name", "person's name"),
            Query("affiliation", "person's affiliation"),
            Query("email", "person's e-mail"),
            Query("phone", "optional"),
            Query("address", "optional"),
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/preparation/{{prep_id:int}}/artifact"): RouteDoc(
        "Attach uploaded files to a preparation as its artifact",
        {
            201: _ok("The new artifact.", ID_OBJECT),
            400: [BAD_REQUEST],
            404: [Reply("`Study not found` or `Preparation not found`.", JSON, MESSAGE)],
            406: [Reply("The artifact could not be created (the reason).", JSON, MESSAGE)],
            409: [Reply("`Preparation ID not associated with the study`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {
                    "artifact_type": {"type": "string"},
                    "filepaths": {"type": "array", "items": {"type": "array"}},
                    "artifact_name": {"type": "string"},
                },
                "required": ["artifact_type", "filepaths", "artifact_name"],
            },
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/preparation{{anything:path}}"): RouteDoc(
        "Create a preparation from per-sample information",
        {
            201: _ok("The new preparation.", ID_OBJECT),
            400: [Reply("`data_type` missing or body not JSON.", JSON, MESSAGE)],
            404: [STUDY_NOT_FOUND],
            406: [Reply("The information was refused (the reason).", JSON, MESSAGE)],
        },
        description="Any suffix after `/preparation` reaches this route.",
        query=(
            Query("data_type", "e.g. 16S", required=True),
            Query("investigation_type", "optional"),
        ),
        body=Body(
            JSON,
            {"type": "object", "additionalProperties": {"type": "object"}},
            "Sample id to column to value.",
        ),
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/status"): RouteDoc(
        "Whether a study is public, has sample information, and its preparations",
        {200: _ok("The status."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
}
