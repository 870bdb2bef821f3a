"""The feature archive: values per (merging scheme, feature), scheme computed from a job.

plugin-lifecycle.md §8 and domain.md §3.5. Values are opaque strings (by convention JSON).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import (
    ArchiveFeatureValue,
    ArchiveMergingScheme,
    Artifact,
    ArtifactParent,
    Command,
    CommandOutput,
    CommandParameter,
    ProcessingJob,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.jobs.lifecycle import input_artifact_ids, load_job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergingScheme:
    """Which parameters and outputs of a command take part in merging (lifecycle §8.1)."""

    command_name: str
    parameters: list[str]
    outputs: list[str]
    ignore_parent_command: bool


async def merging_scheme_of(ctx: Context, command_id: int) -> MergingScheme:
    command = await ctx.session.get(Command, command_id)
    assert command is not None
    parameters = (
        await ctx.session.execute(
            select(CommandParameter.name)
            .where(CommandParameter.command_id == command_id, CommandParameter.check_biom_merge)
            .order_by(CommandParameter.name)
        )
    ).scalars()
    outputs = (
        await ctx.session.execute(
            select(CommandOutput.name)
            .where(CommandOutput.command_id == command_id, CommandOutput.check_biom_merge)
            .order_by(CommandOutput.name)
        )
    ).scalars()
    return MergingScheme(command.name, list(parameters), list(outputs),
                         command.ignore_parent_command)  # fmt: skip


def _python_text(value: Any) -> str:
    """Values rendered as Python prints them (True, None, 0.97, strings verbatim)."""
    return value if isinstance(value, str) else repr(value)


def _pairs(names: Sequence[str], values: Mapping[str, Any] | None) -> str:
    source = values or {}
    return ",".join(f"{name}: {_python_text(source.get(name))}" for name in names)


def human_scheme(
    scheme: MergingScheme,
    values: Mapping[str, Any] | None,
    parent: MergingScheme | None,
    parent_values: Mapping[str, Any] | None,
) -> str:
    """H(cmd, ms, parent_cmd, parent_ms, values, parent_values) of lifecycle §8.2."""
    label = scheme.command_name
    if scheme.parameters:
        label = f"{label} ({_pairs(scheme.parameters, values)})"
    if scheme.ignore_parent_command:
        return label
    if parent is None:
        return f"{label} | N/A"
    parent_label = parent.command_name
    if parent.parameters:
        parent_label = f"{parent_label} ({_pairs(parent.parameters, parent_values)})"
    return f"{label} | {parent_label}"


def merge_overlapping(first: str, second: str) -> str:
    """`first` + `second`, writing once the longest suffix of `first` that starts `second`."""
    for size in range(min(len(first), len(second)), 0, -1):
        if first.endswith(second[:size]):
            return first + second[size:]
    return first + second


async def job_merging_scheme(ctx: Context, job: ProcessingJob) -> str:
    """The scheme of a job: its command and values, and its first input's lineage (§8.3)."""
    inputs = await input_artifact_ids(ctx, job.id)
    if not inputs:
        raise Invalid(f"Job {job.id} has no input artifact, so it has no merging scheme.")
    scheme = await merging_scheme_of(ctx, job.command_id)
    first = await ctx.session.get(Artifact, inputs[0])
    assert first is not None
    if first.command_id is None:
        return human_scheme(scheme, job.parameters, None, None)
    parent_scheme = await merging_scheme_of(ctx, first.command_id)
    result = human_scheme(scheme, job.parameters, parent_scheme, first.command_parameters)
    if parent_scheme.ignore_parent_command:
        return result
    grandparent_id = (
        await ctx.session.execute(
            select(ArtifactParent.parent_id)
            .where(ArtifactParent.artifact_id == first.id)
            .order_by(ArtifactParent.parent_id)
        )
    ).scalar()
    grandparent = await ctx.session.get(Artifact, grandparent_id) if grandparent_id else None
    if grandparent is None or grandparent.command_id is None:
        return result
    grand_scheme = await merging_scheme_of(ctx, grandparent.command_id)
    upper = human_scheme(
        parent_scheme, first.command_parameters, grand_scheme, grandparent.command_parameters
    )
    return merge_overlapping(result, upper)


