"""Vocabulary types: artifact types and filepath types."""

from __future__ import annotations

import strawberry

from db.models import ArtifactType as ArtifactTypeRow
from db.models import FilepathType as FilepathTypeRow
from schema.context import Info
from schema.relay import Node, global_id


@strawberry.type(description="A kind of file within an artifact (biom, raw_forward_seqs...).")
class FilepathType:
    filepath_type_id: int = strawberry.field(description="The filepath type's integer id.")
    name: str = strawberry.field(
        description="The filepath type's name (raw_forward_seqs, biom...)."
    )

    @classmethod
    def from_row(cls, row: FilepathTypeRow) -> FilepathType:
        return cls(filepath_type_id=row.id, name=row.name)


@strawberry.type(
    description="A filepath type an artifact type allows, and whether it must be there."
)
class FilepathTypeRule:
    filepath_type: FilepathType = strawberry.field(description="The filepath type.")
    required: bool = strawberry.field(
        description="Whether every artifact of the type must have such a file."
    )


@strawberry.type(description="A kind of artifact (FASTQ, BIOM...), defined by a type plugin.")
class ArtifactType(Node):
    artifact_type_id: int = strawberry.field(description="The artifact type's integer id.")
    name: str = strawberry.field(description="The type's name (FASTQ, BIOM...).")
    description: str = strawberry.field(description="What the type holds.")
    can_be_submitted_to_ebi: bool = strawberry.field(
        description="Whether artifacts of the type can be submitted to EBI."
    )
    can_be_submitted_to_vamps: bool = strawberry.field(
        description="Whether artifacts of the type can be submitted to VAMPS."
    )
    is_user_uploadable: bool = strawberry.field(
        description="Whether users may upload artifacts of the type."
    )

    @classmethod
    def from_row(cls, row: ArtifactTypeRow) -> ArtifactType:
        return cls(
            id=global_id("ArtifactType", row.id),
            artifact_type_id=row.id,
            name=row.name,
            description=row.description,
            can_be_submitted_to_ebi=row.can_be_submitted_to_ebi,
            can_be_submitted_to_vamps=row.can_be_submitted_to_vamps,
            is_user_uploadable=row.is_user_uploadable,
        )

    @strawberry.field(description="The filepath types artifacts of this type may hold.")
    async def filepath_types(self, info: Info) -> list[FilepathTypeRule]:
        loaders = info.context.loaders
        rules = await loaders.filepath_rules_for_artifact_type.load(self.artifact_type_id)
        types = await loaders.filepath_type_by_id.load_many([r.filepath_type_id for r in rules])
        return [
            FilepathTypeRule(filepath_type=FilepathType.from_row(t), required=r.required)
            for r, t in zip(rules, types, strict=True)
            if t is not None
        ]


async def load_artifact_type(info: Info, type_id: int | None) -> ArtifactType | None:
    if type_id is None:
        return None
    row = await info.context.loaders.artifact_type_by_id.load(type_id)
    return ArtifactType.from_row(row) if row is not None else None


async def load_artifact_types(info: Info, type_ids: list[int]) -> list[ArtifactType]:
    rows = await info.context.loaders.artifact_type_by_id.load_many(type_ids)
    return [ArtifactType.from_row(row) for row in rows if row is not None]
