"""Metadata search: samples of every readable study whose category matches a value.

Two ways to match a stored value (values are strings): `exact`, equal as stored, and
`contains`, a case-insensitive substring. Only studies the caller may read are searched;
the results are ordered by sample id and paged like every list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, select

from db.models import Sample, Study
from resolvers.auth.access import readable_studies_filter
from resolvers.context import Context
from resolvers.errors import Invalid, Required
from resolvers.pagination import Page, PageRequest, keyset_page

MatchMode = Literal["exact", "contains"]
MAX_TEXT = 1000


@dataclass(frozen=True)
class MetadataMatch:
    """A sample whose `category` matched, with the value it holds."""

    sample: Sample
    study_id: int
    sample_name: str
    category: str
    value: str | None


def _condition(category: str, value: str, mode: MatchMode) -> ColumnElement[bool]:
    extracted: ColumnElement[str] = Sample.values[category].as_string()
    if mode == "exact":
        return extracted == value
    return extracted.icontains(value, autoescape=True)


def _check(category: str, value: str, mode: str) -> None:
    if not category.strip():
        raise Required("Name the category to search.", "category")
    if mode == "contains" and not value:
        raise Required("Give the text to look for.", "value")
    for name, text in (("category", category), ("value", value)):
        if len(text) > MAX_TEXT or "\x00" in text:
            raise Invalid(f"The {name} is at most {MAX_TEXT} characters, without NUL.", name)
    if mode not in ("exact", "contains"):
        raise Invalid(f"Unknown match {mode!r}; expected exact or contains.", "match")


async def search_sample_metadata(
    ctx: Context, category: str, value: str, mode: MatchMode, page: PageRequest
) -> Page[MetadataMatch]:
    """Samples of readable studies whose `category` matches `value`, by sample id."""
    _check(category, value, mode)
    readable = select(Study.id).where(readable_studies_filter(ctx.principal))
    query = select(Sample).where(Sample.study_id.in_(readable), _condition(category, value, mode))
    found = await keyset_page(ctx, query, Sample.__table__.c.id, page)
    return Page(
        items=[
            MetadataMatch(
                sample=row,
                study_id=row.study_id,
                sample_name=row.sample_name,
                category=category,
                value=row.values.get(category),
            )
            for row in found.items
        ],
        keys=found.keys,
        total_count=found.total_count,
        has_next_page=found.has_next_page,
        has_previous_page=found.has_previous_page,
    )
