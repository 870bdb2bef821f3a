"""Who may see and change what (decisions.md, "Authorization").

Every read and write of the other resolvers goes through these functions.
List queries use the `*_filter` SQL predicates so that counts and pages
stay right; single lookups use the `can_*` checks.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from db.models import Artifact, Study, StudyShare
from resolvers.context import Context, Principal
from resolvers.errors import Forbidden, Unauthenticated


def is_admin(principal: Principal) -> bool:
    return principal.is_admin


def has_plugin_api_rights(principal: Principal) -> bool:
    """Plugin and system clients (and admins) may call the plugin API."""
    return principal.kind in ("plugin", "system") or principal.is_admin


def require_authenticated(ctx: Context) -> Principal:
    if not ctx.principal.is_authenticated:
        raise Unauthenticated("Authentication required: send a bearer token.")
    return ctx.principal


def readable_studies_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: public studies, own, shared with the caller; all for admins.

    A study is public when any of its non-archived artifacts is public (domain.md §3.6).
    """
    if principal.kind in ("system", "plugin") or principal.is_admin:
        return true()
    public = exists(
        select(Artifact.id).where(Artifact.study_id == Study.id, Artifact.visibility == "public")
    )
    if principal.kind != "user" or principal.account_id is None:
        return public
    if principal.level == "guest":
        return public
    shared = exists(
        select(StudyShare.study_id).where(
            StudyShare.study_id == Study.id, StudyShare.account_id == principal.account_id
        )
    )
    return or_(public, Study.owner_id == principal.account_id, shared)


def editable_studies_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: owners, sharers and admins may write."""
    if principal.is_admin:
        return true()
    if principal.kind != "user" or principal.account_id is None or principal.level == "guest":
        return false()
    shared = exists(
        select(StudyShare.study_id).where(
            StudyShare.study_id == Study.id, StudyShare.account_id == principal.account_id
        )
    )
    return or_(Study.owner_id == principal.account_id, shared)


async def can_read_study(ctx: Context, study_id: int) -> bool:
    query = select(Study.id).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    return (await ctx.session.execute(query)).first() is not None


async def can_edit_study(ctx: Context, study_id: int) -> bool:
    query = select(Study.id).where(Study.id == study_id, editable_studies_filter(ctx.principal))
    return (await ctx.session.execute(query)).first() is not None


async def require_edit_study(ctx: Context, study_id: int) -> None:
    if not await can_edit_study(ctx, study_id):
        raise Forbidden(f"You do not have permission to modify study {study_id}.")
