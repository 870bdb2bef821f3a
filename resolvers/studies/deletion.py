"""Deleting a study, as the web UI does, only while it has no artifact (domain.md §3.8).

Everything of the study goes in one transaction: its preparations and their samples, its
sample information, sharing, publications, packages, tags, the file rows of its sample and
preparation information, then the study. The files themselves are removed after commit
(resolvers/files/removal.py). The upload folder stays: it holds the user's own files.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from db.models import (
    Artifact,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
    StoredFile,
    StudyEnvironmentalPackage,
    StudyPublication,
    StudyShare,
    StudyTagLink,
)
from resolvers.auth.access import require_delete_study
from resolvers.context import Context
from resolvers.errors import Conflict
from resolvers.files.removal import remove_stored_files
from resolvers.studies.studies import find_study

MAX_LISTED = 20


def listed(ids: list[int]) -> str:
    """At most MAX_LISTED ids, then how many more."""
    shown = ", ".join(str(i) for i in ids[:MAX_LISTED])
    more = len(ids) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


async def study_artifact_ids(ctx: Context, study_id: int) -> list[int]:
    query = select(Artifact.id).where(Artifact.study_id == study_id).order_by(Artifact.id)
    return list((await ctx.session.execute(query)).scalars())


async def delete_study(ctx: Context, study_id: int) -> int:
    """Delete a study without artifacts (its owner or an admin); its id."""
    study = await find_study(ctx, study_id)
    await require_delete_study(ctx, study_id)
    artifacts = await study_artifact_ids(ctx, study_id)
    if artifacts:
        raise Conflict(
            f"Study {study_id} cannot be deleted: it has artifacts ({listed(artifacts)}); "
            "delete them first."
        )
    preps = select(PrepTemplate.id).where(PrepTemplate.study_id == study_id)
    await remove_stored_files(
        ctx,
        or_(StoredFile.sample_template_study_id == study_id, StoredFile.prep_id.in_(preps)),
    )
    await ctx.session.execute(delete(PrepSample).where(PrepSample.prep_id.in_(preps)))
    await ctx.session.execute(delete(PrepTemplate).where(PrepTemplate.study_id == study_id))
    await ctx.session.execute(delete(Sample).where(Sample.study_id == study_id))
    await ctx.session.execute(delete(SampleTemplate).where(SampleTemplate.study_id == study_id))
    for table in (StudyShare, StudyPublication, StudyEnvironmentalPackage, StudyTagLink):
        await ctx.session.execute(delete(table).where(table.study_id == study_id))
    await ctx.session.delete(study)  # through the ORM: the audit log names the study's id
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request linked something to it meanwhile
        raise Conflict(f"Study {study_id} changed while it was being deleted; try again.") from None
    return study_id
