"""Batch reads of the open vocabularies (data, artifact and filepath types): public."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import ArtifactType, ArtifactTypeFilepathType, DataType, FilepathType
from resolvers.batch_grouping import many_per_key, one_per_key
from resolvers.batch_scope import ReadScope


async def data_types_by_id(scope: ReadScope, ids: Sequence[int]) -> list[DataType | None]:
    query = select(DataType).where(DataType.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda t: t.id)


async def artifact_types_by_id(scope: ReadScope, ids: Sequence[int]) -> list[ArtifactType | None]:
    query = select(ArtifactType).where(ArtifactType.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda t: t.id)


async def filepath_types_by_id(scope: ReadScope, ids: Sequence[int]) -> list[FilepathType | None]:
    query = select(FilepathType).where(FilepathType.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda t: t.id)


async def filepath_rules_for_artifact_types(
    scope: ReadScope, ids: Sequence[int]
) -> list[list[ArtifactTypeFilepathType]]:
    """The filepath types each artifact type allows, with their required flag."""
    query = (
        select(ArtifactTypeFilepathType)
        .where(ArtifactTypeFilepathType.artifact_type_id.in_(ids))
        .order_by(ArtifactTypeFilepathType.filepath_type_id)
    )
    return many_per_key(ids, await scope.scalars(query), lambda r: r.artifact_type_id)
