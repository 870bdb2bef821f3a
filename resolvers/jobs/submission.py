"""Creating and submitting processing jobs (plugin-lifecycle.md §3.2, domain.md §2.10).

Submitting a job moves it `in_construction`/`waiting` -> `queued` and marks it
as awaiting launch (`launcher = AWAITING_LAUNCH`); gateway's dispatcher claims
such jobs once the transaction has committed and starts them through the
configured launcher. Jobs forced into `queued` some other way (the test-mode
routes) keep `launcher` NULL and are never launched, as in the reference.

Parameters are checked (resolvers/jobs/parameter_checks.py) before anything is
queued. Workflow children name their missing inputs `[parent job id, output
name]`; they wait until the parent's outputs exist, then are submitted here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.models import (
    Command,
    JobStatus,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    Software,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.jobs.lifecycle import change_status, fail_job, insert_job, load_job
from resolvers.jobs.parameter_checks import check_parameters, output_artifact

logger = logging.getLogger(__name__)

AWAITING_LAUNCH = "pending"
"""`launcher` of a submitted job that no worker has claimed yet."""
SUBMITTABLE: tuple[JobStatus, ...] = ("in_construction", "waiting")


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
            artifact_id = (outputs or {}).get(output_name) or await output_artifact(
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
