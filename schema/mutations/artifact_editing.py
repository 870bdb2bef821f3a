"""Mutations renaming and deleting a study artifact (the web UI's artifact panel)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import Study as StudyRow
from resolvers.artifacts import deletion
from resolvers.artifacts.deletion import DeletedArtifact
from resolvers.context import Context
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.relay import global_id, integer_key
from schema.types.artifacts import Artifact
from schema.types.studies import Study

ARTIFACT_ID = "The artifact, by global id or Qiita's integer id."


def _artifact_key(value: str) -> int:
    return integer_key("Artifact", value, "artifact_id")


@strawberry.input(description="A study artifact and its new name.")
class RenameArtifactInput:
    artifact_id: strawberry.ID = strawberry.field(description=ARTIFACT_ID)
    name: str = strawberry.field(description="The new name (trimmed; not empty).")


@strawberry.type(description="The result of `renameArtifact`.")
class RenameArtifactPayload:
    artifact: Artifact | None = strawberry.field(
        description="The artifact as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The study artifact to delete.")
class DeleteArtifactInput:
    artifact_id: strawberry.ID = strawberry.field(description=ARTIFACT_ID)


@strawberry.type(description="The result of `deleteArtifact`.")
class DeleteArtifactPayload:
    deleted_artifact_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted artifact; null when nothing was deleted."
    )
    study: Study | None = strawberry.field(
        description="The study it belonged to; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class ArtifactEditingMutations:
    @strawberry.mutation(description="Rename a study artifact (those who may change its study).")
    async def rename_artifact(
        self, info: Info, input: Annotated[RenameArtifactInput, INPUT]
    ) -> RenameArtifactPayload | None:
        artifact, errors = await run_object_mutation(
            info,
            lambda ctx: deletion.rename_artifact(ctx, _artifact_key(input.artifact_id), input.name),
            Artifact.from_row,
            not_found="artifact_id",
        )
        return RenameArtifactPayload(artifact=artifact, user_errors=errors)

    @strawberry.mutation(
        description="Delete a study artifact nothing depends on: not public, without "
        "children, in no analysis, never submitted to EBI or VAMPS, read by no active job "
        "(those who may change its study). Uploaded files go back to the upload folder."
    )
    async def delete_artifact(
        self, info: Info, input: Annotated[DeleteArtifactInput, INPUT]
    ) -> DeleteArtifactPayload | None:
        async def action(ctx: Context) -> tuple[DeletedArtifact, StudyRow | None]:
            deleted = await deletion.delete_artifact(ctx, _artifact_key(input.artifact_id))
            return deleted, await ctx.session.get(StudyRow, deleted.study_id)

        done, errors = await run_mutation(info, action, not_found="artifact_id")
        if done is None:
            return DeleteArtifactPayload(deleted_artifact_id=None, study=None, user_errors=errors)
        deleted, study = done
        return DeleteArtifactPayload(
            deleted_artifact_id=global_id("Artifact", deleted.artifact_id),
            study=Study.from_row(study) if study is not None else None,
            user_errors=[],
        )
