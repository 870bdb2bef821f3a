"""Batch reads of study persons (contacts)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import StudyPerson
from resolvers.batch_grouping import one_per_key
from resolvers.batch_scope import ReadScope


async def persons_by_id(scope: ReadScope, ids: Sequence[int]) -> list[StudyPerson | None]:
    """Contacts are not secret: they are shown with every study that names them."""
    query = select(StudyPerson).where(StudyPerson.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda p: p.id)
