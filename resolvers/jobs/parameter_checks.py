"""Checking a new job's parameters against its command's parameter types (domain.md §2.10).

Values are checked, never coerced. Inputs the caller may not read are reported exactly like
missing ones. A workflow child names a parent's output `[parent job id, output name]`;
until that output exists the input is pending.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from db.models import (
    Analysis,
    Artifact,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    PrepTemplate,
    ProcessingJob,
    Reference,
    Study,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import DomainError, Invalid, Required, raise_problems
from resolvers.plugins.commands import decoded_default


@dataclass
@dataclass
class CheckedParameters:
    values: dict[str, Any]
    input_artifacts: set[int] = field(default_factory=set)
    pending: dict[str, dict[str, str]] = field(default_factory=dict)
    """`{parent job id: {parameter name: output name}}` for inputs that do not exist yet."""


async def check_parameters(
    ctx: Context, command: Command, parameters: Mapping[str, Any]
) -> CheckedParameters:
    """Check `parameters` against the command's definitions and fill optional defaults.

    Values are kept as given (no coercion); only their fitness is checked. Artifacts,
    preparations, analyses and parent jobs the caller may not read are reported exactly
    like missing ones, before anything else about them is said.
    """
    if not isinstance(parameters, Mapping):
        raise Invalid("Parameters must be an object of parameter name -> value.", "parameters")
    rows = list(
        (
            await ctx.session.execute(
                select(CommandParameter).where(CommandParameter.command_id == command.id)
            )
        ).scalars()
    )
    definitions = {row.name: row for row in rows}
    problems: list[Invalid] = []
    unknown = sorted(set(parameters) - set(definitions))
    if unknown:
        problems.append(
            Invalid(
                f"Unknown parameter(s) for command '{command.name}': {', '.join(unknown)}",
                unknown[0],
            )
        )
    checked = CheckedParameters(values={})
    for name, row in sorted(definitions.items(), key=lambda item: (item[1].position, item[0])):
        if name in parameters:
            value = parameters[name]
        elif row.required:
            problems.append(
                Required(f"Missing required parameter '{name}' of command '{command.name}'", name)
            )
            continue
        else:
            checked.values[name] = decoded_default(row)
            continue
        try:
            checked.values[name] = await _check_value(ctx, row, value, checked)
        except Invalid as problem:
            problems.append(problem)
        except DomainError:
            raise_problems(problems)
            raise
    raise_problems(problems)
    return checked


async def _check_value(
    ctx: Context, row: CommandParameter, value: Any, checked: CheckedParameters
) -> Any:
    """Raise Invalid unless `value` fits `row`; return the value to store."""
    name, kind = row.name, row.type
    base, _, spec = kind.partition(":")
    if value is None:
        if row.required and base not in ("prep_template", "analysis"):
            raise Required(f"Parameter '{name}' is required and cannot be null", name)
        return value
    if base == "artifact":
        return await _check_artifact(ctx, row, value, checked)
    if base == "string":
        if not isinstance(value, str):
            raise Invalid(f"Parameter '{name}' must be a string, got {value!r}", name)
    elif base == "integer":
        if _as_int(value) is None:
            raise Invalid(f"Parameter '{name}' must be an integer, got {value!r}", name)
    elif base == "float":
        if not _is_number(value):
            raise Invalid(f"Parameter '{name}' must be a number, got {value!r}", name)
    elif base in ("boolean", "bool"):
        if not (isinstance(value, bool) or str(value).lower() in ("true", "false")):
            raise Invalid(f"Parameter '{name}' must be a boolean, got {value!r}", name)
    elif base in ("choice", "mchoice"):
        choices = _choices(spec)
        picked = value if base == "mchoice" else [value]
        if base == "mchoice" and not isinstance(value, list):
            raise Invalid(f"Parameter '{name}' must be a list of choices, got {value!r}", name)
        bad = [v for v in picked if choices is not None and v not in choices]
        if bad:
            raise Invalid(f"Parameter '{name}' must be one of {choices}, got {bad[0]!r}", name)
    elif base in ("reference", "prep_template", "analysis"):
        object_id = _as_int(value)
        if object_id is None or not await _readable_object(ctx, base, object_id):
            raise Invalid(f"Parameter '{name}': {base} {value!r} does not exist", name)
    return value


async def _readable_object(ctx: Context, kind: str, object_id: int) -> bool:
    """Whether a reference, preparation or analysis exists and the caller may read it
    (one that the caller may not read is reported as missing)."""
    query: Any
    if kind == "reference":
        query = select(Reference.id).where(Reference.id == object_id)
    elif kind == "prep_template":
        query = (
            select(PrepTemplate.id)
            .join(Study, Study.id == PrepTemplate.study_id)
            .where(PrepTemplate.id == object_id, access.readable_studies_filter(ctx.principal))
        )
    else:
        query = select(Analysis.id).where(
            Analysis.id == object_id, access.readable_analyses_filter(ctx.principal)
        )
    return (await ctx.session.execute(query)).first() is not None


async def _check_artifact(
    ctx: Context, row: CommandParameter, value: Any, checked: CheckedParameters
) -> Any:
    name = row.name
    accepted = await _accepted_types(ctx, row)
    if isinstance(value, list):
        if len(value) != 2 or not all(isinstance(v, str) for v in value):
            raise Invalid(
                f"Parameter '{name}' must be an artifact id or [parent job id, output name]", name
            )
        return await _check_parent_output(ctx, row, value, accepted, checked)
    artifact_id = _as_int(value)
    if artifact_id is None:
        raise Invalid(f"Parameter '{name}' must be an artifact id, got {value!r}", name)
    found = (
        await ctx.session.execute(
            select(Artifact.id, ArtifactType.name, Artifact.analysis_id)
            .join(ArtifactType, ArtifactType.id == Artifact.artifact_type_id)
            .where(Artifact.id == artifact_id, access.readable_artifacts_filter(ctx.principal))
        )
    ).first()
    if found is None:  # an artifact the caller may not read is reported as missing
        raise Invalid(f"Parameter '{name}': artifact {artifact_id} does not exist", name)
    if accepted and found[1] not in accepted:
        raise Invalid(
            f"Parameter '{name}' accepts artifacts of type {', '.join(sorted(accepted))}; "
            f"artifact {artifact_id} is {found[1]}",
            name,
        )
    if found[2] is None:
        await _refuse_analysis_only_command(ctx, row, artifact_id)
    checked.input_artifacts.add(artifact_id)
    return value


async def _refuse_analysis_only_command(
    ctx: Context, row: CommandParameter, artifact_id: int
) -> None:
    """An analysis-only command takes the artifacts of analyses, never a study's."""
    command = await ctx.session.get(Command, row.command_id)
    if command is not None and command.is_analysis:
        raise Invalid(
            f"Command '{command.name}' runs on the artifacts of analyses only; "
            f"artifact {artifact_id} is not one",
            row.name,
        )


