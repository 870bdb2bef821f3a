"""Batch reads of analyses, applying `readable_analyses_filter`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import Analysis
from resolvers.auth.access import readable_analyses_filter
from resolvers.batch_grouping import one_per_key
from resolvers.batch_scope import ReadScope


async def analyses_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Analysis | None]:
    query = select(Analysis).where(Analysis.id.in_(ids), readable_analyses_filter(scope.principal))
    return one_per_key(ids, await scope.scalars(query), lambda a: a.id)
