"""Mutations on artifacts and processing jobs."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from db.models import Artifact as ArtifactRow
from db.models import ProcessingJob as JobRow
from resolvers import (
    artifact_visibility,
    job_cancellation,
    job_submission,
    uploaded_artifacts,
)
from resolvers.context import Context
from schema.context import Info
from schema.errors import UserError
from schema.mutations.running import run_object_mutation
from schema.relay import integer_key
from schema.types.artifacts import Artifact
from schema.types.enums import Visibility
from schema.types.jobs import ProcessingJob


@strawberry.input(description="An uploaded file and its filepath type (name or id).")
class UploadedFileInput:
    path: str = strawberry.field(description="Relative to the study's upload folder.")
    filepath_type: str


@strawberry.input
class AttachArtifactInput:
    study_id: int
    prep_id: int
    artifact_type: str
    files: list[UploadedFileInput]
    name: str


@strawberry.type
class AttachArtifactPayload:
    artifact: Artifact | None
    user_errors: list[UserError]


@strawberry.input
class SubmitJobInput:
    command_id: strawberry.ID = strawberry.field(
        description="A Command id (global, or Qiita's integer command id)."
    )
    parameters: JSON = strawberry.field(
        description="The parameter values as the plugin receives them; artifacts as ids."
    )


@strawberry.type
class SubmitJobPayload:
    job: ProcessingJob | None
    user_errors: list[UserError]


@strawberry.type
class RequestHtmlSummaryPayload:
    job: ProcessingJob | None
    user_errors: list[UserError]


@strawberry.input
class RequestHtmlSummaryInput:
    artifact_id: int


@strawberry.input
class CancelJobInput:
    job_id: str


@strawberry.type
class CancelJobPayload:
    job: ProcessingJob | None
    user_errors: list[UserError]


@strawberry.input
class SetArtifactVisibilityInput:
    artifact_id: int
    visibility: Visibility = strawberry.field(
        description="The new visibility (not ARCHIVED); applies to the whole DAG."
    )


@strawberry.type
class SetArtifactVisibilityPayload:
    artifact: Artifact | None
    user_errors: list[UserError]


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
        self, info: Info, input: AttachArtifactInput
    ) -> AttachArtifactPayload | None:
        async def action(ctx: Context) -> ArtifactRow:
            return await uploaded_artifacts.attach_uploaded_artifact(
                ctx,
                input.study_id,
                input.prep_id,
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
    async def submit_job(self, info: Info, input: SubmitJobInput) -> SubmitJobPayload | None:
        async def action(ctx: Context) -> JobRow:
            command_id = integer_key("Command", input.command_id)
            return await job_submission.submit_job_for_caller(ctx, command_id, input.parameters)

        job, errors = await run_object_mutation(
            info, action, ProcessingJob.from_row, paths=_parameter_path, not_found="command_id"
        )
        return SubmitJobPayload(job=job, user_errors=errors)

    @strawberry.mutation(
        description="Queue the type plugin's HTML summary job of an artifact you may change."
    )
    async def request_html_summary(
        self, info: Info, input: RequestHtmlSummaryInput
    ) -> RequestHtmlSummaryPayload | None:
        async def action(ctx: Context) -> JobRow:
            return await job_submission.request_html_summary(ctx, input.artifact_id)

        job, errors = await run_object_mutation(info, action, ProcessingJob.from_row)
        return RequestHtmlSummaryPayload(job=job, user_errors=errors)

    @strawberry.mutation(description="Cancel an unfinished job you submitted (admins: any job).")
    async def cancel_job(self, info: Info, input: CancelJobInput) -> CancelJobPayload | None:
        job, errors = await run_object_mutation(
            info,
            lambda ctx: job_cancellation.cancel_job(ctx, input.job_id),
            ProcessingJob.from_row,
            not_found="job_id",
        )
        return CancelJobPayload(job=job, user_errors=errors)

    @strawberry.mutation(
        description="Change the visibility of an artifact and the rest of its processing DAG."
    )
    async def set_artifact_visibility(
        self, info: Info, input: SetArtifactVisibilityInput
    ) -> SetArtifactVisibilityPayload | None:
        artifact, errors = await run_object_mutation(
            info,
            lambda ctx: artifact_visibility.set_artifact_visibility(
                ctx, input.artifact_id, input.visibility.value
            ),
            Artifact.from_row,
            not_found="artifact_id",
        )
        return SetArtifactVisibilityPayload(artifact=artifact, user_errors=errors)
