"""Processing jobs: the status machine, heartbeat, step, creation and failure.

Every status change is a conditional UPDATE (`... WHERE status IN (:expected)`) whose row
count is checked, so a change is applied exactly once even when two requests race on two
workers (style.md, resolvers/). Changes are published on the event bus after commit.

    in_construction ─► queued ─► running ─► success
          │              │         │  └────► waiting ─► success   (validators)
          └──► waiting ──┘         └───────► error ◄── any but success
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, true, update

from db.durability import commit_without_waiting_for_disk
from db.models import (
    Artifact,
    Command,
    CommandParameter,
    JobStatus,
    LogEntry,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    Software,
    utcnow,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden, NotFound
from resolvers.events import Event
from resolvers.statements import restricted

logger = logging.getLogger(__name__)

ALLOWED_MOVES: dict[JobStatus, frozenset[JobStatus]] = {
    "in_construction": frozenset({"queued", "waiting", "error"}),
    "waiting": frozenset({"queued", "success", "error"}),
    "queued": frozenset({"queued", "running", "error"}),
    "running": frozenset({"running", "waiting", "success", "error"}),
    "success": frozenset(),
    "error": frozenset(),
}
"""plugin-lifecycle.md §4.2: nothing leaves success; running never goes back to queued."""

MAX_ID = 2**63 - 1
NOT_RUNNING_COMPLETE = "Can't complete job: not in a running state"
NOT_RUNNING_STEP = "Cannot change the step of a job whose status is not 'running'"


def parse_job_id(text: str) -> str:
    """The canonical form of a job id; NotFound for anything that is not a UUID (§3)."""
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"Job not found: {text}") from None


async def load_job(ctx: Context, job_id: str, *, lock: bool = False) -> ProcessingJob:
    """The job row as currently stored (no access check); `lock` takes a row lock."""
    query = select(ProcessingJob).where(ProcessingJob.id == parse_job_id(job_id))
    if lock:
        query = query.with_for_update()
    job = (
        await ctx.session.execute(query.execution_options(populate_existing=True))
    ).scalar_one_or_none()
    if job is None:
        raise NotFound(f"Job not found: {job_id}")
    return job


async def job_software(ctx: Context, job: ProcessingJob) -> tuple[Command, Software]:
    command = await ctx.session.get(Command, job.command_id)
    assert command is not None
    software = await ctx.session.get(Software, command.software_id)
    assert software is not None
    return command, software


async def get_job(ctx: Context, job_id: str) -> ProcessingJob:
    """The job if the caller may read it (access.readable_jobs_filter); NotFound otherwise."""
    query = select(ProcessingJob).where(
        ProcessingJob.id == parse_job_id(job_id), access.readable_jobs_filter(ctx.principal)
    )
    job = (
        await ctx.session.execute(query.execution_options(populate_existing=True))
    ).scalar_one_or_none()
    if job is None:
        raise NotFound(f"Job not found: {job_id}")
    return job


@dataclass(frozen=True)
class JobSummary:
    """What `GET /qiita_db/jobs/<id>` reports (plugin-api.md §3.1)."""

    command_name: str
    parameters: Any
    status: str
    message: str


_JOB_SUMMARY = (
    select(ProcessingJob.parameters, ProcessingJob.status, Command.name, LogEntry.msg)
    .join(Command, Command.id == ProcessingJob.command_id)
    .outerjoin(
        LogEntry,
        (LogEntry.id == ProcessingJob.error_log_id) & (ProcessingJob.status == "error"),
    )
    .where(ProcessingJob.id == bindparam("job_id"))
)


async def get_job_summary(ctx: Context, job_id: str) -> JobSummary:
    """The job's command name, stored parameters, status and error message, if the caller
    may read it (one statement; NotFound otherwise)."""
    query = restricted(_JOB_SUMMARY, access.readable_jobs_filter(ctx.principal))
    connection = await ctx.session.connection()
    row = (await connection.execute(query, {"job_id": parse_job_id(job_id)})).first()
    if row is None:
        raise NotFound(f"Job not found: {job_id}")
    return JobSummary(
        command_name=row.name, parameters=row.parameters, status=row.status, message=row.msg or ""
    )


def publish_job_event(ctx: Context, job_id: str, **data: Any) -> None:
    """Announce a change of the job to subscribers once the transaction has committed."""
    event = Event(topic="job", key=job_id, data=data)

    async def publish() -> None:
        await ctx.events.publish(event)

    ctx.after_commit(publish)


async def change_status(
    ctx: Context,
    job_id: str,
    *,
    expected: Sequence[JobStatus],
    to: JobStatus,
    **values: Any,
) -> bool:
    """Move the job from one of `expected` to `to`; False when it was in no expected status."""
    allowed = [status for status in expected if to in ALLOWED_MOVES[status]]
    if not allowed:
        return False
    result = await ctx.session.execute(
        update(ProcessingJob)
        .where(ProcessingJob.id == job_id, ProcessingJob.status.in_(allowed))
        .values(status=to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    logger.info("job %s is now %s", job_id, to)
    publish_job_event(ctx, job_id, status=to, **{k: v for k, v in values.items() if k == "step"})
    return True


async def heartbeat_job(ctx: Context, job_id: str) -> str:
    """Record a heartbeat; the first one moves queued to running (plugin-api.md §3.2).

    The usual case is one conditional UPDATE that also checks the caller may act on the
    job; when it matches nothing, the job is read to answer why (or, for a validator job
    of a type plugin, to check the finer rule) and the UPDATE runs after that check.
    """
    acting = access.acting_on_jobs_filter(ctx.principal)
    if acting is not None and await _beat(ctx, parse_job_id(job_id), acting):
        return "running"
    job = await load_job(ctx, job_id)
    await access.require_act_on_job(ctx, job)
    if await _beat(ctx, job.id, true()):
        return "running"
    current = await load_job(ctx, job.id)
    raise Forbidden(f"Can't execute heartbeat on job: not running: {current.status}")


_BEAT = (
    update(ProcessingJob)
    .where(ProcessingJob.id == bindparam("job_id"), ProcessingJob.status.in_(("queued", "running")))
    .values(status="running", heartbeat=bindparam("now"), updated_at=bindparam("now"))
)


async def _beat(ctx: Context, job_id: str, acting: ColumnElement[bool]) -> bool:
    # One statement for both moves: a racing heartbeat that waited on the row lock
    # re-checks the row and still matches once the first one made it `running`.
    # Run on the session's connection: heartbeats are not audited (db/audit.py).
    await commit_without_waiting_for_disk(ctx.session)
    now = utcnow()
    connection = await ctx.session.connection()
    beat = await connection.execute(restricted(_BEAT, acting), {"job_id": job_id, "now": now})
    if beat.rowcount != 1:
        return False
    publish_job_event(ctx, job_id, status="running", heartbeat=now.isoformat())
    return True


async def set_job_step(ctx: Context, job_id: str, step: str) -> None:
    """Replace the free-text step of a running job (plugin-api.md §3.3)."""
    job = await load_job(ctx, job_id)
    await access.require_act_on_job(ctx, job)
    result = await ctx.session.execute(
        update(ProcessingJob)
        .where(ProcessingJob.id == job.id, ProcessingJob.status == "running")
        .values(step=step, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Forbidden(NOT_RUNNING_STEP)
    publish_job_event(ctx, job.id, status="running", step=step)


async def write_step(ctx: Context, job_id: str, step: str) -> None:
    """The server's own step updates ("Validating outputs ..."), on any unfinished job."""
    await ctx.session.execute(
        update(ProcessingJob)
        .where(ProcessingJob.id == job_id)
        .values(step=step, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    publish_job_event(ctx, job_id, step=step)


async def fail_job(ctx: Context, job_id: str, message: str) -> bool:
    """Set the job to error with `message`, and its workflow children after it (§4.2)."""
    entry = LogEntry(severity="Runtime", msg=message)
    ctx.session.add(entry)
    await ctx.session.flush()
    failed = await change_status(
        ctx,
        job_id,
        expected=("in_construction", "waiting", "queued", "running"),
        to="error",
        error_log_id=entry.id,
    )
    if not failed:
        return False
    seen = {job_id}
    frontier = [job_id]
    while frontier:
        parent = frontier.pop()
        children = (
            await ctx.session.execute(
                select(ProcessingJobParent.child_id).where(ProcessingJobParent.parent_id == parent)
            )
        ).scalars()
        for child in children:
            if child in seen:
                continue
            seen.add(child)
            note = LogEntry(severity="Runtime", msg=f"Parent job '{parent}' failed.")
            ctx.session.add(note)
            await ctx.session.flush()
            if await change_status(
                ctx,
                child,
                expected=("in_construction", "waiting", "queued", "running"),
                to="error",
                error_log_id=note.id,
            ):
                frontier.append(child)
    return True


def _decode_default(parameter: CommandParameter) -> Any:
    value = parameter.default_value
    if value is not None and parameter.type.startswith("mchoice"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def parameters_with_defaults(
    ctx: Context, command_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    """Job parameters: the given values plus every missing optional one at its default."""
    parameters = (
        await ctx.session.execute(
            select(CommandParameter).where(CommandParameter.command_id == command_id)
        )
    ).scalars()
    filled = dict(values)
    for parameter in parameters:
        if not parameter.required and parameter.name not in filled:
            filled[parameter.name] = _decode_default(parameter)
    return dict(sorted(filled.items()))


async def insert_job(
    ctx: Context,
    *,
    command_id: int,
    account_id: int,
    parameters: dict[str, Any],
    status: JobStatus = "in_construction",
    target_job_id: str | None = None,
) -> ProcessingJob:
    """Create a job (duplicates allowed), linking the artifacts its artifact parameters name."""
    filled = await parameters_with_defaults(ctx, command_id, parameters)
    job = ProcessingJob(
        id=str(uuid.uuid4()),
        account_id=account_id,
        command_id=command_id,
        parameters=filled,
        status=status,
        target_job_id=target_job_id,
    )
    ctx.session.add(job)
    await ctx.session.flush()
    artifact_parameters = (
        await ctx.session.execute(
            select(CommandParameter.name).where(
                CommandParameter.command_id == command_id,
                CommandParameter.type.startswith("artifact"),
            )
        )
    ).scalars()
    input_ids: set[int] = set()
    for name in artifact_parameters:
        value = filled.get(name)
        if isinstance(value, int) or (
            isinstance(value, str) and value.isascii() and value.isdigit()
        ):
            if 0 < int(value) <= MAX_ID:
                input_ids.add(int(value))
    if input_ids:
        existing = (
            await ctx.session.execute(select(Artifact.id).where(Artifact.id.in_(input_ids)))
        ).scalars()
        ctx.session.add_all(ProcessingJobInput(job_id=job.id, artifact_id=a) for a in existing)
        await ctx.session.flush()
    publish_job_event(ctx, job.id, status=status)
    return job


async def input_artifact_ids(ctx: Context, job_id: str) -> list[int]:
    """The job's input artifacts, by id."""
    query = (
        select(ProcessingJobInput.artifact_id)
        .where(ProcessingJobInput.job_id == job_id)
        .order_by(ProcessingJobInput.artifact_id)
    )
    return list((await ctx.session.execute(query)).scalars())
