"""Mutations on artifacts and processing jobs."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from db.models import Artifact as ArtifactRow
from db.models import ProcessingJob as JobRow
from resolvers.artifacts import uploaded_artifacts, visibility
from resolvers.context import Context
from resolvers.jobs import cancellation, html_summaries, submission
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_object_mutation
from schema.relay import integer_key, job_key
from schema.types.artifacts import Artifact
from schema.types.enums import Visibility
from schema.types.jobs import ProcessingJob


@strawberry.input(description="An uploaded file and its filepath type (name or id).")
class UploadedFileInput:
    path: str = strawberry.field(description="Relative to the study's upload folder.")
    filepath_type: str = strawberry.field(description="The filepath type's name or integer id.")


@strawberry.input(
    description="Files of the study's upload folder to attach as a preparation's artifact."
)
class AttachArtifactInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    prep_id: strawberry.ID = strawberry.field(
        description="The preparation, by global id or Qiita's integer id."
    )
    artifact_type: str = strawberry.field(description="The artifact type's name (FASTQ...).")
    files: list[UploadedFileInput] = strawberry.field(
        description="The uploaded files and their filepath types."
    )
    name: str = strawberry.field(description="The new artifact's name.")


@strawberry.type(description="The result of `attachArtifact`.")
class AttachArtifactPayload:
    artifact: Artifact | None = strawberry.field(
        description="The artifact as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A command and its parameter values.")
class SubmitJobInput:
    command_id: strawberry.ID = strawberry.field(
        description="A Command id (global, or Qiita's integer command id)."
    )
    parameters: JSON = strawberry.field(
        description="The parameter values as the plugin receives them; artifacts as ids."
    )


@strawberry.type(description="The result of `submitJob`.")
class SubmitJobPayload:
    job: ProcessingJob | None = strawberry.field(
        description="The job as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `requestHtmlSummary`.")
class RequestHtmlSummaryPayload:
    job: ProcessingJob | None = strawberry.field(
        description="The job as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The artifact whose HTML summary to make.")
class RequestHtmlSummaryInput:
    artifact_id: strawberry.ID = strawberry.field(
        description="The artifact, by global id or Qiita's integer id."
    )


@strawberry.input(description="The job to cancel.")
class CancelJobInput:
    job_id: strawberry.ID = strawberry.field(description="The job, by global id or UUID.")


@strawberry.type(description="The result of `cancelJob`.")
class CancelJobPayload:
    job: ProcessingJob | None = strawberry.field(
        description="The job as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(
    description="The artifact whose processing DAG changes visibility, and the new one."
)
class SetArtifactVisibilityInput:
    artifact_id: strawberry.ID = strawberry.field(
        description="The artifact, by global id or Qiita's integer id."
    )
    visibility: Visibility = strawberry.field(
        description="The new visibility (not ARCHIVED); applies to the whole DAG."
    )


@strawberry.type(description="The result of `setArtifactVisibility`.")
class SetArtifactVisibilityPayload:
    artifact: Artifact | None = strawberry.field(
        description="The artifact as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


ATTACH_PATHS = {
    "artifact_name": ["input", "name"],
    "filepaths": ["input", "files"],
    "prep": ["input", "prepId"],
    "study": ["input", "studyId"],
}


def _parameter_path(name: str) -> list[str] | None:
    """Problems of `submitJob` name a command parameter, or the whole parameters object."""
    if name in ("parameters", "command_id"):
        return None
    return ["input", "parameters", name]


@strawberry.type
class JobMutations:
    @strawberry.mutation(
        description="Attach uploaded files as a preparation's artifact "
        "(as `POST /api/v1/study/{id}/preparation/{pid}/artifact`)."
    )
    async def attach_artifact(
        self, info: Info, input: Annotated[AttachArtifactInput, INPUT]
    ) -> AttachArtifactPayload | None:
        async def action(ctx: Context) -> ArtifactRow:
            return await uploaded_artifacts.attach_uploaded_artifact(
                ctx,
                integer_key("Study", input.study_id, "study_id"),
                integer_key("Preparation", input.prep_id, "prep_id"),
                artifact_type=input.artifact_type,
                filepaths=[(f.path, f.filepath_type) for f in input.files],
                name=input.name,
            )

        artifact, errors = await run_object_mutation(
            info, action, Artifact.from_row, paths=ATTACH_PATHS
        )
        return AttachArtifactPayload(artifact=artifact, user_errors=errors)

    @strawberry.mutation(
        description="Create a job of a command on artifacts and queue it for its plugin."
    )
    async def submit_job(
        self, info: Info, input: Annotated[SubmitJobInput, INPUT]
    ) -> SubmitJobPayload | None:
        async def action(ctx: Context) -> JobRow:
            command_id = integer_key("Command", input.command_id)
            return await submission.submit_job_for_caller(ctx, command_id, input.parameters)

        job, errors = await run_object_mutation(
            info, action, ProcessingJob.from_row, paths=_parameter_path, not_found="command_id"
        )
        return SubmitJobPayload(job=job, user_errors=errors)

    @strawberry.mutation(
        description="Queue the type plugin's HTML summary job of an artifact you may change."
    )
    async def request_html_summary(
        self, info: Info, input: Annotated[RequestHtmlSummaryInput, INPUT]
    ) -> RequestHtmlSummaryPayload | None:
        async def action(ctx: Context) -> JobRow:
            artifact_id = integer_key("Artifact", input.artifact_id, "artifact_id")
            return await html_summaries.request_html_summary(ctx, artifact_id)

        job, errors = await run_object_mutation(info, action, ProcessingJob.from_row)
        return RequestHtmlSummaryPayload(job=job, user_errors=errors)

    @strawberry.mutation(description="Cancel an unfinished job you submitted (admins: any job).")
    async def cancel_job(
        self, info: Info, input: Annotated[CancelJobInput, INPUT]
    ) -> CancelJobPayload | None:
        job, errors = await run_object_mutation(
            info,
            lambda ctx: cancellation.cancel_job(ctx, job_key(input.job_id, "job_id")),
            ProcessingJob.from_row,
            not_found="job_id",
        )
        return CancelJobPayload(job=job, user_errors=errors)

    @strawberry.mutation(
        description="Change the visibility of an artifact and the rest of its processing DAG."
    )
    async def set_artifact_visibility(
        self, info: Info, input: Annotated[SetArtifactVisibilityInput, INPUT]
    ) -> SetArtifactVisibilityPayload | None:
        artifact, errors = await run_object_mutation(
            info,
            lambda ctx: visibility.set_artifact_visibility(
                ctx,
                integer_key("Artifact", input.artifact_id, "artifact_id"),
                input.visibility.value,
            ),
            Artifact.from_row,
            not_found="artifact_id",
        )
        return SetArtifactVisibilityPayload(artifact=artifact, user_errors=errors)
