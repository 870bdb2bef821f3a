"""Studies: lookup, listing and the rules around them."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Study
from resolvers.access import readable_studies_filter
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.pagination import Page, PageRequest, keyset_page


async def get_study(ctx: Context, study_id: int) -> Study:
    """The study if it exists and the caller may read it; NotFound otherwise."""
    query = select(Study).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    study = (await ctx.session.execute(query)).scalar_one_or_none()
    if study is None:
        raise NotFound(f"Study not found: {study_id}")
    return study


async def list_studies(ctx: Context, page: PageRequest) -> Page[Study]:
    """Studies the caller may read, ordered by id."""
    query = select(Study).where(readable_studies_filter(ctx.principal))
    return await keyset_page(ctx, query, Study.id, page)
