"""Sharing an analysis with other users and making it public (domain.md §2.11).

An analysis is public when all its initial artifacts are; it can be made public only
when every artifact it took samples from is public, and then all its artifacts become
public. Carts (default analyses) are neither shared nor published.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from db.models import Account, Analysis, AnalysisSample, AnalysisShare, Artifact
from resolvers.auth import access
from resolvers.auth.accounts import get_account_by_email
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.messages import notify


async def find_analysis(ctx: Context, analysis_id: int) -> Analysis:
    """The analysis if the caller may read it; NotFound otherwise."""
    await access.require_read_analysis(ctx, analysis_id)
    analysis = await ctx.session.get(Analysis, analysis_id)
    if analysis is None:
        raise NotFound(f"Analysis not found: {analysis_id}")
    return analysis


async def _editable(ctx: Context, analysis_id: int) -> Analysis:
    access.require_authenticated(ctx)
    analysis = await find_analysis(ctx, analysis_id)
    await access.require_edit_analysis(ctx, analysis_id)
    if analysis.is_default:
        raise Invalid("A cart (default analysis) cannot be shared or published.", "analysis_id")
    return analysis


async def _account(ctx: Context, email: str) -> Account:
    account = await get_account_by_email(ctx, email.strip())
    if account is None:
        raise Invalid(f"Unknown user: {email}", "email")
    return account


async def share_analysis(ctx: Context, analysis_id: int, email: str) -> Analysis:
    """Let `email` read and change the analysis; sharing with the owner or again is a no-op."""
    analysis = await _editable(ctx, analysis_id)
    account = await _account(ctx, email)
    if not access.can_work_on_analyses(account.level):
        raise Invalid(f"{account.email} cannot work on analyses (level {account.level}).", "email")
    if account.id == analysis.owner_id:
        return analysis
    existing = select(AnalysisShare).where(
        AnalysisShare.analysis_id == analysis.id, AnalysisShare.account_id == account.id
    )
    if (await ctx.session.execute(existing)).first() is not None:
        return analysis
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(AnalysisShare(analysis_id=analysis.id, account_id=account.id))
    except IntegrityError:  # shared by a concurrent request: the same end state
        return analysis
    by = ctx.principal.email or "An administrator"
    await notify(
        ctx,
        account.id,
        "analysis_shared",
        f'{by} shared the analysis "{analysis.name}" ({analysis.id}) with you.',
        analysis_id=analysis.id,
    )
    return analysis


async def unshare_analysis(ctx: Context, analysis_id: int, email: str) -> Analysis:
    """Stop sharing with `email`; a user the analysis is not shared with is a no-op."""
    analysis = await _editable(ctx, analysis_id)
    account = await _account(ctx, email)
    await ctx.session.execute(
        delete(AnalysisShare).where(
            AnalysisShare.analysis_id == analysis.id, AnalysisShare.account_id == account.id
        )
    )
    return analysis


async def make_analysis_public(ctx: Context, analysis_id: int) -> Analysis:
    """Make every artifact of the analysis public; Conflict unless all the artifacts its
    samples come from are public, Invalid when it has no artifact yet."""
    analysis = await _editable(ctx, analysis_id)
    sources = select(AnalysisSample.artifact_id).where(AnalysisSample.analysis_id == analysis.id)
    private = (
        (
            await ctx.session.execute(
                select(Artifact.id)
                .where(Artifact.id.in_(sources), Artifact.visibility != "public")
                .order_by(Artifact.id)
            )
        )
        .scalars()
        .all()
    )
    if private:
        listed = ", ".join(str(a) for a in private)
        raise Conflict(
            f"Analysis {analysis.id} uses samples of artifacts that are not public: {listed}."
        )
    own = select(Artifact.id).where(Artifact.analysis_id == analysis.id)
    if (await ctx.session.execute(own)).first() is None:
        raise Invalid(f"Analysis {analysis.id} has no artifact to make public.", "analysis_id")
    await ctx.session.execute(
        update(Artifact)
        .where(Artifact.analysis_id == analysis.id)
        .values(visibility="public")
        .execution_options(synchronize_session=False)
    )
    return analysis
