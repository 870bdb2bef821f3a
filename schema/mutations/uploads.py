"""Removing files from a study's upload folder."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.context import Context
from resolvers.files import uploads
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation
from schema.relay import integer_key


@strawberry.input(description="A file to delete from a study's upload folder.")
class DeleteUploadInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    name: str = strawberry.field(description="Path relative to the study's upload folder.")


@strawberry.type(description="The result of `deleteUpload`.")
class DeleteUploadPayload:
    deleted_name: str | None = strawberry.field(
        description="The deleted file's name; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="Changes to upload folders.")
class UploadMutations:
    @strawberry.mutation(description="Delete a file from a study's upload folder.")
    async def delete_upload(
        self, info: Info, input: Annotated[DeleteUploadInput, INPUT]
    ) -> DeleteUploadPayload:
        async def action(ctx: Context) -> str:
            await uploads.delete_upload(
                ctx, integer_key("Study", input.study_id, "study_id"), input.name
            )
            return input.name

        name, errors = await run_mutation(info, action, not_found="study_id")
        return DeleteUploadPayload(deleted_name=name, user_errors=errors)
