"""`POST /qiita_db/jobs/<id>/complete/` and what follows (plugin-api.md §3.4, lifecycle §5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from db.models import Artifact, ArtifactParent, ProcessingJob, ProcessingJobValidator, StoredFile
from resolvers.context import Principal, Services, unit_of_work
from resolvers.jobs.cancellation import cancel_job
from resolvers.plugins import command_definitions, commands
from tests.builders.accounts import bearer
from tests.builders.world import (
    SYSTEM,
    World,
    completion,
    job_dir,
    make_job_for,
    make_world_job,
    mount_of,
    write_file,
)
from tests.rest_compat.media import HTML, JSON

NOT_RUNNING = {"message": "Can't complete job: not in a running state"}


async def fetch_job(client: httpx.AsyncClient, world: World, job_id: str) -> dict[str, Any]:
    response = await client.get(f"/qiita_db/jobs/{job_id}", headers=bearer(world.system_token))
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


async def complete(
    client: httpx.AsyncClient, job_id: str, body: str | bytes, token: str
) -> httpx.Response:
    """As qiita_client posts it: a pre-serialised body and no Content-Type."""
    content = body.encode() if isinstance(body, str) else body
    return await client.post(
        f"/qiita_db/jobs/{job_id}/complete/", content=content, headers=bearer(token)
    )


async def validators_of(services: Services, job_id: str) -> list[ProcessingJob]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(ProcessingJob)
            .join(ProcessingJobValidator, ProcessingJobValidator.validator_id == ProcessingJob.id)
            .where(ProcessingJobValidator.job_id == job_id)
            .order_by(ProcessingJob.created_at, ProcessingJob.id)
        )
        return list(rows.scalars())


def deblur_outputs(services: Services, job_id: str) -> dict[str, list[tuple[Path, str]]]:
    folder = job_dir(services, job_id)
    return {
        "deblur final table": [(write_file(folder / "final.biom", "final"), "biom")],
        "deblur reference hit table": [(write_file(folder / "hits.biom", "hits"), "biom")],
    }


async def run_validator(
    client: httpx.AsyncClient, world: World, validator: ProcessingJob, *, success: bool = True
) -> httpx.Response:
    """The type plugin's side of a Validate job: heartbeat, then complete with its files."""
    token = world.type_plugin.token
    beat = await client.post(f"/qiita_db/jobs/{validator.id}/heartbeat/", headers=bearer(token))
    assert beat.status_code == 200
    files = json.loads(validator.parameters["files"])
    if not success:
        body = json.dumps({"success": False, "error": "Bad BIOM", "artifacts": None})
        return await complete(client, validator.id, body, token)
    report = {
        "success": True,
        "error": "",
        "artifacts": {
            "validated": {
                "artifact_type": validator.parameters["artifact_type"],
                "filepaths": [[p, t] for t, paths in files.items() for p in paths],
                "archive": {},
            }
        },
    }
    return await complete(client, validator.id, json.dumps(report), token)


