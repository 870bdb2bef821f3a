"""`/apitest/...` routes of test mode (plugin-api.md §7)."""

from __future__ import annotations

import json

import httpx

from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.studies import make_study_with_prep
from tests.builders.world import World, write_file
from tests.rest_compat.media import JSON
from tests.rest_compat.test_completion import fetch_job


async def test_processing_job_creates_a_job_with_a_forced_status(
    client: httpx.AsyncClient, world: World
) -> None:
    fields = {
        "user": world.owner_email,
        "command": json.dumps(["Deblur", "2021.09", "Deblur"]),
        "parameters": json.dumps({"Demultiplexed sequences": world.fastq_id}),
        "status": "running",
    }
    response = await client.post(
        "/apitest/processing_job/", data=fields, headers=bearer(world.system_token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    job = await fetch_job(client, world, response.json()["job"])
    assert job == {
        "command": "Deblur",
        "parameters": {
            "Demultiplexed sequences": world.fastq_id, "Threads": "1", "Trim length": "150",
        },
        "status": "running",
        "msg": "",
    }  # fmt: skip


async def test_processing_job_rejects_parameters_that_do_not_fit(
    client: httpx.AsyncClient, world: World
) -> None:
    fields = {
        "user": world.owner_email,
        "command": json.dumps(["Deblur", "2021.09", "Deblur"]),
        "parameters": json.dumps({"nope": 1}),
    }
    response = await client.post(
        "/apitest/processing_job/", data=fields, headers=bearer(world.system_token)
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Unknown parameter(s) for command 'Deblur': nope"}
    unknown = await client.post(
        "/apitest/processing_job/",
        data={**fields, "command": json.dumps(["X", "1", "Y"])},
        headers=bearer(world.system_token),
    )
    assert unknown.status_code == 404


async def test_artifact_is_created_directly_from_files(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    _, prep_id = await make_study_with_prep(services, world.owner_id, ["S1"])
    table = write_file(services.settings.resolved_data_dir / "uploads" / "x" / "t.biom")
    fields = {
        "filepaths": json.dumps([[str(table), "biom"]]),
        "type": "BIOM",
        "prep": str(prep_id),
        "name": "Direct",
    }
    response = await client.post("/apitest/artifact/", data=fields,
                                 headers=bearer(world.system_token))  # fmt: skip
    assert response.status_code == 200
    artifact_id = response.json()["artifact"]
    details = (
        await client.get(f"/qiita_db/artifacts/{artifact_id}/", headers=bearer(world.system_token))
    ).json()
    assert (details["name"], details["prep_information"]) == ("Direct", [prep_id])
    assert not table.exists()
    again = await client.post(
        "/apitest/artifact/",
        data={**fields, "filepaths": json.dumps([[str(write_file(table)), "biom"]])},
        headers=bearer(world.system_token),
    )
    assert again.status_code == 409
    assert again.json() == {
        "message": f"Prep template {prep_id} already has an artifact associated"
    }
    assert table.exists()


async def test_prep_template_route_matches_the_plugin_route(
    client: httpx.AsyncClient, world: World
) -> None:
    fields = {
        "prep_info": json.dumps({"SKB1": {"primer": "G"}}),
        "study": str(world.study_id),
        "data_type": "16S",
    }
    response = await client.post("/apitest/prep_template/", data=fields,
                                 headers=bearer(world.system_token))  # fmt: skip
    assert response.status_code == 200
    assert set(response.json()) == {"prep"}


async def test_reload_plugins_with_no_configuration_is_empty_200(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post("/apitest/reload_plugins/", headers=bearer(world.system_token))
    assert response.status_code == 200
    assert response.content == b""


async def test_reload_plugins_reports_a_failing_registration(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    folder = services.settings.resolved_plugins_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Broken_1.0.conf").write_text(
        "[main]\nNAME = Broken\nVERSION = 1.0\nDESCRIPTION = d\nENVIRONMENT_SCRIPT = true\n"
        "START_SCRIPT = false\nPLUGIN_TYPE = artifact transformation\nPUBLICATIONS = \n\n"
        f"[oauth2]\nSERVER_CERT = \nCLIENT_ID = {'a' * 50}\nCLIENT_SECRET = {'b' * 255}\n"
    )
    response = await client.post("/apitest/reload_plugins/", headers=bearer(world.system_token))
    assert response.status_code == 409
    message = response.json()["message"]
    assert message.startswith("Reloading the plugins failed: ")
    assert "Broken_1.0.conf: registration failed:" in message
    plugin = await client.get("/qiita_db/plugins/Broken/1.0/", headers=bearer(world.system_token))
    assert (plugin.status_code, plugin.json()["active"]) == (200, True)
