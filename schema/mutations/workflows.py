"""Mutations building and submitting workflows of processing jobs."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from db.models import ProcessingJob as JobRow
from db.models import ProcessingWorkflow as WorkflowRow
from resolvers.context import Context
from resolvers.jobs import prep_workflows, user_workflows
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.relay import integer_key, job_key
from schema.types.jobs import ProcessingJob
from schema.types.workflows import ProcessingWorkflow

INPUT_FIELDS = {
    "workflow_id", "command_id", "parameters", "parent_job_id", "parent_output_name",
    "input_name", "job_id", "cascade", "name",
}  # fmt: skip


def _paths(name: str) -> list[str] | None:
    """Problems name an input field, or one of the command's parameters."""
    if name in INPUT_FIELDS:
        return None
    if name in ("add_default_workflow", "prep_id"):
        return ["input", "prepId"]
    return ["input", "parameters", name]


@strawberry.input(description="A new workflow and its first step, on existing artifacts.")
class CreateWorkflowInput:
    command_id: strawberry.ID = strawberry.field(
        description="The first step's command (global, or Qiita's integer command id)."
    )
    parameters: JSON = strawberry.field(
        description="The first step's parameter values; artifacts as ids."
    )
    name: str | None = strawberry.field(
        default=None, description="The workflow's name; by default `<your name>'s workflow`."
    )


@strawberry.input(description="A step to add to a workflow in construction.")
class AddWorkflowStepInput:
    workflow_id: strawberry.ID = strawberry.field(
        description="The workflow, by global id or Qiita's integer id."
    )
    command_id: strawberry.ID = strawberry.field(
        description="The step's command (global, or Qiita's integer command id)."
    )
    parameters: JSON = strawberry.field(
        description="The step's other parameter values (the input fed by the parent aside)."
    )
    parent_job_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The job of the workflow whose output feeds the step; null to add a "
        "first step on existing artifacts.",
    )
    parent_output_name: str | None = strawberry.field(
        default=None, description="The parent command's output that feeds the step."
    )
    input_name: str | None = strawberry.field(
        default=None,
        description="The step's artifact parameter the output feeds; needed only when the "
        "command has several open artifact inputs.",
    )


@strawberry.input(description="A step to remove from a workflow in construction.")
class RemoveWorkflowStepInput:
    job_id: strawberry.ID = strawberry.field(description="The step's job, by global id or UUID.")
    cascade: bool = strawberry.field(
        default=False, description="Also remove the later steps that depend on it."
    )


@strawberry.input(description="The workflow to submit.")
class SubmitWorkflowInput:
    workflow_id: strawberry.ID = strawberry.field(
        description="The workflow, by global id or Qiita's integer id."
    )


@strawberry.input(description="The preparation whose default workflow to add.")
class AddDefaultWorkflowInput:
    prep_id: strawberry.ID = strawberry.field(
        description="The preparation, by global id or Qiita's integer id."
    )


@strawberry.type(description="The result of a mutation on a workflow.")
class WorkflowPayload:
    workflow: ProcessingWorkflow | None = strawberry.field(
        description="The workflow as changed; null when `userErrors` is not empty (or when "
        "its last step was removed)."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `addWorkflowStep`.")
class AddWorkflowStepPayload:
    job: ProcessingJob | None = strawberry.field(
        description="The new step's job; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


def _workflow_key(value: strawberry.ID) -> int:
    return integer_key("ProcessingWorkflow", value, "workflow_id")


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(
        description="Start a workflow in construction with its first step (a job of a "
        "command on existing artifacts)."
    )
    async def create_workflow(
        self, info: Info, input: Annotated[CreateWorkflowInput, INPUT]
    ) -> WorkflowPayload | None:
        async def action(ctx: Context) -> WorkflowRow:
            command_id = integer_key("Command", input.command_id, "command_id")
            return await user_workflows.create_workflow(
                ctx, command_id, input.parameters, input.name
            )

        row, errors = await run_object_mutation(
            info, action, ProcessingWorkflow.from_row, paths=_paths
        )
        return WorkflowPayload(workflow=row, user_errors=errors)

    @strawberry.mutation(
        description="Add a step to a workflow in construction, fed by an output of one of "
        "its jobs (or a new first step on existing artifacts)."
    )
    async def add_workflow_step(
        self, info: Info, input: Annotated[AddWorkflowStepInput, INPUT]
    ) -> AddWorkflowStepPayload | None:
        async def action(ctx: Context) -> JobRow:
            parent = job_key(input.parent_job_id, "parent_job_id") if input.parent_job_id else None
            return await user_workflows.add_workflow_step(
                ctx,
                _workflow_key(input.workflow_id),
                integer_key("Command", input.command_id, "command_id"),
                input.parameters,
                parent_job_id=parent,
                parent_output_name=input.parent_output_name,
                input_name=input.input_name,
            )

        job, errors = await run_object_mutation(info, action, ProcessingJob.from_row, paths=_paths)
        return AddWorkflowStepPayload(job=job, user_errors=errors)

    @strawberry.mutation(description="Remove a step from a workflow in construction.")
    async def remove_workflow_step(
        self, info: Info, input: Annotated[RemoveWorkflowStepInput, INPUT]
    ) -> WorkflowPayload | None:
        row, errors = await run_mutation(
            info,
            lambda ctx: user_workflows.remove_workflow_step(
                ctx, job_key(input.job_id, "job_id"), cascade=input.cascade
            ),
            paths=_paths,
            not_found="job_id",
        )
        workflow = ProcessingWorkflow.from_row(row) if row is not None else None
        return WorkflowPayload(workflow=workflow, user_errors=errors)

    @strawberry.mutation(
        description="Submit a workflow in construction: its first steps are queued, the "
        "others wait for the outputs they take."
    )
    async def submit_workflow(
        self, info: Info, input: Annotated[SubmitWorkflowInput, INPUT]
    ) -> WorkflowPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: user_workflows.submit_user_workflow(ctx, _workflow_key(input.workflow_id)),
            ProcessingWorkflow.from_row,
            paths=_paths,
            not_found="workflow_id",
        )
        return WorkflowPayload(workflow=row, user_errors=errors)

    @strawberry.mutation(
        description="Build the default workflow of a preparation from its artifact: the "
        "steps it still needs, in construction until `submitWorkflow`."
    )
    async def add_default_workflow(
        self, info: Info, input: Annotated[AddDefaultWorkflowInput, INPUT]
    ) -> WorkflowPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: prep_workflows.add_default_workflow_to_prep(
                ctx, integer_key("Preparation", input.prep_id, "prep_id")
            ),
            ProcessingWorkflow.from_row,
            paths=_paths,
            not_found="prep_id",
        )
        return WorkflowPayload(workflow=row, user_errors=errors)
