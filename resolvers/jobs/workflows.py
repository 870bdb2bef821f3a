"""Default workflows: processing pipelines appended to a preparation's new root artifact.

domain.md §2.9 ("Default workflows", "Add default workflow to a prep"), plugin-api.md §4.5.
The chosen default workflow becomes one processing workflow whose root is the Validate job
of the new artifact. Its first-level jobs wait for the validator (`pending` names the
validator and the new artifact's type, lifecycle §5.3 step 4); deeper jobs wait for their
parent jobs' outputs, wired through the workflow's edge connections.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from db.models import (
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DataType,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowEdge,
    DefaultWorkflowEdgeConnection,
    DefaultWorkflowNode,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobParent,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
    Sample,
)
from resolvers.artifacts.artifact_types import get_artifact_type
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.jobs.lifecycle import insert_job, load_job
from resolvers.jobs.submission import create_job, submit_jobs

logger = logging.getLogger(__name__)

ANY_VALUE = "*"
CONDITION_SCOPES = ("sample", "prep")


@dataclass(frozen=True)
class WorkflowMatch:
    """A default workflow whose conditions hold, with how many conditions it satisfies."""

    workflow: DefaultWorkflow
    satisfied: int


def _category_values(rows: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Category (lowercase) -> the set of its values (as text) over `rows`."""
    found: dict[str, set[str]] = {}
    for values in rows:
        for category, value in values.items():
            found.setdefault(str(category).lower(), set()).add(str(value))
    return found


def unmet_conditions(
    conditions: Mapping[str, Any], metadata: Mapping[str, dict[str, set[str]]]
) -> tuple[int, list[str]]:
    """How many `{scope: {category: value}}` conditions hold, and a sentence per failed one."""
    satisfied = 0
    failed: list[str] = []
    for scope in CONDITION_SCOPES:
        wanted = conditions.get(scope) or {}
        if not isinstance(wanted, Mapping):
            failed.append(f"its {scope} conditions are not an object")
            continue
        present = metadata.get(scope, {})
        for category, value in wanted.items():
            values = present.get(str(category).lower())
            if values is None:
                failed.append(f"{scope} category '{category}' does not exist")
            elif str(value) != ANY_VALUE and str(value) not in values:
                failed.append(f"no {scope} has '{category}' = '{value}'")
            else:
                satisfied += 1
    return satisfied, failed


async def _prep_metadata(ctx: Context, prep_id: int) -> dict[str, dict[str, set[str]]]:
    rows = (
        await ctx.session.execute(
            select(Sample.values, PrepSample.values)
            .join(PrepSample, PrepSample.sample_id == Sample.id)
            .where(PrepSample.prep_id == prep_id)
        )
    ).all()
    return {
        "sample": _category_values(sample for sample, _ in rows),
        "prep": _category_values(prep for _, prep in rows),
    }


async def choose_default_workflow(
    ctx: Context, prep: PrepTemplate, artifact_type: ArtifactType
) -> WorkflowMatch:
    """The active default workflow for the prep's data type starting from `artifact_type`
    whose conditions hold for the prep's samples, preferring the one satisfying most
    (then the oldest); Invalid naming why each candidate was refused (domain.md §2.9)."""
    data_type = await ctx.session.get(DataType, prep.data_type_id)
    data_type_name = data_type.name if data_type is not None else str(prep.data_type_id)
    candidates = list(
        (
            await ctx.session.execute(
                select(DefaultWorkflow)
                .join(
                    DefaultWorkflowDataType,
                    DefaultWorkflowDataType.workflow_id == DefaultWorkflow.id,
                )
                .where(
                    DefaultWorkflow.active.is_(True),
                    DefaultWorkflow.artifact_type_id == artifact_type.id,
                    DefaultWorkflowDataType.data_type_id == prep.data_type_id,
                )
                .order_by(DefaultWorkflow.id)
            )
        ).scalars()
    )
    if not candidates:
        raise Invalid(
            f"There is no active default workflow for data type '{data_type_name}' starting "
            f"from '{artifact_type.name}' artifacts; ask an administrator to add one, or "
            "inject the artifact without add_default_workflow.",
            field="add_default_workflow",
        )
    metadata = await _prep_metadata(ctx, prep.id)
    best: WorkflowMatch | None = None
    refusals: list[str] = []
    for candidate in candidates:
        satisfied, failed = unmet_conditions(candidate.parameters or {}, metadata)
        if failed:
            refusals.append(f"'{candidate.name}' ({'; '.join(failed)})")
        elif best is None or satisfied > best.satisfied:
            best = WorkflowMatch(candidate, satisfied)
    if best is None:
        raise Invalid(
            f"No default workflow for data type '{data_type_name}' starting from "
            f"'{artifact_type.name}' artifacts matches the metadata of preparation {prep.id}: "
            f"{', '.join(refusals)}.",
            field="add_default_workflow",
        )
    return best


@dataclass(frozen=True)
class TemplateNode:
    id: int
    command: Command
    values: dict[str, Any]


