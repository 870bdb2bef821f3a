"""Deleting samples and columns from sample or preparation information (domain.md §2.5, §2.6).

Sample information: a sample used by any preparation stays; not every sample may go; a
column must exist. Preparation information: no sample goes once the preparation has a root
artifact; not every sample may go; a column must exist, and `barcode`, `primer` and
`run_prefix` of a target-gene preparation stay once its root artifact has children.
Every deletion writes a new information file (domain.md §3.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update

from db.models import (
    ArtifactParent,
    DataType,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
    Study,
)
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound, Required
from resolvers.studies.metadata_rules import prefix_sample_name
from resolvers.studies.preparation_editing import find_editable_preparation
from resolvers.studies.studies import find_editable_study
from resolvers.studies.template_files import regenerate_prep_file, regenerate_sample_file

TARGET_GENE_TYPES = frozenset({"16S", "18S", "ITS"})
PROCESSING_COLUMNS = ("barcode", "primer", "run_prefix")


def _wanted(names: Sequence[str], field: str) -> list[str]:
    clean = sorted({name.strip() for name in names if name.strip()})
    if not clean:
        raise Required(f"Name at least one of the {field}.", field)
    if any("\x00" in name for name in clean):
        raise Invalid(f"A value of {field} contains a NUL character.", field)
    return clean


def _resolve_names(study_id: int, wanted: list[str], stored: dict[str, int]) -> dict[str, int]:
    """Stored names (`<study>.<name>`, or the name without the prefix) -> sample ids."""
    found: dict[str, int] = {}
    unknown = []
    for name in wanted:
        stored_name = name if name in stored else prefix_sample_name(study_id, name)
        if stored_name in stored:
            found[stored_name] = stored[stored_name]
        else:
            unknown.append(name)
    if unknown:
        raise NotFound(f"Unknown samples: {', '.join(unknown)}.", "samples")
    return found


async def _template(ctx: Context, study_id: int) -> SampleTemplate:
    template = await ctx.session.get(SampleTemplate, study_id)
    if template is None:
        raise NotFound("Study does not have sample information", "study_id")
    return template


async def delete_samples(ctx: Context, study_id: int, names: Sequence[str]) -> Study:
    """Delete samples no preparation uses from the study's sample information."""
    study = await find_editable_study(ctx, study_id)
    await _template(ctx, study_id)
    query = select(Sample.sample_name, Sample.id).where(Sample.study_id == study_id)
    stored = {name: sample_id for name, sample_id in await ctx.session.execute(query)}
    doomed = _resolve_names(study_id, _wanted(names, "samples"), stored)
    used = (
        await ctx.session.execute(
            select(Sample.sample_name, PrepSample.prep_id)
            .join(PrepSample, PrepSample.sample_id == Sample.id)
            .where(Sample.id.in_(doomed.values()))
            .order_by(Sample.sample_name, PrepSample.prep_id)
        )
    ).all()
    if used:
        named = ", ".join(f"{name} (preparation {prep_id})" for name, prep_id in used)
        raise Conflict(f"These samples are used by preparations: {named}.", "samples")
    if len(doomed) == len(stored):
        raise Conflict("Every sample would be deleted; keep at least one.", "samples")
    await ctx.session.execute(delete(Sample).where(Sample.id.in_(doomed.values())))
    await regenerate_sample_file(ctx, study_id)
    return study


async def _drop_keys(ctx: Context, entity: Any, owner: Any, columns: list[str]) -> None:
    """Remove `columns` from the JSON values of every row of one owner (bulk, by id)."""
    rows = (await ctx.session.execute(select(entity.id, entity.values).where(owner))).all()
    changed = [
        {"id": row_id, "values": {k: v for k, v in values.items() if k not in columns}}
        for row_id, values in rows
        if any(column in values for column in columns)
    ]
    if changed:
        await ctx.session.execute(update(entity), changed)


def _known_columns(current: Sequence[str], wanted: list[str]) -> None:
    unknown = [column for column in wanted if column not in current]
    if unknown:
        raise NotFound(f"Unknown columns: {', '.join(unknown)}.", "columns")


async def delete_sample_columns(ctx: Context, study_id: int, columns: Sequence[str]) -> Study:
    """Delete categories (columns) from the study's sample information."""
    study = await find_editable_study(ctx, study_id)
    template = await _template(ctx, study_id)
    wanted = _wanted(columns, "columns")
    _known_columns(template.columns, wanted)
    template.columns = [c for c in template.columns if c not in wanted]
    await _drop_keys(ctx, Sample, Sample.study_id == study_id, wanted)
    await ctx.session.flush()
    await regenerate_sample_file(ctx, study_id)
    return study


async def delete_preparation_samples(
    ctx: Context, prep_id: int, names: Sequence[str]
) -> PrepTemplate:
    """Delete samples from a preparation that has no root artifact yet."""
    prep = await find_editable_preparation(ctx, prep_id)
    if prep.artifact_id is not None:
        raise Conflict(
            f"Preparation {prep_id} has artifacts (root artifact {prep.artifact_id}): "
            "its samples cannot be deleted.",
            "samples",
        )
    query = (
        select(Sample.sample_name, PrepSample.id)
        .join(Sample, Sample.id == PrepSample.sample_id)
        .where(PrepSample.prep_id == prep_id)
    )
    stored = {name: row_id for name, row_id in await ctx.session.execute(query)}
    doomed = _resolve_names(prep.study_id, _wanted(names, "samples"), stored)
    if len(doomed) == len(stored):
        raise Conflict("Every sample would be deleted; delete the preparation instead.", "samples")
    await ctx.session.execute(delete(PrepSample).where(PrepSample.id.in_(doomed.values())))
    await regenerate_prep_file(ctx, prep_id)
    return prep


async def _protected_columns(ctx: Context, prep: PrepTemplate) -> tuple[str, ...]:
    """Columns that stay: the processing columns of a processed target-gene preparation."""
    if prep.artifact_id is None:
        return ()
    data_type = await ctx.session.get(DataType, prep.data_type_id)
    if data_type is None or data_type.name not in TARGET_GENE_TYPES:
        return ()
    children = select(func.count()).where(ArtifactParent.parent_id == prep.artifact_id)
    if not (await ctx.session.execute(children)).scalar_one():
        return ()
    return PROCESSING_COLUMNS


async def delete_preparation_columns(
    ctx: Context, prep_id: int, columns: Sequence[str]
) -> PrepTemplate:
    """Delete columns from a preparation's information, within `can_be_updated`'s rule."""
    prep = await find_editable_preparation(ctx, prep_id)
    wanted = _wanted(columns, "columns")
    _known_columns(prep.columns, wanted)
    protected = [c for c in wanted if c in await _protected_columns(ctx, prep)]
    if protected:
        raise Conflict(
            f"Preparation {prep_id} was processed from its {', '.join(PROCESSING_COLUMNS)} "
            f"columns: {', '.join(protected)} cannot be deleted.",
            "columns",
        )
    prep.columns = [c for c in prep.columns if c not in wanted]
    await _drop_keys(ctx, PrepSample, PrepSample.prep_id == prep_id, wanted)
    await ctx.session.flush()
    await regenerate_prep_file(ctx, prep_id)
    return prep
