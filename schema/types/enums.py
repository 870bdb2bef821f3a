"""Enumerations of the stored vocabularies (visibility, job status, plugin type, user level).

Each value's Python value is the text stored in the database and used by the REST routes.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Who may see an artifact, and so its study or preparation.")
class Visibility(Enum):
    SANDBOX = strawberry.enum_value(
        "sandbox", description="Being prepared: only the owner, sharers and admins see it."
    )
    AWAITING_APPROVAL = strawberry.enum_value(
        "awaiting_approval", description="Submitted for an administrator's review to go public."
    )
    PRIVATE = strawberry.enum_value(
        "private", description="Finished, seen by the owner, sharers and admins."
    )
    PUBLIC = strawberry.enum_value("public", description="Seen by everyone.")
    ARCHIVED = strawberry.enum_value(
        "archived", description="Kept for the record; its visibility no longer changes."
    )


@strawberry.enum(description="Where a processing job is in its life cycle.")
class JobStatus(Enum):
    IN_CONSTRUCTION = strawberry.enum_value(
        "in_construction", description="Created, not yet submitted."
    )
    QUEUED = strawberry.enum_value("queued", description="Submitted, waiting to be started.")
    RUNNING = strawberry.enum_value("running", description="Started by its plugin.")
    WAITING = strawberry.enum_value(
        "waiting", description="Waiting for the jobs of a workflow it depends on."
    )
    SUCCESS = strawberry.enum_value("success", description="Finished successfully.")
    ERROR = strawberry.enum_value("error", description="Failed; see `errorMessage`.")


@strawberry.enum(description="What a plugin (software) provides.")
class PluginType(Enum):
    ARTIFACT_TRANSFORMATION = strawberry.enum_value(
        "artifact transformation",
        description="Processing commands that turn artifacts into new ones.",
    )
    ARTIFACT_DEFINITION = strawberry.enum_value(
        "artifact definition", description="Artifact types, with their validation and summaries."
    )
    PRIVATE = strawberry.enum_value(
        "private", description="Internal commands run by the server itself."
    )


@strawberry.enum(description="The level of a user account, which decides what it may do.")
class UserLevel(Enum):
    ADMIN = strawberry.enum_value("admin", description="An administrator: may see and do anything.")
    DEV = strawberry.enum_value("dev", description="A developer account.")
    SUPERUSER = strawberry.enum_value("superuser", description="A user with extra rights.")
    USER = strawberry.enum_value("user", description="A verified user.")
    UNVERIFIED = strawberry.enum_value(
        "unverified", description="An account whose e-mail address is not verified yet."
    )
    GUEST = strawberry.enum_value("guest", description="A read-only account.")
    WET_LAB_ADMIN = strawberry.enum_value(
        "wet-lab admin", description="An administrator of the wet lab's preparations."
    )


@strawberry.enum(description="What a command parameter takes, read from its declared type.")
class ParameterKind(Enum):
    INTEGER = strawberry.enum_value("integer", description="A whole number.")
    FLOAT = strawberry.enum_value("float", description="A number.")
    STRING = strawberry.enum_value("string", description="Text.")
    BOOLEAN = strawberry.enum_value("boolean", description="True or false.")
    CHOICE = strawberry.enum_value("choice", description="One of `choices`.")
    MULTIPLE_CHOICE = strawberry.enum_value(
        "multiple_choice", description="A list of values, each one of `choices`."
    )
    ARTIFACT = strawberry.enum_value(
        "artifact", description="An artifact id, of one of `artifactTypes`."
    )
    REFERENCE = strawberry.enum_value("reference", description="A reference database id.")
    PREPARATION = strawberry.enum_value("preparation", description="A preparation id.")
    ANALYSIS = strawberry.enum_value("analysis", description="An analysis id.")
    OTHER = strawberry.enum_value(
        "other", description="A type this server does not know; see `type`."
    )
