"""HTML summary jobs of artifacts: on request, and after a job's end for its new artifacts
(resolvers/jobs/end.py) or for an uploaded artifact (resolvers/artifacts/uploaded_artifacts.py).
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import (
    Artifact,
    ArtifactType,
    Command,
    FilepathType,
    JobStatus,
    ProcessingJob,
    ProcessingJobInput,
    SoftwareArtifactType,
    StoredFile,
)
from resolvers.artifacts import artifacts
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden, NotFound
from resolvers.jobs.lifecycle import insert_job, load_job
from resolvers.jobs.submission import submit_jobs

HTML_SUMMARY_COMMAND = "Generate HTML summary"
HTML_SUMMARY_FILEPATH_TYPES = ("html_summary",)
SUMMARY_JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "success")


async def request_html_summary(ctx: Context, artifact_id: int) -> ProcessingJob:
    """`requestHtmlSummary`: someone who may change the artifact's study asks for its summary."""
    user = access.require_job_submitter(ctx)
    artifact = await artifacts.get_artifact(ctx, artifact_id)
    if artifact.study_id is None:
        raise Forbidden("Only study artifacts get HTML summaries on request.")
    await access.require_edit_study(ctx, artifact.study_id)
    return await submit_html_summary(ctx, artifact.id, user=user)


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
