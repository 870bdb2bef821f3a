"""The sample cart: a user's default analysis, holding (artifact, sample) selections.

domain.md §2.11 step 1: a user adds samples of study artifacts to their default analysis;
samples already selected for that artifact are skipped. Creating an analysis
(creation.py) moves the selections out of the cart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from db.models import (
    Account,
    Analysis,
    AnalysisSample,
    Artifact,
    ArtifactType,
    PrepSample,
    Sample,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound

CART_DESCRIPTION = "dflt"
CART_ARTIFACT_TYPE = "BIOM"


@dataclass(frozen=True)
class Selection:
    """The samples selected from one artifact, by name."""

    artifact_id: int
    sample_names: list[str]


async def _find_default(ctx: Context, account_id: int) -> Analysis | None:
    query = (
        select(Analysis)
        .where(Analysis.owner_id == account_id, Analysis.is_default.is_(True))
        .order_by(Analysis.id)
    )
    return (await ctx.session.execute(query)).scalars().first()


async def default_analysis(ctx: Context, account_id: int) -> Analysis:
    """The account's default analysis (its cart), created on first use."""
    found = await _find_default(ctx, account_id)
    if found is not None:
        return found
    account = await ctx.session.get(Account, account_id)
    assert account is not None
    cart = Analysis(
        owner_id=account_id,
        name=f"{account.email}-dflt-1",
        description=CART_DESCRIPTION,
        is_default=True,
    )
    ctx.session.add(cart)
    await ctx.session.flush()
    return cart


async def caller_cart(ctx: Context) -> Analysis | None:
    """The signed-in member's cart (None before their first selection, and for anonymous
    callers, guests and clients); reading never creates it."""
    if not access.can_create_analysis(ctx.principal) or ctx.principal.account_id is None:
        return None
    return await _find_default(ctx, ctx.principal.account_id)


async def _cart_artifact(ctx: Context, artifact_id: int) -> Artifact:
    """A readable BIOM artifact of a study (the only ones whose samples can be selected)."""
    artifact = await ctx.session.get(Artifact, artifact_id)
    if artifact is None or not await access.can_read_artifact(ctx, artifact_id):
        raise NotFound(f"Artifact not found: {artifact_id}", "artifact_id")
    type_row = await ctx.session.get(ArtifactType, artifact.artifact_type_id)
    if artifact.prep_id is None or type_row is None or type_row.name != CART_ARTIFACT_TYPE:
        raise Invalid(
            f"Only samples of a study's {CART_ARTIFACT_TYPE} artifacts can be selected; "
            f"artifact {artifact_id} is not one.",
            "artifact_id",
        )
    return artifact


async def _artifact_samples(
    ctx: Context, artifact: Artifact, names: Sequence[str] | None
) -> dict[str, int]:
    """Sample name -> id among the artifact's preparation samples (all when `names` is None);
    Invalid naming the samples the artifact does not have."""
    query = (
        select(Sample.sample_name, Sample.id)
        .join(PrepSample, PrepSample.sample_id == Sample.id)
        .where(PrepSample.prep_id == artifact.prep_id)
    )
    known = {name: sample_id for name, sample_id in await ctx.session.execute(query)}
    if names is None:
        return known
    missing = sorted({name for name in names if name not in known})
    if missing:
        raise Invalid(
            f"Artifact {artifact.id} has no sample(s) {', '.join(missing)}.", "sample_names"
        )
    return {name: known[name] for name in names}


async def add_to_cart(
    ctx: Context, artifact_id: int, sample_names: Sequence[str] | None
) -> Analysis:
    """Select samples of an artifact (all of them when `sample_names` is None)."""
    account_id = access.require_analysis_creator(ctx)
    artifact = await _cart_artifact(ctx, artifact_id)
    wanted = await _artifact_samples(ctx, artifact, sample_names)
    cart = await default_analysis(ctx, account_id)
    chosen = select(AnalysisSample.sample_id).where(
        AnalysisSample.analysis_id == cart.id, AnalysisSample.artifact_id == artifact.id
    )
    for attempt in range(2):
        already = set((await ctx.session.execute(chosen)).scalars())
        try:
            async with ctx.session.begin_nested():
                ctx.session.add_all(
                    AnalysisSample(analysis_id=cart.id, artifact_id=artifact.id, sample_id=sid)
                    for sid in sorted(set(wanted.values()) - already)
                )
            break
        except IntegrityError:  # a concurrent request selected some of them: skip those
            if attempt:
                raise
    return cart


async def remove_from_cart(
    ctx: Context, artifact_id: int, sample_names: Sequence[str] | None
) -> Analysis:
    """Drop selected samples of an artifact (all of them when `sample_names` is None);
    samples that are not selected are ignored."""
    account_id = access.require_analysis_creator(ctx)
    cart = await default_analysis(ctx, account_id)
    removal = delete(AnalysisSample).where(
        AnalysisSample.analysis_id == cart.id, AnalysisSample.artifact_id == artifact_id
    )
    if sample_names is not None:
        ids = select(Sample.id).where(Sample.sample_name.in_(list(sample_names)))
        removal = removal.where(AnalysisSample.sample_id.in_(ids))
    await ctx.session.execute(removal.execution_options(synchronize_session=False))
    return cart


async def selections(ctx: Context, analysis_id: int) -> list[Selection]:
    """The analysis's selected samples, grouped by artifact (artifact and name order)."""
    query = (
        select(AnalysisSample.artifact_id, Sample.sample_name)
        .join(Sample, Sample.id == AnalysisSample.sample_id)
        .where(AnalysisSample.analysis_id == analysis_id)
        .order_by(AnalysisSample.artifact_id, Sample.sample_name)
    )
    grouped: dict[int, list[str]] = {}
    for artifact_id, name in await ctx.session.execute(query):
        grouped.setdefault(artifact_id, []).append(name)
    return [Selection(artifact_id, names) for artifact_id, names in grouped.items()]
