"""Batch reads behind `viewerCanDelete` of studies and preparations: the caller's rights
(resolvers/auth/access.py) and the state the deletion needs (no artifact)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, or_, select

from db.models import Artifact, PrepTemplate, Study
from resolvers.auth.access import deletable_studies_filter, editable_studies_filter
from resolvers.batch_scope import ReadScope


async def deletable_flags_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    """Whether the caller may delete each study now: owner or admin, and no artifact."""
    query = select(Study.id).where(
        Study.id.in_(ids),
        deletable_studies_filter(scope.principal),
        ~exists(select(Artifact.id).where(Artifact.study_id == Study.id)),
    )
    deletable = set(await scope.scalars(query))
    return [study_id in deletable for study_id in ids]


async def deletable_flags_for_preparations(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    """Whether the caller may delete each preparation now: its study's editors, no artifact."""
    query = (
        select(PrepTemplate.id)
        .join(Study, Study.id == PrepTemplate.study_id)
        .where(
            PrepTemplate.id.in_(ids),
            PrepTemplate.artifact_id.is_(None),
            editable_studies_filter(scope.principal),
            ~exists(
                select(Artifact.id).where(
                    or_(
                        Artifact.prep_id == PrepTemplate.id, Artifact.id == PrepTemplate.artifact_id
                    )
                )
            ),
        )
    )
    deletable = set(await scope.scalars(query))
    return [prep_id in deletable for prep_id in ids]