def _insert(ctx: Context) -> Any:
    dialect = ctx.session.get_bind().dialect.name
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def _scheme_id(ctx: Context, scheme: str, *, create: bool) -> int | None:
    query = select(ArchiveMergingScheme.id).where(ArchiveMergingScheme.scheme == scheme)
    found = (await ctx.session.execute(query)).scalar_one_or_none()
    if found is not None or not create:
        return found
    statement = _insert(ctx)(ArchiveMergingScheme).values(scheme=scheme)
    await ctx.session.execute(statement.on_conflict_do_nothing(index_elements=["scheme"]))
    return (await ctx.session.execute(query)).scalar_one()


def _require_rights(ctx: Context) -> None:
    access.require_plugin_api(ctx, "Only plugins may use the feature archive.")


async def lookup_features(ctx: Context, job_id: str, features: Sequence[str]) -> dict[str, str]:
    """Stored values of `features` under the job's merging scheme; unknown ones absent (§5.5)."""
    _require_rights(ctx)
    job = await load_job(ctx, job_id)
    scheme_id = await _scheme_id(ctx, await job_merging_scheme(ctx, job), create=False)
    if scheme_id is None or not features:
        return {}
    rows = await ctx.session.execute(
        select(ArchiveFeatureValue.feature, ArchiveFeatureValue.value)
        .where(
            ArchiveFeatureValue.merging_scheme_id == scheme_id,
            ArchiveFeatureValue.feature.in_(set(features)),
        )
        .order_by(ArchiveFeatureValue.feature)
    )
    return {k: v for k, v in rows}


async def _upsert(ctx: Context, scheme_id: int, values: Mapping[str, str]) -> None:
    insert = _insert(ctx)
    for feature, value in values.items():
        statement = insert(ArchiveFeatureValue).values(
            merging_scheme_id=scheme_id, feature=feature, value=value
        )
        await ctx.session.execute(
            statement.on_conflict_do_update(
                index_elements=["merging_scheme_id", "feature"], set_={"value": value}
            )
        )


async def store_features(ctx: Context, job_id: str, values: Any) -> dict[str, str]:
    """Upsert feature values under the job's scheme; returns them as now stored (§5.6)."""
    _require_rights(ctx)
    if not isinstance(values, dict):
        raise Invalid("The value must be a JSON object of feature -> value.", field="value")
    bad = sorted(str(k) for k, v in values.items() if not isinstance(v, str))
    if bad:
        raise Invalid(f"Archived values must be strings; not for: {', '.join(bad)}", field="value")
    job = await load_job(ctx, job_id)
    scheme_id = await _scheme_id(ctx, await job_merging_scheme(ctx, job), create=True)
    assert scheme_id is not None
    await _upsert(ctx, scheme_id, values)
    rows = await ctx.session.execute(
        select(ArchiveFeatureValue.feature, ArchiveFeatureValue.value)
        .where(
            ArchiveFeatureValue.merging_scheme_id == scheme_id,
            ArchiveFeatureValue.feature.in_(list(values)),
        )
        .order_by(ArchiveFeatureValue.feature)
    )
    return {k: v for k, v in rows}


async def store_completion_archive(
    ctx: Context, job: ProcessingJob, values: Mapping[str, str]
) -> None:
    """Keep a completion report's `archive` data (decisions.md); jobs without inputs skip it."""
    if not await input_artifact_ids(ctx, job.id):
        logger.info("job %s reported archive data but has no input artifact; not stored", job.id)
        return
    scheme_id = await _scheme_id(ctx, await job_merging_scheme(ctx, job), create=True)
    assert scheme_id is not None
    await _upsert(ctx, scheme_id, values)
