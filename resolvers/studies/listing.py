"""The filtered, ordered list of studies behind `Query.studies`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, exists, or_, select

from db.models import Account, Artifact, DataType, PrepTemplate, Study
from resolvers.auth.access import readable_studies_filter, shared_with_caller_filter
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.keyset import Ordering, ordered_page
from resolvers.pagination import Page, PageRequest

StudyOrderField = Literal["id", "title", "first_contact"]
STUDY_STATUSES = ("public", "private", "awaiting_approval", "sandbox")


@dataclass(frozen=True)
class StudyFilter:
    text: str | None = None
    """Case-insensitive substring of the title, alias or abstract."""
    status: str | None = None
    """The derived status (domain.md §3.6)."""
    owner_email: str | None = None
    data_type: str | None = None
    """Studies with at least one preparation of this data type."""
    shared_with_me: bool = False
    """Only studies shared with the caller (not the ones they own)."""


def status_is(status: str) -> ColumnElement[bool]:
    """SQL predicate on `Study`: its derived status equals `status` (archived ignored)."""
    if status not in STUDY_STATUSES:
        raise Invalid(
            f"Unknown status {status!r}; expected one of {', '.join(STUDY_STATUSES)}.", "status"
        )

    def having(visibility: str) -> ColumnElement[bool]:
        return exists(
            select(Artifact.id).where(
                Artifact.study_id == Study.id, Artifact.visibility == visibility
            )
        )

    ranked = ["public", "private", "awaiting_approval"]
    if status == "sandbox":
        return and_(*(~having(v) for v in ranked))
    position = ranked.index(status)
    return and_(having(status), *(~having(v) for v in ranked[:position]))


def _conditions(ctx: Context, where: StudyFilter) -> list[ColumnElement[bool]]:
    conditions = [readable_studies_filter(ctx.principal)]
    if where.text:
        conditions.append(
            or_(
                Study.title.icontains(where.text, autoescape=True),
                Study.alias.icontains(where.text, autoescape=True),
                Study.abstract.icontains(where.text, autoescape=True),
            )
        )
    if where.status is not None:
        conditions.append(status_is(where.status))
    if where.owner_email is not None:
        conditions.append(
            Study.owner_id.in_(
                select(Account.id).where(Account.email_lower == where.owner_email.lower())
            )
        )
    if where.data_type is not None:
        conditions.append(
            exists(
                select(PrepTemplate.id)
                .join(DataType, DataType.id == PrepTemplate.data_type_id)
                .where(PrepTemplate.study_id == Study.id, DataType.name == where.data_type)
            )
        )
    if where.shared_with_me:
        conditions.append(shared_with_caller_filter(ctx.principal))
    return conditions


def study_ordering(field: StudyOrderField, *, descending: bool = False) -> Ordering:
    columns: dict[str, SQLColumnExpression[Any]] = {
        "id": Study.id,
        "title": Study.title,
        "first_contact": Study.first_contact,
    }
    return Ordering(columns[field], Study.id, descending)


async def search_studies(
    ctx: Context, where: StudyFilter, ordering: Ordering, page: PageRequest
) -> Page[Study]:
    """Studies the caller may read that match `where`, one keyset page in `ordering`."""
    query = select(Study).where(*_conditions(ctx, where))
    return await ordered_page(ctx, query, ordering, page)
