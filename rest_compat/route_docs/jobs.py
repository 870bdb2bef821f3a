"""Route documentation: the OAuth2 token route and the job routes a plugin calls."""

from __future__ import annotations

from rest_compat.route_docs.shapes import (
    BAD_REQUEST,
    EMPTY_200,
    FORBIDDEN,
    FORM,
    JOB,
    JSON,
    MESSAGE,
    NOT_FOUND,
    OAUTH_ERROR,
    Body,
    Reply,
    RouteDoc,
    ok,
    string_fields,
)

JOBS_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- authentication ---------------------------------------------------------------
    ("POST", "/qiita_db/authenticate/"): RouteDoc(
        "Get an access token",
        {
            200: ok(
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
            string_fields(["grant_type", "client_id"], ["client_secret", "username", "password"]),
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
            200: ok(
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
}
