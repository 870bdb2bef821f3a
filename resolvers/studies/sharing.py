"""Sharing a study with other users (domain.md §2.4), which the web UI offers and REST does not."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from db.models import Account, Study, StudyShare
from resolvers.auth.access import can_be_shared_with, require_edit_study
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.messages import notify
from resolvers.studies.studies import find_study


async def _account(ctx: Context, email: str) -> Account:
    query = select(Account).where(Account.email_lower == email.strip().lower())
    account = (await ctx.session.execute(query)).scalar_one_or_none()
    if account is None:
        raise Invalid(f"Unknown user: {email}", "email")
    return account


async def share_study(ctx: Context, study_id: int, email: str) -> Study:
    """Let `email` read and change the study; sharing with the owner or again is a no-op.

    Only those who may change the study (owner, sharers, admins) may share it.
    """
    study = await find_study(ctx, study_id)
    await require_edit_study(ctx, study_id)
    account = await _account(ctx, email)
    if not can_be_shared_with(account.level):
        raise Invalid(f"{account.email} has not verified their e-mail address yet.", "email")
    if account.id == study.owner_id:
        return study
    existing = select(StudyShare).where(
        StudyShare.study_id == study_id, StudyShare.account_id == account.id
    )
    if (await ctx.session.execute(existing)).first() is not None:
        return study
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(StudyShare(study_id=study_id, account_id=account.id))
    except IntegrityError:  # shared by a concurrent request: the same end state
        return study
    by = ctx.principal.email or "An administrator"
    await notify(
        ctx,
        account.id,
        "study_shared",
        f'{by} shared the study "{study.title}" ({study.id}) with you.',
        study_id=study.id,
    )
    return study


async def unshare_study(ctx: Context, study_id: int, email: str) -> Study:
    """Stop sharing the study with `email`; a user who is not a sharer is a no-op."""
    study = await find_study(ctx, study_id)
    await require_edit_study(ctx, study_id)
    account = await _account(ctx, email)
    await ctx.session.execute(
        delete(StudyShare).where(
            StudyShare.study_id == study_id, StudyShare.account_id == account.id
        )
    )
    return study
