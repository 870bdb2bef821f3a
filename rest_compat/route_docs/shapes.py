"""The building blocks of the route documentation: media types, schemas, replies."""

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


def string_fields(required: list[str], optional: tuple[str, ...] | list[str] = ()) -> Schema:
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


def ok(description: str, schema: Schema = ANY_OBJECT, media_type: str = JSON) -> list[Reply]:
    return [Reply(description, media_type, schema)]


JOB = "/qiita_db/jobs/{job_id:path}"
PLUGIN = "/qiita_db/plugins/{name:path}/{version:path}"
COMMAND = PLUGIN + "/commands/{command:path}"
STUDY = "/api/v1/study/{study_id:int}"
