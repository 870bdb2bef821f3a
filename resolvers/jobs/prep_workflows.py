""" "Add default workflow" to a preparation that already has its artifact (domain.md §2.9).

The web UI's action, offered through GraphQL: the preparation's default workflow
(workflows.py chooses and plans it, as for an injected artifact) becomes a workflow of
the caller whose first steps take the preparation's artifact. Steps whose results the
preparation already has are left out. The workflow stays in construction until submitted
(user_workflows.py).
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import (
    Artifact,
    ArtifactType,
    PrepTemplate,
    ProcessingJob,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound
from resolvers.jobs.submission import create_job
from resolvers.jobs.workflows import (
    TemplateLink,
    TemplateNode,
    first_step_values,
    plan_default_workflow,
)


async def _unfinished(
    ctx: Context, prep: PrepTemplate, ordered: list[TemplateNode], links: list[TemplateLink]
) -> list[TemplateNode]:
    """The steps still needed: those leading to a last step whose command has not yet made
    an artifact of the preparation with the step's parameter values. Invalid ("This
    preparation is complete") when none is."""
    parents: dict[int, set[int]] = {node.id: set() for node in ordered}
    for link in links:
        parents[link.child_node_id].add(link.parent_node_id)
    leaves = [node for node in ordered if not any(link.parent_node_id == node.id for link in links)]
    needed: set[int] = set()
    for leaf in leaves:
        made = (
            await ctx.session.execute(
                select(Artifact.command_parameters).where(
                    Artifact.prep_id == prep.id,
                    Artifact.command_id == leaf.command.id,
                    Artifact.visibility != "archived",
                )
            )
        ).scalars()
        if any(
            all(str((done or {}).get(k)) == str(v) for k, v in leaf.values.items()) for done in made
        ):
            continue
        frontier = {leaf.id}
        while frontier:
            needed |= frontier
            frontier = set().union(*(parents[n] for n in frontier)) - needed
    if not needed:
        raise Invalid("This preparation is complete", field="prep_id")
    return [node for node in ordered if node.id in needed]


async def add_default_workflow_to_prep(ctx: Context, prep_id: int) -> ProcessingWorkflow:
    """ "Add default workflow" to a preparation that has its artifact (domain.md §2.9): the
    caller's workflow of the steps still needed, its first steps on the preparation's
    artifact; it stays in construction until submitted."""
    user = access.require_job_submitter(ctx)
    prep = await ctx.session.get(PrepTemplate, prep_id)
    if prep is None or not await access.can_read_study(ctx, prep.study_id):
        raise NotFound(f"Prep template {prep_id} does not exist.", field="prep_id")
    await access.require_edit_study(ctx, prep.study_id)
    root = await ctx.session.get(Artifact, prep.artifact_id) if prep.artifact_id else None
    if root is None:
        raise Invalid(f"Preparation {prep_id} has no artifact yet.", field="prep_id")
    artifact_type = await ctx.session.get(ArtifactType, root.artifact_type_id)
    assert artifact_type is not None
    template, ordered, links = await plan_default_workflow(ctx, prep, artifact_type)
    ordered = await _unfinished(ctx, prep, ordered, links)
    workflow = ProcessingWorkflow(account_id=user, name=template.name)
    ctx.session.add(workflow)
    await ctx.session.flush()
    jobs_by_node: dict[int, ProcessingJob] = {}
    for node in ordered:
        incoming = [link for link in links if link.child_node_id == node.id]
        if incoming:
            values = dict(node.values)
            for link in incoming:
                values[link.parameter_name] = [jobs_by_node[link.parent_node_id].id,
                                               link.output_name]  # fmt: skip
        else:
            values, _ = await first_step_values(
                ctx, node, source=root.id, artifact_type=artifact_type, prep_id=prep.id
            )
        job = await create_job(ctx, node.command.id, values, user=user)
        job.workflow_id = workflow.id
        if not incoming:
            ctx.session.add(ProcessingWorkflowRoot(workflow_id=workflow.id, job_id=job.id))
        await ctx.session.flush()
        jobs_by_node[node.id] = job
    return workflow
