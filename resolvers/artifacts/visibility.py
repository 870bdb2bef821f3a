"""Changing an artifact's visibility (domain.md §3.6), which the web UI offers and REST does not.

A change applies to the whole processing DAG of the artifact (a root and all its
descendants; archived artifacts keep their state). Leaving the sandbox first checks the
hard restrictions of the study's sample information and of the artifact's preparation.
"""

from __future__ import annotations

from sqlalchemy import select, update

from db.models import Artifact, ArtifactParent, MetadataRestriction, PrepSample, Sample
from resolvers.artifacts.artifacts import get_artifact
from resolvers.auth.access import can_moderate_visibility, require_edit_study
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, Invalid

SETTABLE = ("sandbox", "awaiting_approval", "private", "public")
MAX_DAG_DEPTH = 100


async def set_artifact_visibility(ctx: Context, artifact_id: int, visibility: str) -> Artifact:
    """Move the artifact's DAG to `visibility` under the UI's rules: editors only; public is
    final except for admins (decisions.md Q16); with approval required, users request it
    (awaiting_approval, processed artifacts only) and admins make artifacts private; public
    only from private; leaving the sandbox needs metadata within the restrictions.
    """
    if visibility not in SETTABLE:
        raise Invalid(
            f"Unknown visibility {visibility!r}; expected one of {', '.join(SETTABLE)}.",
            "visibility",
        )
    artifact = await get_artifact(ctx, artifact_id)
    if artifact.study_id is None:
        raise Invalid("Only study artifacts have a visibility of their own.", "artifactId")
    await require_edit_study(ctx, artifact.study_id)
    current = artifact.visibility
    if current == visibility:
        return artifact
    if current == "archived":
        raise Conflict(f"Artifact {artifact_id} is archived; its visibility cannot change.")
    admin = can_moderate_visibility(ctx.principal)
    if current == "public" and not admin:
        raise Forbidden("Public artifacts stay public; only an administrator can change them.")
    parents = await _neighbours(ctx, [artifact.id], upwards=True)
    if visibility == "awaiting_approval":
        if not ctx.settings.require_approval:
            raise Invalid(
                "This server does not require approval: make the artifact private instead.",
                "visibility",
            )
        if not parents:
            raise Invalid(
                "Approval is requested for processed artifacts, not for uploaded files.",
                "visibility",
            )
    if visibility == "private" and ctx.settings.require_approval and not admin:
        raise Forbidden(
            "This server requires approval: request it (awaiting_approval); "
            "an administrator then makes the artifact private."
        )
    if visibility == "public" and current != "private" and not admin:
        raise Invalid("Make the artifact private before making it public.", "visibility")
    if visibility != "sandbox":
        await _check_restrictions(ctx, artifact)
    members = await _dag(ctx, artifact.id)
    await ctx.session.execute(
        update(Artifact)
        .where(Artifact.id.in_(members), Artifact.visibility != "archived")
        .values(visibility=visibility)
        .execution_options(synchronize_session=False)
    )
    await ctx.session.refresh(artifact)
    return artifact


async def _neighbours(ctx: Context, ids: list[int], *, upwards: bool) -> list[int]:
    if upwards:
        query = select(ArtifactParent.parent_id).where(ArtifactParent.artifact_id.in_(ids))
    else:
        query = select(ArtifactParent.artifact_id).where(ArtifactParent.parent_id.in_(ids))
    return list((await ctx.session.execute(query)).scalars().all())


async def _dag(ctx: Context, artifact_id: int) -> set[int]:
    """A root of the artifact (the first found) and all of that root's descendants."""
    root = artifact_id
    for _ in range(MAX_DAG_DEPTH):
        parents = sorted(await _neighbours(ctx, [root], upwards=True))
        if not parents:
            break
        root = parents[0]
    members = {root}
    frontier = [root]
    for _ in range(MAX_DAG_DEPTH):
        if not frontier:
            break
        frontier = [c for c in await _neighbours(ctx, frontier, upwards=False) if c not in members]
        members.update(frontier)
    return members


async def _check_restrictions(ctx: Context, artifact: Artifact) -> None:
    restrictions = (await ctx.session.execute(select(MetadataRestriction))).scalars().all()
    errors: list[str] = []
    for restriction in restrictions:
        column = restriction.column_name
        allowed = set(restriction.valid_values)
        if restriction.template_kind == "sample":
            values = select(Sample.values[column].as_string()).where(
                Sample.study_id == artifact.study_id
            )
            where = "sample information"
        elif artifact.prep_id is not None:
            values = select(PrepSample.values[column].as_string()).where(
                PrepSample.prep_id == artifact.prep_id
            )
            where = "preparation information"
        else:
            continue
        found = list((await ctx.session.execute(values.distinct())).scalars().all())
        if not found:
            continue
        if any(value is None for value in found) and None not in allowed:
            errors.append(f"{where}: column '{column}' is missing or empty")
        wrong = sorted(value for value in found if value is not None and value not in allowed)
        if wrong:
            errors.append(f"{where}: '{column}' has values not allowed: {', '.join(wrong)}")
    if errors:
        raise Invalid("Errors in your info files: " + "; ".join(errors), "visibility")
