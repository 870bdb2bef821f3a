"""Workflows users build step by step (domain.md §2.10, "Workflows"; lifecycle §5.3).

A workflow is a DAG of jobs created `in_construction`: its roots take existing artifacts,
every other step names the output of a parent job that feeds one of its inputs
(`[parent job id, output name]`, kept in the job's `pending` until the parent's outputs
exist). Steps are added and removed only while the workflow is in construction (all its
roots `in_construction`). Submitting queues the roots and sets the other steps
`waiting`; each step starts when its parents' outputs are released.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select

from db.models import (
    Account,
    CommandOutput,
    CommandParameter,
    ProcessingJob,
    ProcessingJobParent,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.jobs.lifecycle import load_job
from resolvers.jobs.submission import create_job
from resolvers.jobs.workflows import submit_workflow as submit_workflow_jobs


async def get_workflow(ctx: Context, workflow_id: int) -> ProcessingWorkflow:
    """The workflow if the caller may change it; Forbidden for guests and clients (who build
    no workflow), NotFound otherwise (also for one they may not change, so that other users'
    workflows stay unseen)."""
    access.require_authenticated(ctx)
    access.require_job_submitter(ctx)
    workflow = await ctx.session.get(ProcessingWorkflow, workflow_id)
    if workflow is None or not access.can_change_workflow(ctx.principal, workflow):
        raise NotFound(f"Workflow not found: {workflow_id}", "workflow_id")
    return workflow


async def root_ids(ctx: Context, workflow_id: int) -> list[str]:
    query = (
        select(ProcessingWorkflowRoot.job_id)
        .where(ProcessingWorkflowRoot.workflow_id == workflow_id)
        .order_by(ProcessingWorkflowRoot.job_id)
    )
    return list((await ctx.session.execute(query)).scalars())


async def _require_in_construction(ctx: Context, workflow: ProcessingWorkflow) -> None:
    roots = await root_ids(ctx, workflow.id)
    statuses = (
        await ctx.session.execute(select(ProcessingJob.status).where(ProcessingJob.id.in_(roots)))
    ).scalars()
    if not roots or any(status != "in_construction" for status in statuses):
        raise Conflict(
            f"Workflow {workflow.id} is not in construction: it was submitted already.",
            "workflow_id",
        )


async def _check_size(ctx: Context, workflow: ProcessingWorkflow, command_id: int) -> None:
    """Refuse a step that would make the workflow produce more than
    `max_artifacts_in_workflow` artifacts (domain.md §2.9)."""
    outputs_of = select(func.count(CommandOutput.id)).where(
        CommandOutput.command_id == ProcessingJob.command_id
    )
    current = (
        await ctx.session.execute(
            select(func.coalesce(func.sum(outputs_of.scalar_subquery()), 0)).where(
                ProcessingJob.workflow_id == workflow.id
            )
        )
    ).scalar_one()
    added = (
        await ctx.session.execute(
            select(func.count(CommandOutput.id)).where(CommandOutput.command_id == command_id)
        )
    ).scalar_one()
    limit = ctx.settings.max_artifacts_in_workflow
    if int(current) + int(added) > limit:
        raise Invalid(
            f"The workflow would create {int(current) + int(added)} artifacts, more than the "
            f"{limit} allowed in one workflow (max_artifacts_in_workflow).",
            "command_id",
        )


async def _default_name(ctx: Context, account_id: int) -> str:
    account = await ctx.session.get(Account, account_id)
    who = (account.name or account.email) if account is not None else str(account_id)
    return f"{who}'s workflow"


async def create_workflow(
    ctx: Context, command_id: int, parameters: object, name: str | None = None
) -> ProcessingWorkflow:
    """A new workflow whose first step (its root) runs `command_id` on existing artifacts."""
    user = access.require_job_submitter(ctx)
    if not isinstance(parameters, Mapping):
        raise Invalid("Parameters must be a JSON object.", "parameters")
    workflow = ProcessingWorkflow(
        account_id=user, name=(name or "").strip() or await _default_name(ctx, user)
    )
    ctx.session.add(workflow)
    await ctx.session.flush()
    job = await create_job(ctx, command_id, parameters, user=user)
    if job.pending:
        raise Invalid(
            "The first step of a workflow takes existing artifacts, not the outputs of jobs.",
            "parameters",
        )
    job.workflow_id = workflow.id
    ctx.session.add(ProcessingWorkflowRoot(workflow_id=workflow.id, job_id=job.id))
    await ctx.session.flush()
    return workflow


async def _input_name(
    ctx: Context, command_id: int, parameters: Mapping[str, Any], given: str | None
) -> str:
    """The artifact parameter a parent's output feeds: `given`, or the command's only
    artifact parameter that `parameters` leaves open."""
    if given:
        return given
    open_inputs = [
        name
        for name, kind in await ctx.session.execute(
            select(CommandParameter.name, CommandParameter.type).where(
                CommandParameter.command_id == command_id
            )
        )
        if kind.partition(":")[0] == "artifact" and name not in parameters
    ]
    if len(open_inputs) != 1:
        raise Invalid(
            "Name the input the parent's output feeds (inputName): the command has "
            f"{len(open_inputs)} open artifact inputs.",
            "input_name",
        )
    return open_inputs[0]


async def add_workflow_step(
    ctx: Context,
    workflow_id: int,
    command_id: int,
    parameters: object,
    *,
    parent_job_id: str | None = None,
    parent_output_name: str | None = None,
    input_name: str | None = None,
) -> ProcessingJob:
    """Add a step to a workflow in construction: fed by a parent job's output, or a new
    root on existing artifacts when no parent is named."""
    workflow = await get_workflow(ctx, workflow_id)
    await _require_in_construction(ctx, workflow)
    if not isinstance(parameters, Mapping):
        raise Invalid("Parameters must be a JSON object.", "parameters")
    if (parent_job_id is None) != (parent_output_name is None):
        raise Invalid("Name both the parent job and its output, or neither.", "parent_output_name")
    values = dict(parameters)
    if parent_job_id is not None and parent_output_name is not None:
        parent = await ctx.session.get(ProcessingJob, parent_job_id)
        if parent is None or parent.workflow_id != workflow.id:
            raise NotFound(
                f"Job {parent_job_id} is not a step of workflow {workflow.id}.", "parent_job_id"
            )
        name = await _input_name(ctx, command_id, values, input_name)
        values[name] = [parent.id, parent_output_name]
    await _check_size(ctx, workflow, command_id)
    job = await create_job(ctx, command_id, values, user=workflow.account_id)
    job.workflow_id = workflow.id
    if parent_job_id is None:
        if job.pending:
            raise Invalid(
                "A step without a parent takes existing artifacts, not the outputs of jobs.",
                "parameters",
            )
        ctx.session.add(ProcessingWorkflowRoot(workflow_id=workflow.id, job_id=job.id))
    elif set(job.pending or {}) - {parent_job_id}:
        raise Invalid("A step may only take outputs of jobs of its own workflow.", "parameters")
    await ctx.session.flush()
    return job


async def _descendants(ctx: Context, job_id: str) -> list[str]:
    found: list[str] = []
    frontier = [job_id]
    while frontier:
        children = (
            await ctx.session.execute(
                select(ProcessingJobParent.child_id).where(
                    ProcessingJobParent.parent_id.in_(frontier)
                )
            )
        ).scalars()
        frontier = [child for child in dict.fromkeys(children) if child not in found]
        found.extend(frontier)
    return found


async def remove_workflow_step(
    ctx: Context, job_id: str, *, cascade: bool = False
) -> ProcessingWorkflow | None:
    """Remove a step of a workflow in construction (with its descendants when `cascade`);
    the workflow, or None when its last step was removed (then the workflow goes too)."""
    access.require_authenticated(ctx)
    access.require_job_submitter(ctx)
    job = await load_job(ctx, job_id, lock=True)
    if job.workflow_id is None:
        raise NotFound(f"Job {job_id} is not a step of a workflow.", "job_id")
    workflow = await get_workflow(ctx, job.workflow_id)
    await _require_in_construction(ctx, workflow)
    below = await _descendants(ctx, job.id)
    if below and not cascade:
        raise Conflict(
            f"Job {job.id} has {len(below)} later step(s); remove them first or use cascade.",
            "cascade",
        )
    removed = [job.id, *below]
    await ctx.session.execute(
        delete(ProcessingJob)
        .where(ProcessingJob.id.in_(removed))
        .execution_options(synchronize_session=False)
    )
    ctx.session.expunge(job)
    remaining = (
        await ctx.session.execute(
            select(func.count(ProcessingJob.id)).where(ProcessingJob.workflow_id == workflow.id)
        )
    ).scalar_one()
    if remaining == 0:
        await ctx.session.delete(workflow)
        await ctx.session.flush()
        return None
    return workflow


async def submit_user_workflow(ctx: Context, workflow_id: int) -> ProcessingWorkflow:
    """Queue the roots of a workflow in construction; the other steps wait for them."""
    workflow = await get_workflow(ctx, workflow_id)
    await _require_in_construction(ctx, workflow)
    await submit_workflow_jobs(ctx, workflow)
    return workflow