async def test_success_without_artifacts_sets_success(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    body = json.dumps({"success": True, "error": "", "artifacts": None})
    response = await complete(client, job_id, body, world.deblur.token)
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    assert response.content == b""
    assert (await fetch_job(client, world, job_id))["status"] == "success"


async def test_failure_sets_error_with_the_message(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    body = json.dumps(
        {"success": False, "error": "Error executing Deblur:\nboom", "artifacts": None}
    )
    response = await complete(client, job_id, body, world.deblur.token)
    assert response.status_code == 200
    job = await fetch_job(client, world, job_id)
    assert (job["status"], job["msg"]) == ("error", "Error executing Deblur:\nboom")


async def test_complete_when_not_running_is_403(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for status in ("queued", "success", "error", "waiting"):
        job_id = await make_world_job(services, world, status=status)
        body = json.dumps({"success": True, "error": "", "artifacts": None})
        response = await complete(client, job_id, body, world.deblur.token)
        assert response.status_code == 403
        assert response.headers["content-type"] == JSON
        assert response.json() == NOT_RUNNING
        assert (await fetch_job(client, world, job_id))["status"] == status


MALFORMED_REPORTS = [
    (b"not json", "The request body is not valid JSON: "),
    (b"[1, 2]", "Invalid completion payload: the body must be a JSON object"),
    (b'{"error": ""}', "Invalid completion payload: missing key 'success'"),
    (b'{"success": "yes"}', "Invalid completion payload: 'success' must be true or false"),
    (
        b'{"success": true, "artifacts": {"t": {"artifact_type": "BIOM", "filepaths": [1]}}}',
        "Invalid completion payload: artifacts['t'].filepaths must be a list of "
        "[path, filepath_type]",
    ),
]


async def test_malformed_report_is_400_and_job_stays_running(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for body, message in MALFORMED_REPORTS:
        job_id = await make_world_job(services, world, status="running")
        response = await complete(client, job_id, body, world.deblur.token)
        assert response.status_code == 400
        assert response.headers["content-type"] == JSON
        assert response.json()["message"].startswith(message)
        job = await fetch_job(client, world, job_id)
        assert (job["status"], job["msg"]) == ("running", "")


async def test_unknown_job_is_404(client: httpx.AsyncClient, world: World) -> None:
    response = await complete(client, "nope", b"{}", world.deblur.token)
    assert response.status_code == 404
    assert response.json() == {"message": "Job not found: nope"}


async def test_outputs_become_queued_validator_jobs(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    outputs = deblur_outputs(services, job_id)
    response = await complete(client, job_id, completion(outputs), world.deblur.token)
    assert response.status_code == 200
    validators = await validators_of(services, job_id)
    assert [v.status for v in validators] == ["queued", "queued"]
    by_name = {json.loads(v.parameters["provenance"])["name"]: v for v in validators}
    assert set(by_name) == {"deblur final table 150", "deblur reference hit table 150"}
    final = by_name["deblur final table 150"]
    assert final.parameters["artifact_type"] == "BIOM"
    assert final.parameters["template"] == world.prep_id
    assert final.parameters["analysis"] is None
    assert final.parameters["name"] == "dflt_name"
    assert json.loads(final.parameters["files"]) == {
        "biom": [str(outputs["deblur final table"][0][0])]
    }
    job = await fetch_job(client, world, job_id)
    assert job["status"] == "running"
    validator_job = await fetch_job(client, world, final.id)
    assert validator_job["command"] == "Validate"
    async with services.sessions() as session:
        step = (await session.get(ProcessingJob, job_id)).step  # type: ignore[union-attr]
    ids = [v.id for v in validators]
    assert step == (
        f"Validating outputs (2 remaining) via job(s) {ids[0]} [Not Available], "
        f"{ids[1]} [Not Available]"
    )


async def test_second_complete_is_403_without_second_effect(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    body = completion(deblur_outputs(services, job_id))
    assert (await complete(client, job_id, body, world.deblur.token)).status_code == 200
    again = await complete(client, job_id, body, world.deblur.token)
    assert again.status_code == 403
    assert again.json() == NOT_RUNNING
    assert len(await validators_of(services, job_id)) == 2


async def test_released_validators_become_artifacts_in_the_type_mountpoint(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    outputs = deblur_outputs(services, job_id)
    await complete(client, job_id, completion(outputs), world.deblur.token)
    first, second = await validators_of(services, job_id)

    assert (await run_validator(client, world, first)).status_code == 200
    assert (await fetch_job(client, world, first.id))["status"] == "waiting"
    assert (await fetch_job(client, world, job_id))["status"] == "running"

    assert (await run_validator(client, world, second)).status_code == 200
    assert (await fetch_job(client, world, job_id))["status"] == "success"
    assert (await fetch_job(client, world, first.id))["status"] == "success"
    assert (await fetch_job(client, world, second.id))["status"] == "success"

    biom_mount = await mount_of(services, "BIOM")
    async with services.sessions() as session:
        created = list(
            (
                await session.execute(
                    select(Artifact).where(Artifact.produced_by_job_id == job_id)
                    .order_by(Artifact.id)
                )
            ).scalars()
        )  # fmt: skip
        assert sorted(a.name for a in created) == [
            "deblur final table 150",
            "deblur reference hit table 150",
        ]
        for artifact in created:
            assert artifact.study_id == world.study_id
            assert artifact.prep_id == world.prep_id
            assert artifact.visibility == "sandbox"
            assert artifact.command_id == world.deblur_command_id
            assert artifact.command_parameters == {
                "Demultiplexed sequences": world.fastq_id, "Threads": "1", "Trim length": "150",
            }  # fmt: skip
            parents = (
                await session.execute(
                    select(ArtifactParent.parent_id).where(
                        ArtifactParent.artifact_id == artifact.id
                    )
                )
            ).scalars()
            assert list(parents) == [world.fastq_id]
            stored = (
                await session.execute(
                    select(StoredFile).where(StoredFile.artifact_id == artifact.id)
                )
            ).scalar_one()
            moved = biom_mount / stored.relpath
            assert moved.parent == biom_mount / str(artifact.id)
            assert moved.is_file()
            assert stored.size == moved.stat().st_size
    for files in outputs.values():
        assert not files[0][0].exists()


async def test_a_failed_validator_fails_its_sisters_and_the_job(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    await complete(client, job_id, completion(deblur_outputs(services, job_id)), world.deblur.token)
    first, second = await validators_of(services, job_id)
    await run_validator(client, world, first)
    await run_validator(client, world, second, success=False)
    detail = f"Validator {second.id} error message: Bad BIOM"
    job = await fetch_job(client, world, job_id)
    assert (job["status"], job["msg"]) == ("error", f"1 validator jobs failed: {detail}")
    sister = await fetch_job(client, world, first.id)
    assert (sister["status"], sister["msg"]) == (
        "error",
        f"1 sister validator jobs failed: {detail}",
    )
    async with services.sessions() as session:
        made = await session.execute(
            select(Artifact.id).where(Artifact.produced_by_job_id == job_id)
        )
        assert made.first() is None


async def test_cancelling_the_last_pending_validator_fails_the_job(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    await complete(client, job_id, completion(deblur_outputs(services, job_id)), world.deblur.token)
    first, second = await validators_of(services, job_id)
    await run_validator(client, world, first)
    owner = Principal(kind="user", account_id=world.owner_id, email=world.owner_email, level="user")
    async with unit_of_work(services, owner) as ctx:
        await cancel_job(ctx, second.id)
    detail = f"Validator {second.id} error message: Cancelled by {world.owner_email}."
    job = await fetch_job(client, world, job_id)
    assert (job["status"], job["msg"]) == ("error", f"1 validator jobs failed: {detail}")
    sister = await fetch_job(client, world, first.id)
    assert (sister["status"], sister["msg"]) == (
        "error",
        f"1 sister validator jobs failed: {detail}",
    )


async def test_unknown_output_name_ends_the_job_in_error(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    path = write_file(job_dir(services, job_id) / "x.biom")
    response = await complete(
        client, job_id, completion({"no such output": [(path, "biom")]}), world.deblur.token
    )
    assert response.status_code == 200
    job = await fetch_job(client, world, job_id)
    assert (job["status"], job["msg"]) == (
        "error",
        "The command 'Deblur' has no output named 'no such output'.",
    )
    assert await validators_of(services, job_id) == []


async def test_missing_file_at_release_fails_validator_and_job(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    outputs = deblur_outputs(services, job_id)
    await complete(client, job_id, completion(outputs), world.deblur.token)
    first, second = await validators_of(services, job_id)
    await run_validator(client, world, first)
    missing = outputs["deblur reference hit table"][0][0]
    missing.unlink()
    await run_validator(client, world, second)
    validator = await fetch_job(client, world, second.id)
    assert validator["status"] == "error"
    assert validator["msg"] == f"No such file or directory: {missing}"
    job = await fetch_job(client, world, job_id)
    assert job["status"] == "error"
    assert job["msg"].startswith("1 validator jobs failed: ")
    # the first output's file was moved back and its rows are gone with the undone release
    assert outputs["deblur final table"][0][0].is_file()
    async with services.sessions() as session:
        made = await session.execute(
            select(Artifact.id).where(Artifact.produced_by_job_id == job_id)
        )
        assert made.first() is None
        files = await session.execute(
            select(StoredFile.id).where(StoredFile.relpath.like("%.biom"))
        )
        assert files.first() is None


async def add_demux_command(services: Services, world: World) -> int:
    definition = command_definitions.CommandDefinition(
        name="Split libraries",
        description="Demultiplexes",
        required_parameters={"input": ['artifact:["FASTQ"]', None]},
        optional_parameters={},
        outputs={"demultiplexed": "Demultiplexed"},
    )
    async with unit_of_work(services, SYSTEM) as ctx:
        command = await commands.create_command(
            ctx, world.deblur.name, world.deblur.version, definition
        )
        return command.id


async def test_output_without_type_plugin_is_checked_by_the_server(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    await add_demux_command(services, world)
    job_id = await make_job_for(
        services, world.deblur.name, world.deblur.version, "Split libraries", world.owner_id,
        {"input": world.fastq_id}, status="running",
    )  # fmt: skip
    folder = job_dir(services, job_id)
    fasta = write_file(folder / "seqs.fna")
    body = completion({"demultiplexed": [(fasta, "preprocessed_fasta")]}, "Demultiplexed")
    assert (await complete(client, job_id, body, world.deblur.token)).status_code == 200
    job = await fetch_job(client, world, job_id)
    assert job["status"] == "error"
    assert job["msg"] == (
        "Missing required filepath type(s) for artifact type Demultiplexed: preprocessed_fastq"
    )
    assert fasta.exists()

    job_id = await make_job_for(
        services, world.deblur.name, world.deblur.version, "Split libraries", world.owner_id,
        {"input": world.fastq_id}, status="running",
    )  # fmt: skip
    folder = job_dir(services, job_id)
    files = [(write_file(folder / "seqs.fna"), "preprocessed_fasta"),
             (write_file(folder / "seqs.fastq"), "preprocessed_fastq")]  # fmt: skip
    body = completion({"demultiplexed": files}, "Demultiplexed")
    assert (await complete(client, job_id, body, world.deblur.token)).status_code == 200
    assert (await fetch_job(client, world, job_id))["status"] == "success"
    assert await validators_of(services, job_id) == []
    async with services.sessions() as session:
        artifact = (
            await session.execute(select(Artifact).where(Artifact.produced_by_job_id == job_id))
        ).scalar_one()
        assert (artifact.name, artifact.visibility) == ("demultiplexed", "sandbox")
