"""Job submission: parameter checks, queueing for launch, workflow children, the dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.models import (
    Artifact,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
)
from gateway.dispatcher import Dispatcher
from gateway.launchers.local import LocalLauncher
from resolvers.context import Principal, Services, unit_of_work
from resolvers.errors import Conflict, Invalid
from resolvers.jobs.lifecycle import fail_job
from resolvers.jobs.submission import (
    AWAITING_LAUNCH,
    settle_waiting_children,
    submit_job,
    submit_jobs,
    submit_ready_children,
)
from tests.builders.jobs import make_job
from tests.builders.plugins import make_runnable_command
from tests.lifecycle.job_rows import read_job
from tests.lifecycle.live import wait_for_status

SYSTEM = Principal(kind="system")

PARAMETERS = [
    # name, type, required, default
    ("input_data", "artifact", True, None),
    ("label", "string", True, None),
    ("threads", "integer", False, "1"),
    ("similarity", "float", False, "0.97"),
    ("mode", 'choice:["fast", "slow"]', False, "fast"),
    ("tags", 'mchoice:["a", "b", "c"]', False, '["a"]'),
    ("flag", "boolean", False, "False"),
]


async def type_id(services: Services, name: str) -> int:
    async with services.sessions() as session:
        query = select(ArtifactType.id).where(ArtifactType.name == name)
        return (await session.execute(query)).scalar_one()


async def add_artifact(services: Services, type_name: str, **values: Any) -> int:
    artifact_type = await type_id(services, type_name)
    async with unit_of_work(services) as ctx:
        artifact = Artifact(artifact_type_id=artifact_type, data_type_id=1, **values)
        ctx.session.add(artifact)
        await ctx.session.flush()
        return artifact.id


async def typed_command(services: Services, **command: Any) -> tuple[int, int]:
    """A command with every kind of parameter (its artifact input takes BIOM) and an output."""
    command_id, user = await make_runnable_command(services, **command)
    biom = await type_id(services, "BIOM")
    async with unit_of_work(services) as ctx:
        for position, (name, kind, required, default) in enumerate(PARAMETERS):
            row = CommandParameter(
                command_id=command_id, name=name, type=kind, required=required,
                default_value=default, position=position,
            )  # fmt: skip
            ctx.session.add(row)
            await ctx.session.flush()
            if kind == "artifact":
                ctx.session.add(
                    CommandParameterArtifactType(parameter_id=row.id, artifact_type_id=biom)
                )
        ctx.session.add(CommandOutput(command_id=command_id, name="table", artifact_type_id=biom))
    return command_id, user


async def submit(services: Services, command: int, user: int, values: dict[str, Any]) -> str:
    async with unit_of_work(services, SYSTEM) as ctx:
        return (await submit_job(ctx, command, values, user=user)).id


async def count_jobs(services: Services) -> int:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(ProcessingJob))).scalar_one()


async def test_submitted_job_is_queued_for_launch_with_defaults_and_inputs(
    services: Services,
) -> None:
    command, user = await typed_command(services)
    biom = await add_artifact(services, "BIOM")
    job_id = await submit(services, command, user, {"input_data": biom, "label": "x"})
    job = await read_job(services, job_id)
    assert (job.status, job.launcher, job.external_id) == ("queued", AWAITING_LAUNCH, None)
    assert job.parameters == {
        "input_data": biom,
        "label": "x",
        "threads": "1",
        "similarity": "0.97",
        "mode": "fast",
        "tags": ["a"],
        "flag": "False",
    }
    async with services.sessions() as session:
        inputs = (
            await session.execute(
                select(ProcessingJobInput.artifact_id).where(ProcessingJobInput.job_id == job_id)
            )
        ).scalars()
        assert list(inputs) == [biom]


async def test_values_are_stored_as_given(services: Services) -> None:
    command, user = await typed_command(services)
    biom = await add_artifact(services, "BIOM")
    values = {
        "input_data": str(biom), "label": "x", "threads": 4, "similarity": "0.5",
        "mode": "slow", "tags": ["b", "c"], "flag": True,
    }  # fmt: skip
    job = await read_job(services, await submit(services, command, user, values))
    assert job.parameters == values


BAD_PARAMETERS: list[tuple[dict[str, Any], str, str]] = [
    ({"label": "x"}, "input_data",
     "Missing required parameter 'input_data' of command 'Run'"),
    ({"input_data": "FASTQ", "label": "x"}, "input_data", "accepts artifacts of type BIOM"),
    ({"input_data": 999999, "label": "x"}, "input_data",
     "Parameter 'input_data': artifact 999999 does not exist"),
    ({"input_data": "BIOM", "label": "x", "threads": "many"}, "threads",
     "Parameter 'threads' must be an integer, got 'many'"),
    ({"input_data": "BIOM", "label": "x", "threads": True}, "threads",
     "Parameter 'threads' must be an integer, got True"),
    ({"input_data": "BIOM", "label": "x", "similarity": "high"}, "similarity",
     "Parameter 'similarity' must be a number, got 'high'"),
    ({"input_data": "BIOM", "label": "x", "mode": "medium"}, "mode",
     "Parameter 'mode' must be one of ['fast', 'slow'], got 'medium'"),
    ({"input_data": "BIOM", "label": "x", "tags": ["a", "z"]}, "tags",
     "Parameter 'tags' must be one of ['a', 'b', 'c'], got 'z'"),
    ({"input_data": "BIOM", "label": "x", "flag": "maybe"}, "flag",
     "Parameter 'flag' must be a boolean, got 'maybe'"),
    ({"input_data": "BIOM", "label": 5}, "label", "Parameter 'label' must be a string, got 5"),
    ({"input_data": "BIOM", "label": "x", "colour": "red"}, "colour",
     "Unknown parameter(s) for command 'Run': colour"),
]  # fmt: skip


async def test_bad_parameters_are_refused_before_anything_is_queued(services: Services) -> None:
    command, user = await typed_command(services)
    artifacts = {"FASTQ": await add_artifact(services, "FASTQ"),
                 "BIOM": await add_artifact(services, "BIOM")}  # fmt: skip
    for values, field, message in BAD_PARAMETERS:
        given = {k: artifacts.get(v, v) if k == "input_data" else v for k, v in values.items()}
        with pytest.raises(Invalid) as caught:
            await submit(services, command, user, given)
        assert (caught.value.field, message in caught.value.message) == (field, True), values
    assert await count_jobs(services) == 0


async def test_inactive_command_is_refused(services: Services) -> None:
    command, user = await typed_command(services)
    async with unit_of_work(services) as ctx:
        row = await ctx.session.get(Command, command)
        assert row is not None
        row.active = False
    with pytest.raises(Conflict) as caught:
        await submit(services, command, user, {"label": "x"})
    assert caught.value.message == "Command 'Run' is not active: its plugin must register it."


async def test_only_unstarted_jobs_can_be_submitted(services: Services) -> None:
    command, user = await make_runnable_command(services)
    running = (await make_job(services, command, user, status="running")).id
    with pytest.raises(Conflict) as caught:
        async with unit_of_work(services, SYSTEM) as ctx:
            await submit_jobs(ctx, [running])
    assert caught.value.message == (
        "Can't submit job, not in 'in_construction' or 'waiting' status. Current status: running"
    )


async def test_workflow_child_waits_then_starts_with_the_parents_output(
    services: Services,
) -> None:
    command, user = await typed_command(services)
    biom = await add_artifact(services, "BIOM")
    parent = await submit(services, command, user, {"input_data": biom, "label": "p"})
    child = await submit(services, command, user, {"input_data": [parent, "table"], "label": "c"})
    waiting = await read_job(services, child)
    assert (waiting.status, waiting.launcher) == ("waiting", None)
    assert waiting.pending == {parent: {"input_data": "table"}}
    async with services.sessions() as session:
        edges = (await session.execute(select(ProcessingJobParent))).scalars()
        assert [(e.parent_id, e.child_id) for e in edges] == [(parent, child)]

    async with services.sessions() as session:
        output = (
            await session.execute(
                select(CommandOutput.id).where(CommandOutput.command_id == command)
            )
        ).scalar_one()
    produced = await add_artifact(
        services, "BIOM", produced_by_job_id=parent, command_output_id=output
    )
    async with unit_of_work(services, SYSTEM) as ctx:
        started = await submit_ready_children(ctx, await read_job(services, parent))
    assert [job.id for job in started] == [child]
    ready = await read_job(services, child)
    assert (ready.status, ready.launcher, ready.pending) == ("queued", AWAITING_LAUNCH, None)
    assert ready.parameters["input_data"] == str(produced)


async def test_workflow_child_fails_with_its_parent(services: Services) -> None:
    command, user = await typed_command(services)
    biom = await add_artifact(services, "BIOM")
    parent = await submit(services, command, user, {"input_data": biom, "label": "p"})
    child = await submit(services, command, user, {"input_data": [parent, "table"], "label": "c"})
    async with unit_of_work(services, SYSTEM) as ctx:
        await fail_job(ctx, parent, "boom")
    assert (await read_job(services, child)).status == "error"
    with pytest.raises(Invalid) as caught:
        await submit(services, command, user, {"input_data": [parent, "table"], "label": "d"})
    assert caught.value.message == f"Parameter 'input_data': parent job '{parent}' failed"


@pytest.fixture
async def dispatcher(services: Services) -> AsyncIterator[Dispatcher]:
    launcher = LocalLauncher(1)
    dispatcher = Dispatcher(services, launcher)
    launcher.on_exit = dispatcher.on_process_exit
    yield dispatcher
    await launcher.close()


async def test_dispatcher_launches_submitted_jobs_in_order_within_its_slots(
    services: Services, dispatcher: Dispatcher, tmp_path: Path
) -> None:
    start = tmp_path / "start_sleeping"
    start.write_text("#!/bin/bash\nexec sleep 30\n")
    start.chmod(0o755)
    command, user = await make_runnable_command(services, start_script=str(start))
    forced = (await make_job(services, command, user, status="queued")).id
    async with unit_of_work(services, SYSTEM) as ctx:
        first = (await submit_job(ctx, command, {}, user=user)).id
    async with unit_of_work(services, SYSTEM) as ctx:
        second = (await submit_job(ctx, command, {}, user=user)).id

    assert await dispatcher.dispatch_once() == 1
    launched = await read_job(services, first)
    assert (launched.launcher, launched.status) == ("local", "queued")
    assert launched.external_id is not None
    assert (await read_job(services, second)).launcher == AWAITING_LAUNCH
    assert (await read_job(services, forced)).launcher is None
    assert await dispatcher.dispatch_once() == 0
    assert await dispatcher.launch(first) is False

    await dispatcher.launcher.cancel(launched.external_id, job_id=first)
    failed = await wait_for_status(services, first, "error", within=20)
    assert failed.status == "error"


async def test_children_left_waiting_behind_finished_parents_are_settled(
    services: Services,
) -> None:
    command, user = await typed_command(services)
    biom = await add_artifact(services, "BIOM")
    succeeded = await submit(services, command, user, {"input_data": biom, "label": "p"})
    failed = await submit(services, command, user, {"input_data": biom, "label": "q"})
    late = await submit(services, command, user, {"input_data": [succeeded, "table"], "label": "c"})
    orphan = await submit(services, command, user, {"input_data": [failed, "table"], "label": "d"})
    async with services.sessions() as session:
        output = (
            await session.execute(
                select(CommandOutput.id).where(CommandOutput.command_id == command)
            )
        ).scalar_one()
    produced = await add_artifact(
        services, "BIOM", produced_by_job_id=succeeded, command_output_id=output
    )
    async with unit_of_work(services, SYSTEM) as ctx:
        await ctx.session.execute(
            update(ProcessingJob).where(ProcessingJob.id == succeeded).values(status="success")
        )
        await ctx.session.execute(
            update(ProcessingJob).where(ProcessingJob.id == failed).values(status="error")
        )
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await settle_waiting_children(ctx) == 2
    started = await read_job(services, late)
    assert (started.status, started.parameters["input_data"]) == ("queued", str(produced))
    assert (await read_job(services, orphan)).status == "error"
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await settle_waiting_children(ctx) == 0