async def _check_parent_output(
    ctx: Context,
    row: CommandParameter,
    value: list[str],
    accepted: set[str],
    checked: CheckedParameters,
) -> Any:
    """A `[parent job id, output name]` input: the output's id when it exists, else pending."""
    name = row.name
    parent_id, output_name = value
    parent = (
        await ctx.session.execute(
            select(ProcessingJob).where(
                ProcessingJob.id == parent_id,
                access.nameable_parent_jobs_filter(ctx.principal),
            )
        )
    ).scalar_one_or_none()
    if parent is None:
        raise Invalid(f"Parameter '{name}': job {parent_id} does not exist", name)
    if parent.status == "error":
        raise Invalid(f"Parameter '{name}': parent job '{parent_id}' failed", name)
    output = (
        await ctx.session.execute(
            select(CommandOutput.id, ArtifactType.name)
            .join(ArtifactType, ArtifactType.id == CommandOutput.artifact_type_id)
            .where(
                CommandOutput.command_id == parent.command_id,
                CommandOutput.name == output_name,
            )
        )
    ).first()
    if output is None:
        raise Invalid(
            f"Parameter '{name}': the command of job {parent_id} has no output '{output_name}'",
            name,
        )
    if accepted and output[1] not in accepted:
        raise Invalid(
            f"Parameter '{name}' accepts {', '.join(sorted(accepted))}; output "
            f"'{output_name}' is {output[1]}",
            name,
        )
    existing = await output_artifact(ctx, parent_id, output_name)
    if existing is not None:
        checked.input_artifacts.add(existing)
        return str(existing)
    checked.pending.setdefault(parent_id, {})[name] = output_name
    return value


async def _accepted_types(ctx: Context, row: CommandParameter) -> set[str]:
    linked = set(
        (
            await ctx.session.execute(
                select(ArtifactType.name)
                .join(
                    CommandParameterArtifactType,
                    CommandParameterArtifactType.artifact_type_id == ArtifactType.id,
                )
                .where(CommandParameterArtifactType.parameter_id == row.id)
            )
        ).scalars()
    )
    if linked:
        return linked
    _, _, spec = row.type.partition(":")
    return set(_choices(spec) or [])


async def output_artifact(ctx: Context, job_id: str, output_name: str) -> int | None:
    query = (
        select(Artifact.id)
        .join(CommandOutput, CommandOutput.id == Artifact.command_output_id)
        .where(Artifact.produced_by_job_id == job_id, CommandOutput.name == output_name)
        .order_by(Artifact.id)
    )
    return (await ctx.session.execute(query)).scalars().first()


def _choices(spec: str) -> list[Any] | None:
    if not spec:
        return None
    try:
        decoded = json.loads(spec)
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, list) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False
