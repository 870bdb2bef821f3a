"""Validator jobs: created for each output of a completed job, and their completion.

plugin-lifecycle.md §5.3 (a Validate job completes), §5.4 (validators of a transformation
job). Their release into artifacts (§5.5) is the end of the job they validate
(resolvers/jobs/end.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from db.models import (
    Account,
    Artifact,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobValidator,
    SoftwareArtifactType,
)
from resolvers.artifacts.artifact_types import check_filepath_types, get_artifact_type
from resolvers.artifacts.artifacts import create_artifact
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound
from resolvers.files import client_files
from resolvers.jobs import workflows
from resolvers.jobs.completion_reports import OutputReport
from resolvers.jobs.end import Succeeded, finish_job, settle_validated_job, validating_step
from resolvers.jobs.lifecycle import (
    change_status,
    input_artifact_ids,
    insert_job,
    job_software,
    load_job,
    write_step,
)
from resolvers.jobs.outputs import artifact_origin, json_parameter
from resolvers.jobs.submission import submit_jobs

VALIDATE = "Validate"
DEFAULT_NAME = "dflt_name"


async def validator_command(ctx: Context, artifact_type: str) -> Command | None:
    """The active `Validate` command of the type plugin linked to `artifact_type`."""
    query = (
        select(Command)
        .join(SoftwareArtifactType, SoftwareArtifactType.software_id == Command.software_id)
        .join(ArtifactType, ArtifactType.id == SoftwareArtifactType.artifact_type_id)
        .where(ArtifactType.name == artifact_type, Command.name == VALIDATE, Command.active)
        .order_by(Command.id.desc())
    )
    return (await ctx.session.execute(query)).scalars().first()


async def _preparation_or_analysis(
    ctx: Context, job: ProcessingJob, inputs: list[int]
) -> tuple[int | None, int | None]:
    rows = (
        await ctx.session.execute(
            select(Artifact.prep_id, Artifact.analysis_id)
            .where(Artifact.id.in_(inputs))
            .order_by(Artifact.id)
        )
    ).all()
    preps = {prep for prep, _ in rows if prep is not None}
    if len(preps) > 1:
        raise Invalid(f"Currently only single prep template is allowed, found {len(preps)}")
    if preps:
        return preps.pop(), None
    if rows:
        return None, rows[0][1]
    analysis = job.parameters.get("analysis")
    return None, int(analysis) if analysis is not None else None


async def _artifact_name(ctx: Context, job: ProcessingJob, output_name: str) -> str:
    ordered = (
        await ctx.session.execute(
            select(CommandParameter.name)
            .where(
                CommandParameter.command_id == job.command_id,
                CommandParameter.name_order.is_not(None),
            )
            .order_by(CommandParameter.name_order)
        )
    ).scalars()
    parts = [output_name]
    for name in ordered:
        parts.append(str(job.parameters.get(name)).rsplit("/", 1)[-1])
    return " ".join(parts)


@dataclass(frozen=True)
class _Plan:
    """One reported output, checked, with the Validate command of its type (if any)."""

    output: OutputReport
    command_output: CommandOutput
    artifact_name: str
    validate: Command | None


async def create_validators(
    ctx: Context, job: ProcessingJob, outputs: Mapping[str, OutputReport]
) -> list[str]:
    """One Validate job per reported output (lifecycle §5.4); the job stays running.

    An output whose type has no validating plugin is checked by the server itself
    (filepath types allowed and required ones present) and becomes an artifact at once.
    """
    command, software = await job_software(ctx, job)
    inputs = await input_artifact_ids(ctx, job.id)
    template, analysis = await _preparation_or_analysis(ctx, job, inputs)
    plans = await _plan_validation(ctx, job, command, outputs)
    validator_ids: list[str] = []
    checked_by_server: list[int] = []
    for plan in plans:
        if plan.validate is None:
            type_row = await get_artifact_type(ctx, plan.output.artifact_type)
            await check_filepath_types(ctx, type_row, [fp for _, fp in plan.output.filepaths])
            artifact = await create_artifact(
                ctx,
                artifact_type=plan.output.artifact_type,
                files=plan.output.filepaths,
                name=plan.artifact_name,
                job_id=job.id,
                command_output_id=plan.command_output.id,
                **artifact_origin(job, inputs, template=template),
            )
            checked_by_server.append(artifact.id)
        else:
            private = software.type == "private"
            validator_ids.append(
                await _insert_validator(ctx, job, plan, template, analysis, private=private)
            )
    await ctx.session.flush()
    if not validator_ids:
        await finish_job(ctx, job, Succeeded(checked_by_server))
        return []
    await write_step(ctx, job.id, validating_step(validator_ids, {}))
    await submit_jobs(ctx, validator_ids)
    return validator_ids


async def _plan_validation(
    ctx: Context, job: ProcessingJob, command: Command, outputs: Mapping[str, OutputReport]
) -> list[_Plan]:
    """Check every reported output before anything is created."""
    declared = {
        row.name: row
        for row in (
            await ctx.session.execute(
                select(CommandOutput).where(CommandOutput.command_id == command.id)
            )
        ).scalars()
    }
    plans: list[_Plan] = []
    for name, output in outputs.items():
        if name not in declared:
            raise Invalid(f"The command {command.name!r} has no output named {name!r}.")
        await get_artifact_type(ctx, output.artifact_type)
        await client_files.check_handed_files(ctx, [path for path, _ in output.filepaths])
        validate = await validator_command(ctx, output.artifact_type)
        plans.append(_Plan(output, declared[name], await _artifact_name(ctx, job, name), validate))
    return plans


async def _insert_validator(
    ctx: Context,
    job: ProcessingJob,
    plan: _Plan,
    template: int | None,
    analysis: int | None,
    *,
    private: bool,
) -> str:
    """A Validate job for one output of `job`, attached to it; its id."""
    assert plan.validate is not None
    files: dict[str, list[str]] = {}
    for path, fp_type in plan.output.filepaths:
        files.setdefault(fp_type, []).append(path)
    provenance: dict[str, Any] = {
        "job": job.id,
        "cmd_out_id": plan.command_output.id,
        "name": plan.artifact_name,
    }
    if private:
        provenance["data_type"] = "Job Output Folder"
    validator = await insert_job(
        ctx,
        command_id=plan.validate.id,
        account_id=job.account_id,
        parameters={
            "template": template,
            "analysis": analysis,
            "files": json.dumps(files),
            "artifact_type": plan.output.artifact_type,
            "provenance": json.dumps(provenance),
            "name": DEFAULT_NAME,
        },
    )
    ctx.session.add(ProcessingJobValidator(job_id=job.id, validator_id=validator.id))
    return validator.id


async def complete_validator(ctx: Context, job: ProcessingJob, output: OutputReport) -> None:
    """A Validate job reported its (last) artifact (lifecycle §5.3)."""
    parameters = job.parameters
    provenance = json_parameter(parameters.get("provenance"))
    name = parameters.get("name") or DEFAULT_NAME
    if provenance is not None and provenance.get("direct_creation"):
        original = await load_job(ctx, str(provenance.get("job")))
        inputs = await input_artifact_ids(ctx, original.id)
        artifact = await create_artifact(
            ctx,
            artifact_type=output.artifact_type,
            files=output.filepaths,
            name=name,
            job_id=original.id,
            command_output_id=provenance.get("cmd_out_id"),
            **artifact_origin(original, inputs, template=parameters.get("template")),
        )
        await finish_job(ctx, job, Succeeded([artifact.id]))
        return
    if provenance is not None:
        await client_files.check_handed_files(ctx, [path for path, _ in output.filepaths])
        info: dict[str, Any] = {
            "artifact_type": output.artifact_type,
            "filepaths": [list(pair) for pair in output.filepaths],
        }
        if "data_type" in provenance:
            info = {"data_type": provenance["data_type"], "artifact_data": info}
        stored = await ctx.session.execute(
            update(ProcessingJobValidator)
            .where(ProcessingJobValidator.validator_id == job.id)
            .values(artifact_info=info)
            .execution_options(synchronize_session=False)
        )
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            raise Invalid(f"The validator {job.id} is not attached to any job.")
        await change_status(ctx, job.id, expected=("running",), to="waiting")
        await settle_validated_job(ctx, job.id)
        return
    template = parameters.get("template")
    analysis = parameters.get("analysis")
    origin: dict[str, Any]
    if analysis is not None:
        origin = {"analysis_id": int(analysis), "data_type": "Multiomic"}
    elif template is not None:
        origin = {"prep_id": int(template)}
    else:
        origin = {"data_type": "Job Output Folder"}
    artifact = await create_artifact(
        ctx, artifact_type=output.artifact_type, files=output.filepaths, name=name, **origin
    )
    # Workflow children name the new artifact by its type (lifecycle §5.3 step 4).
    outputs = {output.artifact_type: artifact.id}
    await finish_job(ctx, job, Succeeded([artifact.id], outputs=outputs))


async def _checked_files(ctx: Context, files: str) -> None:
    """Every path of an injected artifact must come from where clients put files."""
    try:
        decoded = json.loads(files)
    except ValueError:
        raise Invalid(
            "files must be a JSON object of filepath type -> list of paths.", field="files"
        ) from None
    if not isinstance(decoded, dict) or not all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths)
        for paths in decoded.values()
    ):
        raise Invalid("files must be a JSON object of filepath type -> list of paths.",
                      field="files")  # fmt: skip
    await client_files.check_handed_files(
        ctx, [path for paths in decoded.values() for path in paths]
    )


async def _injected_output(
    ctx: Context, job_id: str, name: str, template: int | None
) -> tuple[int | None, str]:
    """An injected artifact as output `name` of `job_id`: the preparation of the job's first
    input (else `template`) and the validator's provenance."""
    job = await load_job(ctx, job_id)
    await access.require_act_on_job(ctx, job)
    output = (
        await ctx.session.execute(
            select(CommandOutput.id).where(
                CommandOutput.command_id == job.command_id, CommandOutput.name == name
            )
        )
    ).scalar_one_or_none()
    if output is None:
        raise Invalid("The command_artifact_name does not exist in the command")
    inputs = await input_artifact_ids(ctx, job.id)
    if inputs:
        first = await ctx.session.get(Artifact, inputs[0])
        template = first.prep_id if first is not None else None
    provenance = json.dumps(
        {"job": job.id, "cmd_out_id": output, "direct_creation": True, "name": name}
    )
    return template, provenance


