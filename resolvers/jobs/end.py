"""The end of a processing job, in one place (plugin-lifecycle.md §5).

Every way a job ends (its plugin's completion report, a validator's release, the
watchdog or the restart reconciliation finding its process gone, the dispatcher failing
to launch it, a user cancelling it) goes through `finish_job`, which applies what
follows: a failed validator settles its parent job; a successful job gets HTML summaries
for its new artifacts and submits the workflow children waiting for them. Status changes
publish their job events as they are written (`jobs.change_status`); the job's user gets
a message (`resolvers.messages`).

The release of validated outputs lives here too: it is how a job with validators ends.
It runs when the last validator of a job reports, under a lock on the parent job's row,
so two validators finishing at once release exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from db.models import JobStatus, LogEntry, ProcessingJob, ProcessingJobValidator
from resolvers.artifacts.artifacts import create_artifact
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.jobs.html_summaries import has_html_summary, submit_html_summary
from resolvers.jobs.lifecycle import (
    change_status,
    fail_job,
    input_artifact_ids,
    load_job,
    write_step,
)
from resolvers.jobs.outputs import artifact_origin, json_parameter
from resolvers.jobs.submission import submit_ready_children
from resolvers.messages import notify_job_end

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Succeeded:
    """The job's outputs exist: `artifact_ids` are new artifacts; `outputs` names some of
    them by output name for waiting workflow children (lifecycle §5.3 step 4)."""

    artifact_ids: Sequence[int] = ()
    outputs: Mapping[str, int] | None = field(default=None)


@dataclass(frozen=True)
class Failed:
    message: str


@dataclass(frozen=True)
class Cancelled:
    by: str
    """Who cancelled the job: an e-mail or a client id."""

    @property
    def message(self) -> str:
        return f"Cancelled by {self.by}."


JobOutcome = Succeeded | Failed | Cancelled


async def finish_job(
    ctx: Context,
    job: ProcessingJob,
    outcome: JobOutcome,
    *,
    expected: Sequence[JobStatus] = ("running",),
) -> bool:
    """End `job` with `outcome` and apply what follows; False when it had already ended.

    A success moves the job from one of `expected`; a failure or a cancellation ends any
    unfinished job, its workflow children with it.
    """
    if isinstance(outcome, Succeeded):
        if not await change_status(ctx, job.id, expected=expected, to="success"):
            return False
        await _submit_summaries(ctx, job, outcome.artifact_ids)
        await submit_ready_children(ctx, job, outputs=outcome.outputs)
        await notify_job_end(ctx, job, None)
        return True
    if not await fail_job(ctx, job.id, outcome.message):
        return False
    await settle_validated_job(ctx, job.id)
    await notify_job_end(ctx, job, outcome.message)
    return True


async def _submit_summaries(ctx: Context, job: ProcessingJob, artifact_ids: Sequence[int]) -> None:
    """HTML summaries of a job's new artifacts; a missing generator is logged, never a
    reason to undo the job's end."""
    if not ctx.settings.html_summary_after_release:
        return
    for artifact_id in artifact_ids:
        if await has_html_summary(ctx, artifact_id):
            continue
        try:
            await submit_html_summary(ctx, artifact_id, user=job.account_id)
        except NotFound as exc:
            logger.warning("no HTML summary for artifact %s: %s", artifact_id, exc.message)


def validating_step(pending: Sequence[str], external_ids: Mapping[str, str | None]) -> str:
    """The step of a job waiting for its validators (plugin-lifecycle.md §5.4)."""
    listed = ", ".join(f"{v} [{external_ids.get(v) or 'Not Available'}]" for v in pending)
    return f"Validating outputs ({len(pending)} remaining) via job(s) {listed}"


async def settle_validated_job(ctx: Context, validator_id: str) -> None:
    """After a validator finished (waiting with its artifact, or failed): release the job
    it validates once every sister is done."""
    parent = (
        await ctx.session.execute(
            select(ProcessingJobValidator.job_id).where(
                ProcessingJobValidator.validator_id == validator_id
            )
        )
    ).scalar_one_or_none()
    if parent is not None:
        await release_validated_outputs(ctx, parent)


async def _error_message(ctx: Context, log_id: int | None) -> str:
    if log_id is None:
        return ""
    entry = await ctx.session.get(LogEntry, log_id)
    return entry.msg if entry is not None else ""


async def release_validated_outputs(ctx: Context, parent_id: str) -> None:
    """Release the validators of `parent_id` once all are waiting or error (lifecycle §5.5):
    their artifacts are created and the job succeeds, or, when one failed, every one of
    them and the job end in error."""
    parent = await load_job(ctx, parent_id, lock=True)
    if parent.status != "running":
        return
    rows = (
        await ctx.session.execute(
            select(ProcessingJob, ProcessingJobValidator.artifact_info)
            .join(ProcessingJobValidator, ProcessingJobValidator.validator_id == ProcessingJob.id)
            .where(ProcessingJobValidator.job_id == parent_id)
            .order_by(ProcessingJob.created_at, ProcessingJob.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    pending = [job for job, _ in rows if job.status not in ("waiting", "error")]
    if pending:
        external = {job.id: job.external_id for job in pending}
        await write_step(ctx, parent_id, validating_step([j.id for j in pending], external))
        return
    failed = [job for job, _ in rows if job.status == "error"]
    if failed:
        lines = [
            f"Validator {job.id} error message: {await _error_message(ctx, job.error_log_id)}"
            for job in failed
        ]
        detail = "\n".join(lines)
        for job, _ in rows:
            if job.status == "waiting":
                await fail_job(ctx, job.id, f"{len(failed)} sister validator jobs failed: {detail}")
        await finish_job(ctx, parent, Failed(f"{len(failed)} validator jobs failed: {detail}"))
        return
    inputs = await input_artifact_ids(ctx, parent_id)
    created: list[int] = []
    for validator, info in rows:
        provenance = json_parameter(validator.parameters.get("provenance")) or {}
        data = info or {}
        data_type = None
        if "artifact_data" in data:
            data_type = data.get("data_type")
            data = data["artifact_data"]
        artifact = await create_artifact(
            ctx,
            artifact_type=data["artifact_type"],
            files=[(path, fp_type) for path, fp_type in data["filepaths"]],
            name=provenance.get("name"),
            job_id=parent_id,
            command_output_id=provenance.get("cmd_out_id"),
            **artifact_origin(parent, inputs, data_type=data_type),
        )
        created.append(artifact.id)
        await change_status(ctx, validator.id, expected=("waiting",), to="success")
    await finish_job(ctx, parent, Succeeded(created))
