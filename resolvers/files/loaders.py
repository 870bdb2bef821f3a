"""Batch reads of stored files, visible through their owner's access rule."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from db.models import Artifact, StoredFile
from resolvers.auth.access import readable_artifacts_filter
from resolvers.batch_grouping import many_per_key, one_per_key
from resolvers.batch_scope import ReadScope


async def files_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[StoredFile]]:
    query = (
        select(StoredFile)
        .join(Artifact, Artifact.id == StoredFile.artifact_id)
        .where(StoredFile.artifact_id.in_(artifact_ids), readable_artifacts_filter(scope.principal))
        .order_by(StoredFile.id)
    )
    return many_per_key(artifact_ids, await scope.scalars(query), lambda f: f.artifact_id)


async def files_by_id(scope: ReadScope, ids: Sequence[int]) -> list[StoredFile | None]:
    """Files of readable artifacts and of (public) reference databases."""
    query = (
        select(StoredFile)
        .outerjoin(Artifact, Artifact.id == StoredFile.artifact_id)
        .where(
            StoredFile.id.in_(ids),
            or_(StoredFile.reference_id.is_not(None), readable_artifacts_filter(scope.principal)),
            or_(StoredFile.artifact_id.is_not(None), StoredFile.reference_id.is_not(None)),
        )
    )
    return one_per_key(ids, await scope.scalars(query), lambda f: f.id)


async def files_for_references(
    scope: ReadScope, reference_ids: Sequence[int]
) -> list[list[StoredFile]]:
    """Reference databases are public."""
    query = (
        select(StoredFile).where(StoredFile.reference_id.in_(reference_ids)).order_by(StoredFile.id)
    )
    return many_per_key(reference_ids, await scope.scalars(query), lambda f: f.reference_id)