async def inject_artifact(
    ctx: Context,
    *,
    user_email: str,
    artifact_type: str,
    files: str,
    job_id: str | None = None,
    prep_id: int | None = None,
    name: str = "Name",
    add_default_workflow: bool = False,
) -> str:
    """A Validate job for new files, as an output of `job_id` or the root of `prep_id` (§4.5).

    Returns the validator's id; the artifact is created when the validator succeeds. In
    prep mode `add_default_workflow` queues the prep's default workflow behind it.
    """
    if job_id is None and prep_id is None:
        raise Invalid("You need to specify a job_id or a prep_id")
    if job_id is not None and prep_id is not None:
        raise Invalid("You need to specify only a job_id or a prep_id")
    access.require_plugin_api(ctx, "Only plugin clients and administrators may inject artifacts.")
    account = (
        await ctx.session.execute(select(Account).where(Account.email_lower == user_email.lower()))
    ).scalar_one_or_none()
    if account is None:
        raise Invalid(f"Unknown user: {user_email}", field="user_email")
    await get_artifact_type(ctx, artifact_type)
    await _checked_files(ctx, files)
    template: int | None = prep_id
    provenance: str | None = None
    if job_id is not None:
        template, provenance = await _injected_output(ctx, job_id, name, template)
    elif prep_id is not None and await ctx.session.get(PrepTemplate, prep_id) is None:
        raise NotFound(f"Prep template {prep_id} does not exist.")
    validate = await validator_command(ctx, artifact_type)
    if validate is None:
        raise Invalid(
            f"There is no command to generate the Validate for artifact type '{artifact_type}'"
        )
    validator = await insert_job(
        ctx,
        command_id=validate.id,
        account_id=account.id,
        parameters={
            "template": template,
            "analysis": None,
            "files": files,
            "artifact_type": artifact_type,
            "name": name,
            "provenance": provenance,
        },
    )
    if add_default_workflow and prep_id is not None:
        workflow = await workflows.add_default_workflow(ctx, prep_id, validator.id)
        await workflows.submit_workflow(ctx, workflow)
    else:
        await submit_jobs(ctx, [validator.id])
    return validator.id
