"""Editing, deprecating and deleting a preparation (domain.md §2.6, §3.8).

Name, investigation type and the deprecated flag change at any time; a preparation is
deleted only while no artifact belongs to it. Its information files are removed after
commit (resolvers/files/removal.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from db.models import Artifact, DataType, PrepSample, PrepTemplate, StoredFile
from resolvers.auth.access import require_edit_study
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, Required
from resolvers.files.removal import remove_stored_files
from resolvers.studies.deletion import listed
from resolvers.studies.preparations import find_preparation, resolve_investigation_type

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class PreparationChanges:
    """What to change; `None` leaves a field alone."""

    name: str | None = None
    investigation_type: str | None = None
    deprecated: bool | None = None


@dataclass(frozen=True)
class DeletedPreparation:
    prep_id: int
    study_id: int


async def find_editable_preparation(ctx: Context, prep_id: int) -> PrepTemplate:
    """A preparation of a study the caller may change; NotFound when unreadable."""
    prep = await find_preparation(ctx, prep_id)
    await require_edit_study(ctx, prep.study_id)
    return prep


def _clean_name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise Required("The name must not be empty.", "name")
    if len(clean) > MAX_NAME_LENGTH or any(ord(c) < 32 for c in clean):
        raise Invalid(
            f"A name is at most {MAX_NAME_LENGTH} characters, without control characters.",
            "name",
        )
    return clean


async def update_preparation(
    ctx: Context, prep_id: int, changes: PreparationChanges
) -> PrepTemplate:
    """Rename, re-type or (un)deprecate a preparation (its study's editors)."""
    prep = await find_editable_preparation(ctx, prep_id)
    if changes.name is not None:
        prep.name = _clean_name(changes.name)
    if changes.investigation_type is not None:
        if not changes.investigation_type.strip():
            raise Required("The investigation type must not be empty.", "investigation_type")
        data_type = await ctx.session.get(DataType, prep.data_type_id)
        assert data_type is not None
        prep.investigation_type = await resolve_investigation_type(
            ctx, data_type, changes.investigation_type
        )
    if changes.deprecated is not None:
        prep.deprecated = changes.deprecated
    await ctx.session.flush()
    return prep


async def preparation_artifact_ids(ctx: Context, prep: PrepTemplate) -> list[int]:
    """Every artifact of the preparation: its root and its processing DAG."""
    query = (
        select(Artifact.id)
        .where(or_(Artifact.prep_id == prep.id, Artifact.id == prep.artifact_id))
        .order_by(Artifact.id)
    )
    return list((await ctx.session.execute(query)).scalars())


async def delete_preparation(ctx: Context, prep_id: int) -> DeletedPreparation:
    """Delete a preparation without artifacts (its study's editors)."""
    prep = await find_editable_preparation(ctx, prep_id)
    artifacts = await preparation_artifact_ids(ctx, prep)
    if artifacts:
        raise Conflict(
            f"Preparation {prep_id} cannot be deleted: it has artifacts ({listed(artifacts)}); "
            "delete them first."
        )
    study_id = prep.study_id
    await remove_stored_files(ctx, StoredFile.prep_id == prep_id)
    await ctx.session.execute(delete(PrepSample).where(PrepSample.prep_id == prep_id))
    await ctx.session.delete(prep)  # through the ORM: the audit log names the preparation
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request linked something to it meanwhile
        raise Conflict(
            f"Preparation {prep_id} changed while it was being deleted; try again."
        ) from None
    return DeletedPreparation(prep_id=prep_id, study_id=study_id)
