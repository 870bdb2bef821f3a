"""The File type: one stored file of an artifact or reference."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

import strawberry

from db.models import StoredFile
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.downloads import SIGNED_LINK, signed_link
from schema.types.scalars import BigInt
from schema.types.vocabulary import FilepathType


@strawberry.type(description="A stored file; `fileId` is the REST API's filepath id (fp_id).")
class File(Node):
    file_id: int = strawberry.field(description="The file's integer id (the REST API's fp_id).")
    relpath: str = strawberry.field(description="The path below the file's mountpoint.")
    checksum: str = strawberry.field(description="The file's checksum.")
    checksum_algorithm: str = strawberry.field(
        description="The algorithm of `checksum` (crc32...)."
    )
    size: BigInt = strawberry.field(description="The size in bytes.")
    created_at: dt.datetime = strawberry.field(description="When the file was stored.")
    row: strawberry.Private[StoredFile]

    @classmethod
    def from_row(cls, row: StoredFile) -> File:
        return cls(
            id=global_id("File", row.id),
            file_id=row.id,
            relpath=row.relpath,
            checksum=row.checksum,
            checksum_algorithm=row.checksum_algorithm,
            size=BigInt(row.size),
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description=SIGNED_LINK + " Supports Range requests.")
    async def download_url(self, info: Info) -> str:
        return await signed_link(info, "file", self.file_id)

    @strawberry.field(description="The file's name, without folders.")
    def filename(self) -> str:
        return PurePosixPath(self.relpath).name

    @strawberry.field(
        description="The kind of file within its artifact (raw_forward_seqs, biom...)."
    )
    async def filepath_type(self, info: Info) -> FilepathType | None:
        row = await info.context.loaders.filepath_type_by_id.load(self.row.filepath_type_id)
        return FilepathType.from_row(row) if row is not None else None


async def load_file(info: Info, file_id: int | None) -> File | None:
    if file_id is None:
        return None
    row = await info.context.loaders.file_by_id.load(file_id)
    return File.from_row(row) if row is not None else None
