"""A transformation job run by real plugin processes, through to a released artifact.

The fixture plugins are registered from their configuration files by the server's
start-up, launched by the local launcher, and talk to a real uvicorn over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from sqlalchemy import func, select

from db.files import crc32_checksum
from db.models import (
    Account,
    Artifact,
    ArtifactParent,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    DataDirectory,
    FilepathType,
    Software,
    SoftwareArtifactType,
    StoredFile,
)
from gateway.plugin_loader import load_plugins, register_plugins
from resolvers.context import unit_of_work
from resolvers.events import Event
from resolvers.jobs.submission import submit_job
from tests.builders.accounts import token_for
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.job_rows import summary_job_of, validators_of
from tests.lifecycle.live import Live, command_id, launch_log, wait_for_status


async def test_registration_creates_types_commands_and_links(live: Live) -> None:
    async with live.services.sessions() as session:
        plugins = {
            (s.name, s.version): (s.type, s.active)
            for s in (await session.execute(select(Software))).scalars()
        }
        commands = sorted(
            (software, command, active)
            for software, command, active in await session.execute(
                select(Software.name, Command.name, Command.active).join(
                    Software, Software.id == Command.software_id
                )
            )
        )
        linked = (
            await session.execute(
                select(Software.name, ArtifactType.name)
                .join(SoftwareArtifactType, SoftwareArtifactType.software_id == Software.id)
                .join(ArtifactType, ArtifactType.id == SoftwareArtifactType.artifact_type_id)
            )
        ).all()
    assert plugins[("Line types", "1.0")] == ("artifact definition", True)
    assert plugins[("Line tools", "0.1")] == ("artifact transformation", True)
    assert [c for c in commands if c[0] == "Line types"] == [
        ("Line types", "Generate HTML summary", True),
        ("Line types", "Validate", True),
    ]
    assert len([c for c in commands if c[0] == "Line tools"]) == 8
    assert [tuple(row) for row in linked] == [("Line types", "line_table")]


async def test_transformation_job_ends_as_released_artifact_with_html_summary(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "alpha\nbeta\n")
    upper = await command_id(services, "Line tools", "Upper case")
    seen: list[Event] = []

    async def record() -> None:
        async for event in services.events.subscribe("job"):
            seen.append(event)

    recorder = asyncio.create_task(record())
    await asyncio.sleep(0)
    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, upper, {"input_data": root}, user=owner.principal.account_id)
        assert job.status == "queued"

    done = await wait_for_status(services, job.id, "success", "error")
    assert done.status == "success", launch_log(live.settings, job.id)
    assert done.launcher == "local"
    assert done.external_id is not None
    assert done.parameters == {"input_data": root, "suffix": "upper"}

    async with services.sessions() as session:
        artifact = (
            await session.execute(select(Artifact).where(Artifact.produced_by_job_id == job.id))
        ).scalar_one()
        parents = list(
            (
                await session.execute(
                    select(ArtifactParent.parent_id).where(
                        ArtifactParent.artifact_id == artifact.id
                    )
                )
            ).scalars()
        )
        validators = await validators_of(session, job.id)
        summary_job = await summary_job_of(session, artifact.id)
    assert artifact.name == "upper"
    assert artifact.command_id == upper
    assert artifact.command_parameters == {"input_data": root, "suffix": "upper"}
    assert artifact.prep_id == owner.prep_id
    assert parents == [root]
    assert [(v.status, v.parameters["artifact_type"]) for v in validators] == [
        ("success", "line_table")
    ]

    summary = await wait_for_status(services, summary_job.id, "success", "error")
    assert summary.status == "success", launch_log(live.settings, summary_job.id)
    assert summary.parameters == {"input_data": artifact.id}

    async with services.sessions() as session:
        files = (
            await session.execute(
                select(StoredFile, FilepathType.name, DataDirectory.mountpoint)
                .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
                .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
                .where(StoredFile.artifact_id == artifact.id)
                .order_by(StoredFile.id)
            )
        ).all()
    data_dir = live.settings.resolved_data_dir
    by_type = {kind: (row, data_dir / mount / row.relpath) for row, kind, mount in files}
    assert sorted(by_type) == ["html_summary", "plain_text"]
    table_row, table_path = by_type["plain_text"]
    assert table_path == data_dir / "line_table" / str(artifact.id) / "upper.txt"
    assert table_path.read_text() == "ALPHA\nBETA\n"
    assert table_row.checksum == crc32_checksum(table_path)
    assert table_row.size == len("ALPHA\nBETA\n")
    assert not (data_dir / "working_dir" / job.id / "upper.txt").exists()
    _, html_path = by_type["html_summary"]
    assert html_path.is_relative_to(data_dir / "line_table")
    assert html_path.read_text() == "<h1>upper</h1><p>2 lines</p>"

    recorder.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await recorder
    statuses = [e.data.get("status") for e in seen if e.key == job.id and "status" in e.data]
    changes = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert changes == ["in_construction", "queued", "running", "success"]
    mine = [e.data for e in seen if e.key == job.id]
    assert {"external_id": done.external_id} in mine
    assert any(data.get("heartbeat") for data in mine)
    assert any(data.get("step") == "Step 1 of 1: Upper-casing" for data in mine)


async def test_reregistration_updates_changed_command_definitions(live: Live) -> None:
    services = live.services
    upper = await command_id(services, "Line tools", "Upper case")
    async with services.sessions() as session:
        outputs_before = list(
            (
                await session.execute(
                    select(CommandOutput.id).where(CommandOutput.command_id == upper)
                )
            ).scalars()
        )
    config = live.settings.resolved_plugins_dir / "Line tools_0.1.conf"
    config.write_text(
        config.read_text().replace(
            "export PLUGIN_LOAD='100%'", "export PLUGIN_LOAD='100%' LINE_TOOLS_VARIANT=2"
        )
    )
    report = await load_plugins(services)
    await register_plugins(services, report)
    assert report.errors == []
    assert report.registered == ["Line types 1.0", "Line tools 0.1"]

    async with services.sessions() as session:
        parameters = {
            row.name: (row.type, row.required, row.default_value)
            for row in (
                await session.execute(
                    select(CommandParameter).where(CommandParameter.command_id == upper)
                )
            ).scalars()
        }
        outputs_after = list(
            (
                await session.execute(
                    select(CommandOutput.id).where(CommandOutput.command_id == upper)
                )
            ).scalars()
        )
        commands = (await session.execute(select(func.count()).select_from(Command))).scalar_one()
    assert await command_id(services, "Line tools", "Upper case") == upper
    assert parameters == {
        "input_data": ("artifact", True, None),
        "suffix": ("string", False, "shout"),
        "repeat": ("integer", False, "1"),
    }
    assert outputs_after == outputs_before
    assert commands == 10


SUBMIT_JOB = """
mutation Submit($input: SubmitJobInput!) {
  submitJob(input: $input) { job { jobId status } userErrors { field message } }
}
"""


async def test_graphql_submit_job_is_launched_and_runs_to_success(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "x\n")
    upper = await command_id(services, "Line tools", "Upper case")
    async with services.sessions() as session:
        account = await session.get(Account, owner.principal.account_id)
    assert account is not None
    token = await token_for(services, "user", account=account)
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": SUBMIT_JOB,
                "variables": {
                    "input": {"commandId": str(upper), "parameters": {"input_data": root}}
                },
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        bad = await http.post(
            "/graphql",
            json={
                "query": SUBMIT_JOB,
                "variables": {
                    "input": {"commandId": str(upper), "parameters": {"input_data": "x"}}
                },
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    payload = response.json()["data"]["submitJob"]
    assert payload["userErrors"] == []
    assert payload["job"]["status"] == "QUEUED"
    assert bad.json()["data"]["submitJob"] == {
        "job": None,
        "userErrors": [
            {
                "field": ["input", "parameters", "input_data"],
                "message": "Parameter 'input_data' must be an artifact id, got 'x'",
            }
        ],
    }
    done = await wait_for_status(services, payload["job"]["jobId"], "success", "error")
    assert done.status == "success", launch_log(live.settings, done.id)


async def test_workflow_child_starts_on_its_parents_released_output(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "a\n")
    upper = await command_id(services, "Line tools", "Upper case")
    user = owner.principal.account_id
    assert user is not None
    async with unit_of_work(services, owner.principal) as ctx:
        parent = await submit_job(ctx, upper, {"input_data": root}, user=user)
        child = await submit_job(
            ctx, upper, {"input_data": [parent.id, "upper"], "suffix": "again"}, user=user
        )
        assert child.status == "waiting"

    done = await wait_for_status(services, child.id, "success", "error")
    assert done.status == "success", launch_log(live.settings, child.id)
    async with services.sessions() as session:
        produced = {
            row.produced_by_job_id: row
            for row in (
                await session.execute(
                    select(Artifact).where(Artifact.produced_by_job_id.in_([parent.id, child.id]))
                )
            ).scalars()
        }
        child_parents = list(
            (
                await session.execute(
                    select(ArtifactParent.parent_id).where(
                        ArtifactParent.artifact_id == produced[child.id].id
                    )
                )
            ).scalars()
        )
    assert done.parameters["input_data"] == str(produced[parent.id].id)
    assert done.pending is None
    assert child_parents == [produced[parent.id].id]
    text = live.settings.resolved_data_dir / "line_table" / str(produced[child.id].id) / "again.txt"
    assert text.read_text() == "A\n"
