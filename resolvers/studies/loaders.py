"""Batch reads of studies and what hangs off them (status, sharing, publications...)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.models import (
    Account,
    Artifact,
    Study,
    StudyEnvironmentalPackage,
    StudyPublication,
    StudyShare,
    StudyTagLink,
)
from resolvers.auth.access import editable_studies_filter, readable_studies_filter
from resolvers.batch_grouping import many_per_key, one_per_key, values_per_key
from resolvers.batch_scope import ReadScope
from resolvers.studies.studies import status_from_visibilities


async def studies_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Study | None]:
    """Studies the caller may read."""
    query = select(Study).where(Study.id.in_(ids), readable_studies_filter(scope.principal))
    return one_per_key(ids, await scope.scalars(query), lambda s: s.id)


async def editable_flags_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    """Whether the caller may change each study (owner, sharer, admin)."""
    query = select(Study.id).where(Study.id.in_(ids), editable_studies_filter(scope.principal))
    editable = set(await scope.scalars(query))
    return [study_id in editable for study_id in ids]


async def statuses_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[str]:
    """The derived status of each study."""
    query = (
        select(Artifact.study_id, Artifact.visibility)
        .where(Artifact.study_id.in_(ids), Artifact.visibility != "archived")
        .group_by(Artifact.study_id, Artifact.visibility)
    )
    groups = values_per_key(ids, await scope.rows(query))
    return [status_from_visibilities(visibilities) for visibilities in groups]


async def publications_for_studies(
    scope: ReadScope, ids: Sequence[int]
) -> list[list[StudyPublication]]:
    query = (
        select(StudyPublication)
        .join(Study, Study.id == StudyPublication.study_id)
        .where(StudyPublication.study_id.in_(ids), readable_studies_filter(scope.principal))
        .order_by(StudyPublication.publication)
    )
    return many_per_key(ids, await scope.scalars(query), lambda p: p.study_id)


async def shared_accounts_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[list[Account]]:
    """Accounts a study is shared with; only those who may change the study see them."""
    link = aliased(StudyShare)  # the access predicate has its own StudyShare subquery
    query = (
        select(link.study_id, Account)
        .join(Account, Account.id == link.account_id)
        .join(Study, Study.id == link.study_id)
        .where(link.study_id.in_(ids), editable_studies_filter(scope.principal))
        .order_by(Account.email)
    )
    return values_per_key(ids, await scope.rows(query))


async def environmental_packages_for_studies(
    scope: ReadScope, ids: Sequence[int]
) -> list[list[str]]:
    query = (
        select(StudyEnvironmentalPackage.study_id, StudyEnvironmentalPackage.package)
        .join(Study, Study.id == StudyEnvironmentalPackage.study_id)
        .where(
            StudyEnvironmentalPackage.study_id.in_(ids),
            readable_studies_filter(scope.principal),
        )
        .order_by(StudyEnvironmentalPackage.package)
    )
    return values_per_key(ids, await scope.rows(query))


async def tags_for_studies(scope: ReadScope, ids: Sequence[int]) -> list[list[str]]:
    query = (
        select(StudyTagLink.study_id, StudyTagLink.tag)
        .join(Study, Study.id == StudyTagLink.study_id)
        .where(StudyTagLink.study_id.in_(ids), readable_studies_filter(scope.principal))
        .order_by(StudyTagLink.tag)
    )
    return values_per_key(ids, await scope.rows(query))
