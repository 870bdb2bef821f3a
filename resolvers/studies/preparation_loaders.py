"""Batch reads of preparations (prep templates), their status and their samples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from db.models import Artifact, PrepSample, PrepTemplate, Sample, Study
from resolvers.auth.access import readable_studies_filter
from resolvers.batch_grouping import many_per_key, one_per_key
from resolvers.batch_scope import ReadScope
from resolvers.pagination import Page
from resolvers.studies.sample_loaders import SamplePageKey, by_shape, value_matches, windowed_pages


@dataclass(frozen=True)
class PreparationSample:
    """One sample's row in a preparation."""

    prep_id: int
    sample_name: str
    ebi_experiment_accession: str | None
    values: dict[str, Any]


def _readable(scope: ReadScope) -> ColumnElement[bool]:
    return readable_studies_filter(scope.principal)


async def preparations_by_id(scope: ReadScope, ids: Sequence[int]) -> list[PrepTemplate | None]:
    """Preparations of studies the caller may read."""
    query = (
        select(PrepTemplate)
        .join(Study, Study.id == PrepTemplate.study_id)
        .where(PrepTemplate.id.in_(ids), _readable(scope))
    )
    return one_per_key(ids, await scope.scalars(query), lambda p: p.id)


async def preparations_for_studies(
    scope: ReadScope, study_ids: Sequence[int]
) -> list[list[PrepTemplate]]:
    query = (
        select(PrepTemplate)
        .join(Study, Study.id == PrepTemplate.study_id)
        .where(PrepTemplate.study_id.in_(study_ids), _readable(scope))
        .order_by(PrepTemplate.id)
    )
    return many_per_key(study_ids, await scope.scalars(query), lambda p: p.study_id)


async def statuses_for_preparations(scope: ReadScope, ids: Sequence[int]) -> list[str]:
    """A prep's status is its root artifact's visibility; sandbox without one (§3.6)."""
    query = (
        select(PrepTemplate.id, Artifact.visibility)
        .join(Artifact, Artifact.id == PrepTemplate.artifact_id)
        .where(PrepTemplate.id.in_(ids))
    )
    found = {row[0]: row[1] for row in await scope.rows(query)}
    return [found.get(prep_id, "sandbox") for prep_id in ids]


async def sample_counts_for_preparations(scope: ReadScope, ids: Sequence[int]) -> list[int]:
    query = (
        select(PrepSample.prep_id, func.count(PrepSample.id))
        .join(PrepTemplate, PrepTemplate.id == PrepSample.prep_id)
        .join(Study, Study.id == PrepTemplate.study_id)
        .where(PrepSample.prep_id.in_(ids), _readable(scope))
        .group_by(PrepSample.prep_id)
    )
    counts = {row[0]: row[1] for row in await scope.rows(query)}
    return [counts.get(prep_id, 0) for prep_id in ids]


async def sample_pages_for_preparations(
    scope: ReadScope, keys: Sequence[SamplePageKey]
) -> list[Page[PreparationSample]]:
    """Keyset pages of a preparation's samples ordered by sample name."""
    results: dict[SamplePageKey, Page[PreparationSample]] = {}
    for shape, group in by_shape(keys).items():
        prep_ids = sorted({key.owner_id for key in group})
        conditions: list[ColumnElement[bool]] = [
            PrepSample.prep_id.in_(prep_ids),
            _readable(scope),
        ]
        if shape.where is not None:
            conditions.append(value_matches(PrepSample.values, shape.where))
        base = (
            select(PrepSample)
            .join(Sample, Sample.id == PrepSample.sample_id)
            .join(PrepTemplate, PrepTemplate.id == PrepSample.prep_id)
            .join(Study, Study.id == PrepTemplate.study_id)
            .where(*conditions)
        )
        pages = await windowed_pages(
            scope,
            base,
            PrepSample,
            PrepSample.prep_id,
            Sample.sample_name,
            shape.request,
            prep_ids,
        )
        for key in group:
            page = pages[key.owner_id]
            items = [
                PreparationSample(
                    prep_id=row.prep_id,
                    sample_name=name,
                    ebi_experiment_accession=row.ebi_experiment_accession,
                    values=row.values,
                )
                for row, name in zip(page.items, page.keys, strict=True)
            ]
            results[key] = Page(
                items, page.keys, page.total_count, page.has_next_page, page.has_previous_page
            )
    return [results[key] for key in keys]
