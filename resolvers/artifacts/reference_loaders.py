"""Batch reads of reference databases: public."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import Reference
from resolvers.batch_grouping import one_per_key
from resolvers.batch_scope import ReadScope


async def references_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Reference | None]:
    query = select(Reference).where(Reference.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda r: r.id)
