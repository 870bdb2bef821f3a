"""Removing files from a study's upload folder."""

from __future__ import annotations

import strawberry

from resolvers import uploads
from resolvers.context import Context
from schema.context import Info
from schema.errors import UserError
from schema.mutations.running import run_mutation


@strawberry.input
class DeleteUploadInput:
    study_id: int
    name: str = strawberry.field(description="Path relative to the study's upload folder.")


@strawberry.type
class DeleteUploadPayload:
    deleted_name: str | None
    user_errors: list[UserError]


@strawberry.type
class UploadMutations:
    @strawberry.mutation(description="Delete a file from a study's upload folder.")
    async def delete_upload(self, info: Info, input: DeleteUploadInput) -> DeleteUploadPayload:
        async def action(ctx: Context) -> str:
            await uploads.delete_upload(ctx, input.study_id, input.name)
            return input.name

        name, errors = await run_mutation(info, action)
        return DeleteUploadPayload(deleted_name=name, user_errors=errors)
