"""Batch reads of analyses, applying `readable_analyses_filter`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.models import Account, Analysis, AnalysisSample, AnalysisShare, Artifact, Sample
from resolvers.analyses.cart import Selection
from resolvers.auth.access import editable_analyses_filter, readable_analyses_filter
from resolvers.batch_grouping import one_per_key, values_per_key
from resolvers.batch_scope import ReadScope


async def analyses_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Analysis | None]:
    query = select(Analysis).where(Analysis.id.in_(ids), readable_analyses_filter(scope.principal))
    return one_per_key(ids, await scope.scalars(query), lambda a: a.id)


async def selections_for_analyses(scope: ReadScope, ids: Sequence[int]) -> list[list[Selection]]:
    """Selected samples of each readable analysis, grouped by artifact."""
    query = (
        select(AnalysisSample.analysis_id, AnalysisSample.artifact_id, Sample.sample_name)
        .join(Sample, Sample.id == AnalysisSample.sample_id)
        .join(Analysis, Analysis.id == AnalysisSample.analysis_id)
        .where(AnalysisSample.analysis_id.in_(ids), readable_analyses_filter(scope.principal))
        .order_by(AnalysisSample.analysis_id, AnalysisSample.artifact_id, Sample.sample_name)
    )
    grouped: dict[int, dict[int, list[str]]] = {}
    for analysis_id, artifact_id, name in await scope.rows(query):
        grouped.setdefault(analysis_id, {}).setdefault(artifact_id, []).append(name)
    return [
        [Selection(artifact, names) for artifact, names in grouped.get(key, {}).items()]
        for key in ids
    ]


async def shared_accounts_for_analyses(scope: ReadScope, ids: Sequence[int]) -> list[list[Account]]:
    """Accounts an analysis is shared with; only those who may change it see them."""
    link = aliased(AnalysisShare)  # the access predicate has its own AnalysisShare subquery
    query = (
        select(link.analysis_id, Account)
        .join(Account, Account.id == link.account_id)
        .join(Analysis, Analysis.id == link.analysis_id)
        .where(link.analysis_id.in_(ids), editable_analyses_filter(scope.principal))
        .order_by(Account.email)
    )
    return values_per_key(ids, await scope.rows(query))


async def editable_flags_for_analyses(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    query = select(Analysis.id).where(
        Analysis.id.in_(ids), editable_analyses_filter(scope.principal)
    )
    editable = set(await scope.scalars(query))
    return [key in editable for key in ids]


async def public_flags_for_analyses(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    """An analysis is public when it has initial artifacts and all of them are public."""
    query = select(Artifact.analysis_id, Artifact.visibility).where(
        Artifact.analysis_id.in_(ids), Artifact.command_id.is_(None)
    )
    seen: dict[int, set[str]] = {}
    for analysis_id, visibility in await scope.rows(query):
        seen.setdefault(analysis_id, set()).add(visibility)
    return [seen.get(key) == {"public"} for key in ids]