@dataclass(frozen=True)
class TemplateLink:
    parent_node_id: int
    child_node_id: int
    output_name: str
    output_type_id: int
    parameter_name: str


async def _nodes(ctx: Context, workflow_id: int) -> list[TemplateNode]:
    rows = (
        await ctx.session.execute(
            select(DefaultWorkflowNode.id, Command, DefaultParameterSet.values)
            .join(
                DefaultParameterSet,
                DefaultParameterSet.id == DefaultWorkflowNode.default_parameter_set_id,
            )
            .join(Command, Command.id == DefaultParameterSet.command_id)
            .where(DefaultWorkflowNode.workflow_id == workflow_id)
            .order_by(DefaultWorkflowNode.id)
        )
    ).all()
    return [TemplateNode(node_id, command, dict(values or {})) for node_id, command, values in rows]


async def _links(ctx: Context, node_ids: Sequence[int]) -> list[TemplateLink]:
    rows = (
        await ctx.session.execute(
            select(
                DefaultWorkflowEdge.parent_node_id,
                DefaultWorkflowEdge.child_node_id,
                CommandOutput.name,
                CommandOutput.artifact_type_id,
                CommandParameter.name,
            )
            .join(
                DefaultWorkflowEdgeConnection,
                DefaultWorkflowEdgeConnection.edge_id == DefaultWorkflowEdge.id,
            )
            .join(CommandOutput, CommandOutput.id == DefaultWorkflowEdgeConnection.parent_output_id)
            .join(
                CommandParameter,
                CommandParameter.id == DefaultWorkflowEdgeConnection.child_parameter_id,
            )
            .where(DefaultWorkflowEdge.child_node_id.in_(node_ids))
            .order_by(DefaultWorkflowEdge.id, CommandParameter.name)
        )
    ).all()
    return [TemplateLink(*row) for row in rows]


def _topological(
    nodes: list[TemplateNode], links: list[TemplateLink], name: str
) -> list[TemplateNode]:
    """Nodes with every parent before its children (ties by node id)."""
    parents: dict[int, set[int]] = {node.id: set() for node in nodes}
    for link in links:
        if link.parent_node_id not in parents:
            raise Invalid(f"The default workflow '{name}' links a node of another workflow.")
        parents[link.child_node_id].add(link.parent_node_id)
    ordered: list[TemplateNode] = []
    placed: set[int] = set()
    remaining = list(nodes)
    while remaining:
        ready = [node for node in remaining if parents[node.id] <= placed]
        if not ready:
            raise Invalid(f"The default workflow '{name}' has a cycle; it cannot be built.")
        ordered.extend(ready)
        placed.update(node.id for node in ready)
        remaining = [node for node in remaining if node.id not in placed]
    return ordered


async def _output_count(ctx: Context, command_ids: Sequence[int]) -> int:
    counts = dict(
        (
            await ctx.session.execute(
                select(CommandOutput.command_id, func.count())
                .where(CommandOutput.command_id.in_(set(command_ids)))
                .group_by(CommandOutput.command_id)
            )
        ).all()
    )
    return sum(counts.get(command_id, 0) for command_id in command_ids)


