"""Files waiting in a study's upload folder (sent with resumable uploads or put there by hand)."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.auth.access import can_edit_study
from resolvers.files import uploads
from schema.context import Info
from schema.types.scalars import BigInt
from schema.types.users import User, load_user


@strawberry.type(description="A file in a study's upload folder, ready to attach or to read.")
class UploadedFile:
    name: str = strawberry.field(description="Path relative to the study's upload folder.")
    size: BigInt = strawberry.field(description="Size in bytes.")
    uploaded_at: dt.datetime = strawberry.field(description="When the file was last written.")
    account_id: strawberry.Private[int | None]

    @strawberry.field(description="Who sent it; null for files put there by other means.")
    async def uploaded_by(self, info: Info) -> User | None:
        return await load_user(info, self.account_id)


async def study_uploads(info: Info, study_id: int) -> list[UploadedFile] | None:
    async with info.context.unit_of_work() as ctx:
        if not await can_edit_study(ctx, study_id):
            return None
        files = await uploads.list_uploads(ctx, study_id)
    return [
        UploadedFile(
            name=f.name, size=BigInt(f.size), uploaded_at=f.uploaded_at, account_id=f.account_id
        )
        for f in files
    ]
