"""Batch reads of sample information: templates, counts and sample pages (and table pages)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Subquery,
    func,
    inspect,
    select,
    union_all,
)

from db.models import Sample, SampleTemplate, Study
from resolvers.auth.access import readable_studies_filter
from resolvers.batch_grouping import many_per_key, one_per_key
from resolvers.batch_scope import ReadScope
from resolvers.pagination import Page, PageRequest, requested_page_size


@dataclass(frozen=True)
class MetadataFilter:
    """Keep rows whose `category` equals `value` (values are strings, as stored)."""

    category: str
    value: str | None


@dataclass(frozen=True)
class SamplePageKey:
    """One page of one owner's samples (a study, or a preparation for prep samples)."""

    owner_id: int
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None
    where: MetadataFilter | None = None

    @property
    def request(self) -> PageRequest:
        return PageRequest(first=self.first, after=self.after, last=self.last, before=self.before)


def value_matches(values: Any, where: MetadataFilter) -> ColumnElement[bool]:
    """SQL: the JSON `values` column has `where.value` under `where.category`."""
    extracted: ColumnElement[str] = values[where.category].as_string()
    if where.value is None:
        return extracted.is_(None)
    return extracted == where.value


async def samples_by_name(scope: ReadScope, names: Sequence[str]) -> list[Sample | None]:
    """Samples by their prefixed name, where the caller may read their study."""
    query = (
        select(Sample)
        .join(Study, Study.id == Sample.study_id)
        .where(Sample.sample_name.in_(names), readable_studies_filter(scope.principal))
    )
    return one_per_key(names, await scope.scalars(query), lambda s: s.sample_name)


async def sample_templates_for_studies(
    scope: ReadScope, ids: Sequence[int]
) -> list[SampleTemplate | None]:
    """The sample information of each readable study (None: the study has none)."""
    query = (
        select(SampleTemplate)
        .join(Study, Study.id == SampleTemplate.study_id)
        .where(SampleTemplate.study_id.in_(ids), readable_studies_filter(scope.principal))
    )
    return one_per_key(ids, await scope.scalars(query), lambda t: t.study_id)


async def sample_counts_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[int]:
    query = (
        select(Sample.study_id, func.count(Sample.id))
        .join(Study, Study.id == Sample.study_id)
        .where(Sample.study_id.in_(ids), readable_studies_filter(scope.principal))
        .group_by(Sample.study_id)
    )
    counts = {row[0]: row[1] for row in await scope.rows(query)}
    return [counts.get(study_id, 0) for study_id in ids]


async def sample_pages_for_studies(
    scope: ReadScope, keys: Sequence[SamplePageKey]
) -> list[Page[Sample]]:
    """Keyset pages of samples ordered by name; one window query per distinct page shape."""
    results: dict[SamplePageKey, Page[Sample]] = {}
    for shape, group in by_shape(keys).items():
        owners = sorted({key.owner_id for key in group})
        pages = await _sample_pages(scope, shape, owners)
        for key in group:
            results[key] = pages[key.owner_id]
    return [results[key] for key in keys]


def by_shape(keys: Sequence[SamplePageKey]) -> dict[SamplePageKey, list[SamplePageKey]]:
    shapes: dict[SamplePageKey, list[SamplePageKey]] = defaultdict(list)
    for key in keys:
        shapes[replace(key, owner_id=0)].append(key)
    return shapes


async def _sample_pages(
    scope: ReadScope, shape: SamplePageKey, study_ids: list[int]
) -> dict[int, Page[Sample]]:
    conditions: list[ColumnElement[bool]] = [
        Sample.study_id.in_(study_ids),
        readable_studies_filter(scope.principal),
    ]
    if shape.where is not None:
        conditions.append(value_matches(Sample.values, shape.where))
    base = select(Sample).join(Study, Study.id == Sample.study_id).where(*conditions)
    return await windowed_pages(
        scope, base, Sample, Sample.study_id, Sample.sample_name, shape.request, study_ids
    )


UNION_OWNERS = 64
"""Up to this many owners, each page is its own `LIMIT` subquery (walked in index order);
beyond, one ROW_NUMBER() over the keys of every owner's rows."""


async def windowed_pages(
    scope: ReadScope,
    base: Select[Any],
    entity: Any,
    owner: SQLColumnExpression[int],
    name: SQLColumnExpression[str],
    request: PageRequest,
    owner_ids: list[int],
) -> dict[int, Page[Any]]:
    """Pages of `base` (selecting `entity`, filtered to `owner_ids`) for each owner, keyed by
    the unique `name`, with each owner's total count: one statement whatever the owner count
    (a second one only to count for owners whose page past a cursor is empty).

    The rows are picked by their keys alone (id, owner, name), then only those rows are
    read: wide rows (a sample's values) are never sorted nor numbered.
    """
    size = requested_page_size(scope.settings, request)
    backwards = request.last is not None and request.first is None
    counted = base.with_only_columns(owner, func.count()).group_by(owner)
    counts = counted.subquery()
    keys = _page_keys(base, entity, owner, name, request, owner_ids, size)
    query = (
        select(entity, keys.c.page_owner, keys.c.page_key, counts.c[1])
        .join(keys, inspect(entity).primary_key[0] == keys.c.page_id)
        .join(counts, counts.c[0] == keys.c.page_owner)
        .order_by(keys.c.page_owner, keys.c.page_key.desc() if backwards else keys.c.page_key)
    )
    grouped = many_per_key(owner_ids, await scope.rows(query), lambda r: r[1])
    totals = {rows[0][1]: rows[0][3] for rows in grouped if rows}
    past_cursor = request.after is not None or request.before is not None
    if past_cursor and len(totals) < len(owner_ids):
        totals.update({r[0]: r[1] for r in await scope.rows(counted)})
    pages: dict[int, Page[Any]] = {}
    for owner_id, rows in zip(owner_ids, grouped, strict=True):
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        items = [r[0] for r in rows]
        keys_of_page = [r[2] for r in rows]
        total = totals.get(owner_id, 0)
        if backwards:
            pages[owner_id] = Page(items, keys_of_page, total, request.before is not None, more)
        else:
            pages[owner_id] = Page(items, keys_of_page, total, more, request.after is not None)
    return pages


def _page_keys(
    base: Select[Any],
    entity: Any,
    owner: SQLColumnExpression[int],
    name: SQLColumnExpression[str],
    request: PageRequest,
    owner_ids: list[int],
    size: int,
) -> Subquery:
    """(page_id, page_owner, page_key) of the first `size + 1` rows of each owner's page."""
    paged = base
    if request.after is not None:
        paged = paged.where(name > request.after)
    if request.before is not None:
        paged = paged.where(name < request.before)
    order = name.desc() if request.last is not None and request.first is None else name
    keyed = paged.with_only_columns(
        inspect(entity).primary_key[0].label("page_id"),
        owner.label("page_owner"),
        name.label("page_key"),
    )
    if len(owner_ids) <= UNION_OWNERS:
        limited = [
            select(sub).select_from(sub)
            for sub in (
                keyed.where(owner == owner_id).order_by(order).limit(size + 1).subquery()
                for owner_id in owner_ids
            )
        ]
        return (limited[0] if len(limited) == 1 else union_all(*limited)).subquery()
    numbered = keyed.add_columns(
        func.row_number().over(partition_by=owner, order_by=order).label("position")
    ).subquery()
    return (
        select(numbered.c.page_id, numbered.c.page_owner, numbered.c.page_key)
        .where(numbered.c.position <= size + 1)
        .subquery()
    )
