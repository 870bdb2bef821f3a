"""Misbehaving plugins: each job ends in the right state with a message, no half artifact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.models import Artifact, LogEntry, ProcessingJob, ProcessingJobValidator
from resolvers.context import unit_of_work
from resolvers.jobs.submission import submit_job
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.live import Live, command_id, launch_log, wait_for_status, wait_until


async def run(live: Live, command: str, parameters: dict[str, Any]) -> ProcessingJob:
    services = live.services
    owner = await make_owned_study(services)
    command_key = await command_id(services, "Line tools", command)
    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, command_key, parameters, user=owner.principal.account_id)
    return await wait_for_status(services, job.id, "success", "error")


async def wait_for_exit(live: Live, job: ProcessingJob) -> None:
    assert job.external_id is not None
    external_id = job.external_id

    async def exited() -> bool:
        return await live.jobs.launcher.status(external_id, job_id=job.id) != "running"

    await wait_until(live.services, exited)


async def message_of(live: Live, job: ProcessingJob) -> str:
    async with live.services.sessions() as session:
        assert job.error_log_id is not None
        entry = await session.get(LogEntry, job.error_log_id)
        assert entry is not None
        return entry.msg


async def artifacts_of(live: Live, job: ProcessingJob) -> int:
    async with live.services.sessions() as session:
        query = select(func.count()).where(Artifact.produced_by_job_id == job.id)
        return (await session.execute(query)).scalar_one()


async def test_crashing_plugin_fails_its_job_with_its_output(live: Live) -> None:
    job = await run(live, "Crash", {"note": "x"})
    assert job.status == "error"
    message = await message_of(live, job)
    assert message.startswith("error from launch_local when launching cmd='bash -c ")
    assert f" {job.id} " in message
    assert "\nexit status 3\n" in message
    assert message.endswith("the plugin is about to crash\n")


async def test_plugin_that_never_heartbeats_fails_when_its_process_ends(live: Live) -> None:
    job = await run(live, "Stall", {"seconds": 1, "heartbeat": "False"})
    assert job.status == "error"
    assert job.heartbeat is None
    message = await message_of(live, job)
    assert message.startswith(
        f"The plugin process of job {job.id} exited before starting the job "
        "(it never sent a heartbeat)."
    )


async def test_silent_plugin_is_failed_by_the_watchdog_only_once_its_process_is_gone(
    live: Live,
) -> None:
    job = await run(live, "Stall", {"seconds": 3})
    assert job.status == "error"
    assert job.heartbeat is not None
    message = await message_of(live, job)
    assert message == (
        "No heartbeat for more than 2 s and the job's process "
        f"(local id {job.external_id}) is gone (finished)."
    )


async def test_malformed_completion_is_refused_and_the_job_fails(live: Live) -> None:
    job = await run(live, "Bad completion", {"note": "x"})
    assert job.status == "error"
    log = launch_log(live.settings, job.id)
    assert "malformed completion answered 400" in log
    message = await message_of(live, job)
    assert "\nexit status 1\n" in message
    assert "malformed completion answered 400" in message
    assert await artifacts_of(live, job) == 0


async def test_second_completion_is_refused_without_second_effect(live: Live) -> None:
    job = await run(live, "Complete twice", {"note": "x"})
    assert job.status == "success"
    await wait_for_exit(live, job)
    log = launch_log(live.settings, job.id).splitlines()
    assert "first completion answered 200" in log
    [second] = [line for line in log if line.startswith("second completion answered")]
    assert second.startswith("second completion answered 403: ")
    assert "Can't complete job: not in a running state" in second
    assert job.error_log_id is None


async def test_completion_with_an_undeclared_output_fails_without_artifact(live: Live) -> None:
    job = await run(live, "Unknown output", {"note": "x"})
    assert job.status == "error"
    assert await message_of(live, job) == (
        "The command 'Unknown output' has no output named 'no such output'."
    )
    assert await artifacts_of(live, job) == 0
    stray = live.settings.resolved_data_dir / "working_dir" / job.id / "stray.txt"
    assert stray.read_text() == "stray\n"


async def test_failed_validation_fails_the_job_and_creates_no_artifact(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "this line is invalid\n")
    upper = await command_id(services, "Line tools", "Upper case")
    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, upper, {"input_data": root}, user=owner.principal.account_id)
    done = await wait_for_status(services, job.id, "success", "error")
    assert done.status == "error", launch_log(live.settings, job.id)
    async with services.sessions() as session:
        validator = (
            await session.execute(
                select(ProcessingJob)
                .join(
                    ProcessingJobValidator,
                    ProcessingJobValidator.validator_id == ProcessingJob.id,
                )
                .where(ProcessingJobValidator.job_id == job.id)
            )
        ).scalar_one()
    output = live.settings.resolved_data_dir / "working_dir" / job.id / "upper.txt"
    reason = f"{output} is not a valid line_table"
    assert validator.status == "error"
    assert await message_of(live, validator) == reason
    assert await message_of(live, done) == (
        f"1 validator jobs failed: Validator {validator.id} error message: {reason}"
    )
    assert await artifacts_of(live, done) == 0
    assert output.read_text() == "THIS LINE IS INVALID\n"
