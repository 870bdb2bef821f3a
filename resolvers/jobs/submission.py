"""Creating and submitting processing jobs (plugin-lifecycle.md §3.2, domain.md §2.10).

Submitting a job moves it `in_construction`/`waiting` -> `queued` and marks it
as awaiting launch (`launcher = AWAITING_LAUNCH`); gateway's dispatcher claims
such jobs once the transaction has committed and starts them through the
configured launcher. Jobs forced into `queued` some other way (the test-mode
routes) keep `launcher` NULL and are never launched, as in the reference.

Parameters are checked against the command's parameter types before anything
is queued. Workflow children name their missing inputs `[parent job id, output
name]`; they wait until the parent's outputs exist.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.models import (
    Analysis,
    Artifact,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    FilepathType,
    JobStatus,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    Reference,
    Software,
    SoftwareArtifactType,
    StoredFile,
    Study,
)
from resolvers.artifacts import artifacts
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    Required,
    raise_problems,
)
from resolvers.jobs.lifecycle import change_status, fail_job, insert_job, load_job
from resolvers.plugins.commands import decoded_default

logger = logging.getLogger(__name__)

AWAITING_LAUNCH = "pending"
"""`launcher` of a submitted job that no worker has claimed yet."""
SUBMITTABLE: tuple[JobStatus, ...] = ("in_construction", "waiting")
HTML_SUMMARY_COMMAND = "Generate HTML summary"
HTML_SUMMARY_FILEPATH_TYPES = ("html_summary",)
SUMMARY_JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "success")


# --------------------------------------------------------------------------- submission


async def submit_jobs(ctx: Context, job_ids: Iterable[str]) -> None:
    """Queue existing jobs for launch; the launch happens after the transaction commits.

    Jobs that still wait for a parent's outputs are set `waiting` instead. Raises
    Conflict for a job that is not `in_construction` or `waiting`.
    """
    for job_id in job_ids:
        job = await load_job(ctx, job_id, lock=True)
        if job.pending:
            moved = await change_status(ctx, job.id, expected=SUBMITTABLE, to="waiting")
        else:
            launcher = None if await _is_internal(ctx, job) else AWAITING_LAUNCH
            moved = await change_status(
                ctx, job.id, expected=SUBMITTABLE, to="queued", launcher=launcher, external_id=None
            )
        if not moved:
            raise Conflict(
                "Can't submit job, not in 'in_construction' or 'waiting' status. "
                f"Current status: {job.status}"
            )


async def submit_job(
    ctx: Context, command_id: int, parameters: Mapping[str, Any], *, user: int
) -> ProcessingJob:
    """Create a job of `command_id` for account id `user` and submit it.

    Raises NotFound for an unknown command, Conflict for an inactive one, and Invalid
    (with the parameter's name as `field`) for parameters that do not fit the command.
    """
    job = await create_job(ctx, command_id, parameters, user=user)
    await submit_jobs(ctx, [job.id])
    return await load_job(ctx, job.id)


async def submit_job_for_caller(ctx: Context, command_id: int, parameters: object) -> ProcessingJob:
    """`submitJob`: the signed-in caller submits a job of `command_id` with `parameters`."""
    user = access.require_job_submitter(ctx)
    if not isinstance(parameters, dict):
        raise Invalid("Parameters must be a JSON object.", "parameters")
    return await submit_job(ctx, command_id, parameters, user=user)


async def request_html_summary(ctx: Context, artifact_id: int) -> ProcessingJob:
    """`requestHtmlSummary`: someone who may change the artifact's study asks for its summary."""
    user = access.require_job_submitter(ctx)
    artifact = await artifacts.get_artifact(ctx, artifact_id)
    if artifact.study_id is None:
        raise Forbidden("Only study artifacts get HTML summaries on request.")
    await access.require_edit_study(ctx, artifact.study_id)
    return await submit_html_summary(ctx, artifact.id, user=user)


async def create_job(
    ctx: Context, command_id: int, parameters: Mapping[str, Any], *, user: int
) -> ProcessingJob:
    """A new `in_construction` job with checked parameters, inputs and workflow parents."""
    command = await ctx.session.get(Command, command_id)
    if command is None:
        raise NotFound(f"Command {command_id} does not exist.")
    if not command.active:
        raise Conflict(f"Command '{command.name}' is not active: its plugin must register it.")
    checked = await check_parameters(ctx, command, parameters)
    job = await insert_job(ctx, command_id=command.id, account_id=user, parameters=checked.values)
    if checked.pending:
        job.pending = checked.pending
        ctx.session.add_all(
            ProcessingJobParent(parent_id=parent_id, child_id=job.id)
            for parent_id in sorted(checked.pending)
        )
        await ctx.session.flush()
    return job


async def _is_internal(ctx: Context, job: ProcessingJob) -> bool:
    query = (
        select(Software.type)
        .join(Command, Command.software_id == Software.id)
        .where(Command.id == job.command_id)
    )
    return (await ctx.session.execute(query)).scalar_one() == "private"


# --------------------------------------------------------------------------- parameters


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
        existing = await _output_artifact(ctx, parent_id, output_name)
        if existing is not None:
            checked.input_artifacts.add(existing)
            return str(existing)
        checked.pending.setdefault(parent_id, {})[name] = output_name
        return value
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
    command = await ctx.session.get(Command, row.command_id)
    if command is not None and command.is_analysis and found[2] is None:
        raise Invalid(
            f"Command '{command.name}' runs on the artifacts of analyses only; "
            f"artifact {artifact_id} is not one",
            name,
        )
    checked.input_artifacts.add(artifact_id)
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


async def _output_artifact(ctx: Context, job_id: str, output_name: str) -> int | None:
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


# --------------------------------------------------------------------------- workflows


async def submit_ready_children(
    ctx: Context, parent: ProcessingJob, *, outputs: Mapping[str, int] | None = None
) -> list[ProcessingJob]:
    """Fill children's pending inputs from `parent`'s outputs and submit the complete ones.

    `outputs` names artifacts the caller knows by output name (a preparation's validator
    names its new artifact by type, lifecycle §5.3 step 4). Filled artifact ids are
    written as strings, as the reference does.
    """
    children = list(
        (
            await ctx.session.execute(
                select(ProcessingJob)
                .join(ProcessingJobParent, ProcessingJobParent.child_id == ProcessingJob.id)
                .where(ProcessingJobParent.parent_id == parent.id)
                .order_by(ProcessingJob.created_at, ProcessingJob.id)
            )
        ).scalars()
    )
    ready: list[str] = []
    for child in children:
        pending = dict(child.pending or {})
        wanted = pending.pop(parent.id, None)
        if wanted is None:
            continue
        values = dict(child.parameters)
        for parameter, output_name in wanted.items():
            artifact_id = (outputs or {}).get(output_name) or await _output_artifact(
                ctx, parent.id, output_name
            )
            if artifact_id is None:
                await fail_job(
                    ctx, child.id, f"Parent job '{parent.id}' produced no output '{output_name}'."
                )
                break
            values[parameter] = str(artifact_id)
            if await ctx.session.get(ProcessingJobInput, (child.id, artifact_id)) is None:
                ctx.session.add(ProcessingJobInput(job_id=child.id, artifact_id=artifact_id))
        else:
            child.parameters = values
            child.pending = pending or None
            if not pending and child.status in SUBMITTABLE:
                ready.append(child.id)
    await ctx.session.flush()
    await submit_jobs(ctx, ready)
    return [child for child in children if child.id in ready]


async def settle_waiting_children(ctx: Context) -> int:
    """Start or fail `waiting` workflow jobs whose parent already finished.

    Normally a parent's release starts its children; a child created while its parent
    was being released in another transaction would otherwise wait forever. Returns how
    many children were handled.
    """
    parent = aliased(ProcessingJob)
    child = aliased(ProcessingJob)
    rows = (
        await ctx.session.execute(
            select(parent.id, parent.status, child.id)
            .join(ProcessingJobParent, ProcessingJobParent.parent_id == parent.id)
            .join(child, child.id == ProcessingJobParent.child_id)
            .where(
                child.status == "waiting",
                child.pending.is_not(None),
                parent.status.in_(("success", "error")),
            )
        )
    ).all()
    handled = 0
    for parent_id, status, child_id in rows:
        waiting = await load_job(ctx, child_id, lock=True)
        if waiting.status != "waiting" or parent_id not in (waiting.pending or {}):
            continue
        if status == "error":
            await fail_job(ctx, child_id, f"Parent job '{parent_id}' failed.")
        else:
            await submit_ready_children(ctx, await load_job(ctx, parent_id))
        handled += 1
    return handled


# --------------------------------------------------------------------------- HTML summaries
# Submitted after a job's end for its new artifacts (job_end.py).


async def has_html_summary(ctx: Context, artifact_id: int) -> bool:
    query = (
        select(StoredFile.id)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .where(
            StoredFile.artifact_id == artifact_id,
            FilepathType.name.in_(HTML_SUMMARY_FILEPATH_TYPES),
        )
    )
    return (await ctx.session.execute(query)).first() is not None


async def html_summary_command(ctx: Context, artifact_type_id: int) -> Command:
    query = (
        select(Command)
        .join(SoftwareArtifactType, SoftwareArtifactType.software_id == Command.software_id)
        .where(
            SoftwareArtifactType.artifact_type_id == artifact_type_id,
            Command.name == HTML_SUMMARY_COMMAND,
            Command.active.is_(True),
        )
        .order_by(Command.id.desc())
    )
    command = (await ctx.session.execute(query)).scalars().first()
    if command is None:
        type_name = (await ctx.session.get(ArtifactType, artifact_type_id)) or None
        label = type_name.name if type_name else artifact_type_id
        raise NotFound(
            f"There is no command to generate the HTML summary for artifact type '{label}'"
        )
    return command


async def submit_html_summary(
    ctx: Context, artifact_id: int, *, user: int, force: bool = False
) -> ProcessingJob:
    """The artifact's summary job: an existing queued/running/succeeded one, or a new one."""
    artifact = await ctx.session.get(Artifact, artifact_id)
    if artifact is None:
        raise NotFound(f"Artifact {artifact_id} does not exist.")
    command = await html_summary_command(ctx, artifact.artifact_type_id)
    if not force:
        existing = (
            (
                await ctx.session.execute(
                    select(ProcessingJob)
                    .join(ProcessingJobInput, ProcessingJobInput.job_id == ProcessingJob.id)
                    .where(
                        ProcessingJobInput.artifact_id == artifact_id,
                        ProcessingJob.command_id == command.id,
                        ProcessingJob.status.in_(SUMMARY_JOB_STATUSES),
                    )
                    .order_by(ProcessingJob.created_at.desc())
                )
            )
            .scalars()
            .first()
        )
        if existing is not None:
            return existing
    job = await insert_job(
        ctx, command_id=command.id, account_id=user, parameters={"input_data": artifact_id}
    )
    await submit_jobs(ctx, [job.id])
    return await load_job(ctx, job.id)
