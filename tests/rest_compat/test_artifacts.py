"""`/qiita_db/artifacts/<id>/` GET and PATCH, and `/qiita_db/artifact/` (plugin-api.md §4.3-4.5)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
from sqlalchemy import func, select

from db.models import ProcessingJob, StoredFile
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.studies import make_study_with_prep
from tests.builders.world import World, make_world_job, mount_of, refusal, write_file
from tests.rest_compat.media import HTML, JSON
from tests.rest_compat.test_completion import complete, fetch_job, run_validator, validators_of

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$")


async def job_count(services: Services) -> int:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(ProcessingJob))).scalar_one()


async def test_get_artifact_reports_every_field(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    response = await client.get(
        f"/qiita_db/artifacts/{world.fastq_id}/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert TIMESTAMP.match(body.pop("timestamp"))
    folder = await mount_of(services, "FASTQ") / str(world.fastq_id)
    assert body == {
        "name": "Raw data 1",
        "visibility": "sandbox",
        "type": "FASTQ",
        "data_type": "16S",
        "can_be_submitted_to_ebi": False,
        "can_be_submitted_to_vamps": False,
        "ebi_run_accessions": None,
        "is_submitted_to_vamps": None,
        "prep_information": [world.prep_id],
        "study": world.study_id,
        "analysis": None,
        "parents": [],
        "processing_parameters": None,
        "files": {
            "raw_forward_seqs": [{"filepath": str(folder / "s1_R1.fastq"), "size": 16}],
            "raw_barcodes": [{"filepath": str(folder / "s1_I1.fastq"), "size": 16}],
        },
    }


async def test_get_unknown_or_malformed_artifact_is_404(
    client: httpx.AsyncClient, world: World
) -> None:
    for text, message in [
        ("999", "Artifact not found: 999"),
        ("x1", "Artifact not found: x1"),
    ]:
        response = await client.get(
            f"/qiita_db/artifacts/{text}/", headers=bearer(world.deblur.token)
        )
        assert response.status_code == 404
        assert response.json() == {"message": message}


async def summary_files(services: Services, artifact_id: int) -> list[str]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(StoredFile.relpath)
            .where(StoredFile.artifact_id == artifact_id)
            .order_by(StoredFile.id)
        )
        return list(rows.scalars())


async def test_patch_html_summary_moves_the_file_in(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    html = write_file(services.settings.resolved_data_dir / "working_dir" / "j" / "index.html")
    response = await client.patch(
        f"/qiita_db/artifacts/{world.fastq_id}/",
        data={"op": "add", "path": "/html_summary/", "value": str(html)},
        headers=bearer(world.type_plugin.token),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    assert response.content == b""
    assert not html.exists()
    relpaths = await summary_files(services, world.fastq_id)
    assert f"{world.fastq_id}/index.html" in relpaths
    assert (await mount_of(services, "FASTQ") / str(world.fastq_id) / "index.html").is_file()


async def test_patch_replaces_the_previous_summary_with_html_and_dir(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    base = services.settings.resolved_data_dir / "working_dir"
    first = write_file(base / "a" / "first.html")
    url = f"/qiita_db/artifacts/{world.fastq_id}/"
    headers = bearer(world.type_plugin.token)
    data = {"op": "add", "path": "html_summary", "value": str(first)}
    assert (await client.patch(url, data=data, headers=headers)).status_code == 200
    second = write_file(base / "b" / "second.html")
    support = base / "b" / "support"
    write_file(support / "style.css")
    value = json.dumps({"html": str(second), "dir": str(support)})
    response = await client.patch(
        url, data={"op": "add", "path": "//html_summary//", "value": value}, headers=headers
    )
    assert response.status_code == 200
    folder = await mount_of(services, "FASTQ") / str(world.fastq_id)
    relpaths = await summary_files(services, world.fastq_id)
    assert f"{world.fastq_id}/first.html" not in relpaths
    assert {f"{world.fastq_id}/second.html", f"{world.fastq_id}/support"} <= set(relpaths)
    assert not (folder / "first.html").exists()
    assert (folder / "support" / "style.css").is_file()


BAD_PATCHES = [
    ({"path": "/html_summary/", "value": "x"}, 400, "Missing argument op"),
    ({"op": "add", "value": "x"}, 400, "Missing argument path"),
    ({"op": "add", "path": "/html_summary/"}, 400, "Missing argument value"),
    (
        {"op": "replace", "path": "/html_summary/", "value": "x"},
        400,
        {"message": 'Operation "replace" not supported. Current supported operations: add'},
    ),
    (
        {"op": "add", "path": "/html_summary/extra/", "value": "x"},
        400,
        {"message": "Incorrect path parameter value"},
    ),
    (
        {"op": "add", "path": "/html_summary/", "value": '{"dir": null}'},
        400,
        {"message": 'The value must be a path or {"html": <path>, "dir": <path or null>}.'},
    ),
]


async def test_patch_rejects_bad_fields(client: httpx.AsyncClient, world: World) -> None:
    for data, status, body in BAD_PATCHES:
        response = await client.patch(
            f"/qiita_db/artifacts/{world.fastq_id}/", data=data, headers=bearer(world.deblur.token)
        )
        assert response.status_code == status
        if isinstance(body, str):
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == body
        else:
            assert response.json() == body


async def test_patch_with_missing_file_or_outside_path_changes_nothing(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    url = f"/qiita_db/artifacts/{world.fastq_id}/"
    missing = services.settings.resolved_data_dir / "working_dir" / "none.html"
    response = await client.patch(
        url, data={"op": "add", "path": "/html_summary/", "value": str(missing)},
        headers=bearer(world.deblur.token),
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"message": f"No such file or directory: {missing}"}
    outside = write_file(tmp_path / "elsewhere" / "x.html")
    response = await client.patch(
        url, data={"op": "add", "path": "/html_summary/", "value": str(outside)},
        headers=bearer(world.deblur.token),
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json() == refusal(services, outside)
    assert outside.exists()
    assert len(await summary_files(services, world.fastq_id)) == 2


def inject_fields(world: World, files: dict[str, list[str]], **extra: str) -> dict[str, str]:
    return {
        "user_email": world.owner_email,
        "artifact_type": "BIOM",
        "files": json.dumps(files),
        **extra,
    }


async def test_inject_into_a_preparation_creates_a_validator_then_the_artifact(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    # A second preparation without artifact, to receive the injected one.
    _, prep_id = await make_study_with_prep(services, world.owner_id, ["A1"])
    table = write_file(services.settings.resolved_data_dir / "uploads" / "t" / "table.biom")
    response = await client.post(
        "/qiita_db/artifact/",
        data=inject_fields(
            world, {"biom": [str(table)]}, prep_id=str(prep_id), command_artifact_name="My table"
        ),
        headers=bearer(world.deblur.token),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    validator_id = response.json()["job_id"]
    job = await fetch_job(client, world, validator_id)
    assert job["command"] == "Validate"
    assert job["status"] == "queued"
    assert job["parameters"] == {
        "analysis": None,
        "artifact_type": "BIOM",
        "files": json.dumps({"biom": [str(table)]}),
        "name": "My table",
        "provenance": None,
        "template": prep_id,
    }
    async with services.sessions() as session:
        validator = await session.get(ProcessingJob, validator_id)
    assert validator is not None
    await run_validator(client, world, validator)
    assert (await fetch_job(client, world, validator_id))["status"] == "success"
    prep = await client.get(
        f"/qiita_db/prep_template/{prep_id}/", headers=bearer(world.system_token)
    )
    artifact_id = prep.json()["artifact"]
    details = (
        await client.get(f"/qiita_db/artifacts/{artifact_id}/", headers=bearer(world.system_token))
    ).json()
    assert (details["name"], details["type"], details["visibility"]) == (
        "My table",
        "BIOM",
        "sandbox",
    )
    assert details["files"]["biom"][0]["filepath"].endswith(f"/BIOM/{artifact_id}/table.biom")


async def test_inject_as_an_output_of_a_job_creates_the_artifact_directly(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    table = write_file(services.settings.resolved_data_dir / "working_dir" / job_id / "t.biom")
    response = await client.post(
        "/qiita_db/artifact/",
        data=inject_fields(
            world, {"biom": [str(table)]}, job_id=job_id,
            command_artifact_name="deblur final table",
        ),
        headers=bearer(world.deblur.token),
    )  # fmt: skip
    assert response.status_code == 200
    validator_id = response.json()["job_id"]
    parameters = (await fetch_job(client, world, validator_id))["parameters"]
    provenance = json.loads(parameters["provenance"])
    assert provenance["job"] == job_id
    assert provenance["direct_creation"] is True
    assert provenance["name"] == "deblur final table"
    assert parameters["template"] == world.prep_id
    async with services.sessions() as session:
        validator = await session.get(ProcessingJob, validator_id)
    assert validator is not None
    await run_validator(client, world, validator)
    assert (await fetch_job(client, world, validator_id))["status"] == "success"
    assert await validators_of(services, job_id) == []


JOB_OR_PREP_CASES = [
    ({}, "You need to specify a job_id or a prep_id"),
    ({"job_id": "x", "prep_id": "1"}, "You need to specify only a job_id or a prep_id"),
]


async def test_inject_needs_exactly_one_of_job_and_prep(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for extra, message in JOB_OR_PREP_CASES:
        before = await job_count(services)
        response = await client.post(
            "/qiita_db/artifact/", data=inject_fields(world, {"biom": []}, **extra),
            headers=bearer(world.deblur.token),
        )  # fmt: skip
        assert response.status_code == 400
        assert response.json() == {"message": message}
        assert await job_count(services) == before


async def test_inject_unknown_output_name_is_400(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    response = await client.post(
        "/qiita_db/artifact/",
        data=inject_fields(world, {"biom": []}, job_id=job_id, command_artifact_name="nope"),
        headers=bearer(world.deblur.token),
    )
    assert response.status_code == 400
    assert response.json() == {"message": "The command_artifact_name does not exist in the command"}


async def test_inject_paths_outside_the_data_dir_are_403_and_nothing_is_created(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    root = services.settings.resolved_data_dir
    outside = write_file(tmp_path / "secret.biom")
    link = root / "uploads" / "link.biom"
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, link)
    before = await job_count(services)
    for path in [str(root / "uploads" / ".." / ".." / "secret.biom"), str(outside), str(link)]:
        response = await client.post(
            "/qiita_db/artifact/",
            data=inject_fields(world, {"biom": [path]}, prep_id=str(world.prep_id)),
            headers=bearer(world.deblur.token),
        )
        assert response.status_code == 403, path
        assert response.json() == refusal(services, path)
    assert await job_count(services) == before
    assert outside.exists()


async def test_complete_with_files_outside_the_data_dir_fails_the_validator(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    """A validator reporting files outside the data dir: error, nothing moved."""
    outside = write_file(tmp_path / "x.biom")
    job_id = await make_world_job(services, world, status="running")
    inside = write_file(services.settings.resolved_data_dir / "working_dir" / job_id / "t.biom")
    body = json.dumps({"success": True, "error": "", "artifacts": {"deblur final table": {
        "artifact_type": "BIOM", "filepaths": [[str(inside), "biom"]]}}})  # fmt: skip
    await complete(client, job_id, body, world.deblur.token)
    (validator,) = await validators_of(services, job_id)
    token = world.type_plugin.token
    await client.post(f"/qiita_db/jobs/{validator.id}/heartbeat/", headers=bearer(token))
    report = json.dumps({"success": True, "error": "", "artifacts": {"v": {
        "artifact_type": "BIOM", "filepaths": [[str(outside), "biom"]]}}})  # fmt: skip
    assert (await complete(client, validator.id, report, token)).status_code == 200
    failed = await fetch_job(client, world, validator.id)
    assert failed["status"] == "error"
    assert "is outside of the folder it must be in" in failed["msg"]
    assert outside.exists()
    assert (await fetch_job(client, world, job_id))["status"] == "error"
