"""The Reference type: reference databases (sequences, taxonomy, tree)."""

from __future__ import annotations

import strawberry

from db.models import Reference as ReferenceRow
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.files import File


@strawberry.type(description="A reference database; its files are typed reference_seqs/tax/tree.")
class Reference(Node):
    reference_id: int = strawberry.field(description="The reference database's integer id.")
    name: str = strawberry.field(description="The reference database's name.")
    version: str | None = strawberry.field(description="The version of the reference database.")

    @classmethod
    def from_row(cls, row: ReferenceRow) -> Reference:
        return cls(
            id=global_id("Reference", row.id),
            reference_id=row.id,
            name=row.name,
            version=row.version,
        )

    @strawberry.field(description="The reference's files.")
    async def files(self, info: Info) -> list[File]:
        rows = await info.context.loaders.files_for_reference.load(self.reference_id)
        return [File.from_row(row) for row in rows]


async def load_reference(info: Info, reference_id: int | None) -> Reference | None:
    if reference_id is None:
        return None
    row = await info.context.loaders.reference_by_id.load(reference_id)
    return Reference.from_row(row) if row is not None else None