async def first_step_values(
    ctx: Context, node: TemplateNode, *, source: Any, artifact_type: ArtifactType, prep_id: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """Values of a first step: its artifact inputs take `source` (the preparation's artifact,
    or `[validator id, type]` for the one a validator is making), `prep_template` inputs
    the preparation. Returns (values, {parameter: output name})."""
    values = dict(node.values)
    wired: dict[str, str] = {}
    required = (
        await ctx.session.execute(
            select(CommandParameter).where(
                CommandParameter.command_id == node.command.id, CommandParameter.required
            )
        )
    ).scalars()
    for parameter in required:
        if parameter.name in values:
            continue
        base = parameter.type.partition(":")[0]
        if base == "prep_template":
            values[parameter.name] = prep_id
            continue
        accepted = set(
            (
                await ctx.session.execute(
                    select(ArtifactType.name)
                    .join(
                        CommandParameterArtifactType,
                        CommandParameterArtifactType.artifact_type_id == ArtifactType.id,
                    )
                    .where(CommandParameterArtifactType.parameter_id == parameter.id)
                )
            ).scalars()
        )
        if base != "artifact" or artifact_type.name not in accepted:
            kind = f"an artifact of type {', '.join(sorted(accepted))}" if accepted else base
            raise Invalid(
                f"The step '{node.command.name}' of the default workflow needs its parameter "
                f"'{parameter.name}' ({kind}), which cannot be wired automatically "
                f"from a new '{artifact_type.name}' artifact.",
                field="add_default_workflow",
            )
        values[parameter.name] = source
        wired[parameter.name] = artifact_type.name
    return values, wired


async def _first_level_job(
    ctx: Context, node: TemplateNode, validator: ProcessingJob, values: dict[str, Any],
    wired: dict[str, str],
) -> ProcessingJob:  # fmt: skip
    job = await insert_job(
        ctx, command_id=node.command.id, account_id=validator.account_id, parameters=values
    )
    job.pending = {validator.id: wired} if wired else None
    ctx.session.add(ProcessingJobParent(parent_id=validator.id, child_id=job.id))
    await ctx.session.flush()
    return job


async def _checked_steps(
    ctx: Context, template: DefaultWorkflow
) -> tuple[list[TemplateNode], list[TemplateLink]]:
    """The steps of `template`, parents first, and their links; refused when it has no
    steps, uses inactive commands or makes more than `max_artifacts_in_workflow` artifacts."""
    nodes = await _nodes(ctx, template.id)
    if not nodes:
        raise Invalid(f"The default workflow '{template.name}' has no steps.")
    links = await _links(ctx, [node.id for node in nodes])
    ordered = _topological(nodes, links, template.name)
    inactive = sorted({node.command.name for node in ordered if not node.command.active})
    if inactive:
        raise Conflict(
            f"The default workflow '{template.name}' uses inactive command(s) "
            f"{', '.join(inactive)}: their plugin must register them first."
        )
    limit = ctx.settings.max_artifacts_in_workflow
    outputs = await _output_count(ctx, [node.command.id for node in ordered])
    if outputs > limit:
        raise Invalid(
            f"The default workflow '{template.name}' would create {outputs} artifacts, more "
            f"than the {limit} allowed in one workflow (max_artifacts_in_workflow).",
            field="add_default_workflow",
        )
    return ordered, links


async def plan_default_workflow(
    ctx: Context, prep: PrepTemplate, artifact_type: ArtifactType
) -> tuple[DefaultWorkflow, list[TemplateNode], list[TemplateLink]]:
    """The default workflow for the preparation and `artifact_type`: its steps in order
    and their links. Invalid or Conflict when it cannot be built (domain.md §2.9)."""
    match = await choose_default_workflow(ctx, prep, artifact_type)
    ordered, links = await _checked_steps(ctx, match.workflow)
    return match.workflow, ordered, links


async def add_default_workflow(
    ctx: Context, prep_id: int, validator_job_id: str
) -> ProcessingWorkflow:
    """Build the preparation's default workflow behind the Validate job of its new root
    artifact (domain.md §2.9; plugin-api.md §4.5). Jobs stay `in_construction`; see
    `submit_workflow`. Invalid when no workflow fits or it would make more than
    `max_artifacts_in_workflow` artifacts."""
    validator = await load_job(ctx, validator_job_id, lock=True)
    prep = await ctx.session.get(PrepTemplate, prep_id)
    if prep is None:
        raise NotFound(f"Prep template {prep_id} does not exist.")
    artifact_type = await get_artifact_type(ctx, str(validator.parameters.get("artifact_type")))
    template, ordered, links = await plan_default_workflow(ctx, prep, artifact_type)
    workflow = ProcessingWorkflow(account_id=validator.account_id, name=template.name)
    ctx.session.add(workflow)
    await ctx.session.flush()
    ctx.session.add(ProcessingWorkflowRoot(workflow_id=workflow.id, job_id=validator.id))
    validator.workflow_id = workflow.id
    await ctx.session.flush()
    jobs_by_node: dict[int, ProcessingJob] = {}
    for node in ordered:
        incoming = [link for link in links if link.child_node_id == node.id]
        if incoming:
            values = dict(node.values)
            for link in incoming:
                parent = jobs_by_node[link.parent_node_id]
                values[link.parameter_name] = [parent.id, link.output_name]
            job = await create_job(ctx, node.command.id, values, user=validator.account_id)
        else:
            first_values, wired = await first_step_values(
                ctx, node, source=[validator.id, artifact_type.name],
                artifact_type=artifact_type, prep_id=prep.id,
            )  # fmt: skip
            job = await _first_level_job(ctx, node, validator, first_values, wired)
        job.workflow_id = workflow.id
        await ctx.session.flush()
        jobs_by_node[node.id] = job
    logger.info(
        "default workflow %s queued as workflow %s behind validator %s (%s jobs)",
        template.id, workflow.id, validator.id, len(jobs_by_node),
    )  # fmt: skip
    return workflow


async def submit_workflow(ctx: Context, workflow: ProcessingWorkflow) -> None:
    """Submit the roots of `workflow`; its other jobs become `waiting` (domain.md §2.10)."""
    roots = list(
        (
            await ctx.session.execute(
                select(ProcessingWorkflowRoot.job_id)
                .where(ProcessingWorkflowRoot.workflow_id == workflow.id)
                .order_by(ProcessingWorkflowRoot.job_id)
            )
        ).scalars()
    )
    others = list(
        (
            await ctx.session.execute(
                select(ProcessingJob.id)
                .where(ProcessingJob.workflow_id == workflow.id, ProcessingJob.id.not_in(roots))
                .order_by(ProcessingJob.created_at, ProcessingJob.id)
            )
        ).scalars()
    )
    await submit_jobs(ctx, [*roots, *others])
