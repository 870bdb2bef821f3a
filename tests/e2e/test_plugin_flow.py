"""A whole plugin job over real HTTP, spoken exactly as qiita_client speaks.

The test plays both plugins (launching their processes is the lifecycle's work): a type
plugin and a processing plugin register, the processing plugin runs a queued job
(GET job, heartbeat with an empty body, step and complete with raw JSON bodies and no
Content-Type), the server creates validator jobs, the test runs them as the type plugin,
and the outputs become artifacts whose files moved into the BIOM mountpoint. The HTML
summary job submitted after release is then answered with an artifact PATCH in form
fields.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db.models import Artifact, ProcessingJob, ProcessingJobValidator, StoredFile
from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests.builders.accounts import make_plugin_client, make_software
from tests.builders.studies import make_study_with_prep
from tests.builders.world import make_fastq, make_job_for, make_owner, write_file
from tests.graphql_transport.live_server import LiveServer, serve

TYPE_PLUGIN = ("BIOM type", "2.1.4 - Qiime2")
DEBLUR = ("Deblur", "2021.09")


def file_text(path: str | Path) -> str:
    return Path(path).read_text()


@dataclass
class PluginClient:
    """The requests qiita_client makes, and how it reads their answers."""

    http: httpx.AsyncClient
    client_id: str
    client_secret: str
    token: str = ""

    async def authenticate(self) -> None:
        response = await self.http.post(
            "/qiita_db/authenticate/",
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "client",
            },
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        assert 200 <= response.status_code < 300, (response.status_code, response.text)
        try:
            return response.json()
        except ValueError:
            return None

    async def get(self, path: str) -> Any:
        return self._result(await self.http.get(path, headers=self.headers))

    async def post(self, path: str, *, data: Any = None) -> Any:
        if isinstance(data, str):  # a pre-serialised JSON string: no Content-Type at all
            response = await self.http.post(path, content=data.encode(), headers=self.headers)
        else:
            response = await self.http.post(path, data=data, headers=self.headers)
        return self._result(response)

    async def patch(self, url: str, fields: dict[str, str]) -> Any:
        return self._result(await self.http.patch(url, data=fields, headers=self.headers))


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server


async def register_type_plugin(plugin: PluginClient) -> None:
    name, version = TYPE_PLUGIN
    await plugin.post(
        "/qiita_db/artifacts/types/",
        data={
            "type_name": "BIOM",
            "description": "BIOM table",
            "can_be_submitted_to_ebi": "False",
            "can_be_submitted_to_vamps": "False",
            "is_user_uploadable": "True",
            "filepath_types": json.dumps([["biom", True], ["directory", False], ["log", False]]),
        },
    )
    info = await plugin.get(f"/qiita_db/plugins/{name}/{version}/")
    assert info["commands"] == []
    commands = {
        "Validate": {
            "template": ["prep_template", None],
            "analysis": ["analysis", None],
            "files": ["string", None],
            "artifact_type": ["string", None],
        },
        "Generate HTML summary": {"input_data": ['artifact:["BIOM"]', None]},
    }
    for command, required in commands.items():
        await plugin.post(
            f"/qiita_db/plugins/{name}/{version}/commands/",
            data={
                "name": command,
                "description": f"{command} of BIOM",
                "required_parameters": json.dumps(required),
                "optional_parameters": json.dumps({}),
                "default_parameter_sets": json.dumps(None),
                "outputs": json.dumps(None),
                "analysis_only": "False",
            },
        )


async def register_deblur(plugin: PluginClient) -> None:
    name, version = DEBLUR
    info = await plugin.get(f"/qiita_db/plugins/{name}/{version}/")
    assert info["commands"] == []
    await plugin.post(
        f"/qiita_db/plugins/{name}/{version}/commands/",
        data={
            "name": "Deblur",
            "description": "Deblurring of sequences",
            "required_parameters": json.dumps(
                {"Demultiplexed sequences": ['artifact:["FASTQ"]', None]}
            ),
            "optional_parameters": json.dumps({"Trim length": ["integer", "150", 1, True]}),
            "default_parameter_sets": json.dumps({"Defaults": {"Trim length": "150"}}),
            "outputs": json.dumps({"deblur final table": "BIOM"}),
            "analysis_only": "False",
        },
    )
    # A second registration only activates what exists (plugin-lifecycle.md §3.1).
    info = await plugin.get(f"/qiita_db/plugins/{name}/{version}/")
    assert info["commands"] == ["Deblur"]
    await plugin.post(f"/qiita_db/plugins/{name}/{version}/commands/Deblur/activate/")


async def plugin_for(services: Services, name: str, version: str, kind: str) -> PluginClient:
    software_id = await make_software(services, name=name, version=version, software_type=kind)
    credentials = await make_plugin_client(services, software_id=software_id)
    assert credentials.client_secret is not None
    return PluginClient(httpx.AsyncClient(), credentials.client_id, credentials.client_secret)


async def run_validator(plugin: PluginClient, job_id: str) -> None:
    """The type plugin's Validate: read the job, check the files, report one artifact."""
    job = await plugin.get(f"/qiita_db/jobs/{job_id}")
    assert (job["command"], job["status"]) == ("Validate", "queued")
    await plugin.post(f"/qiita_db/jobs/{job_id}/heartbeat/")
    await plugin.post(f"/qiita_db/jobs/{job_id}/step/", data=json.dumps({"step": "Validating"}))
    prep = await plugin.get(f"/qiita_db/prep_template/{job['parameters']['template']}/")
    assert file_text(prep["prep-file"]).startswith("sample_name\t")
    files = json.loads(job["parameters"]["files"])
    report = {
        "success": True,
        "error": "",
        "artifacts": {
            "validated": {
                "artifact_type": job["parameters"]["artifact_type"],
                "filepaths": [[p, t] for t, paths in files.items() for p in paths],
                "archive": {},
            }
        },
    }
    await plugin.post(f"/qiita_db/jobs/{job_id}/complete/", data=json.dumps(report))


async def test_a_job_runs_to_artifacts_in_the_type_mountpoint(live: LiveServer) -> None:
    services = live.services
    type_plugin = await plugin_for(services, *TYPE_PLUGIN, "artifact definition")
    deblur = await plugin_for(services, *DEBLUR, "artifact transformation")
    for plugin in (type_plugin, deblur):
        plugin.http = httpx.AsyncClient(base_url=live.http_url, timeout=30)
    try:
        await type_plugin.authenticate()
        await register_type_plugin(type_plugin)
        await deblur.authenticate()
        await register_deblur(deblur)

        owner_id = await make_owner(services)
        study_id, prep_id = await make_study_with_prep(services, owner_id, ["SKB1", "SKB2"])
        uploads = services.settings.resolved_data_dir / "uploads" / str(study_id)
        fastq_id = await make_fastq(services, prep_id, uploads)
        job_id = await make_job_for(
            services, *DEBLUR, "Deblur", owner_id, {"Demultiplexed sequences": fastq_id}
        )

        # The processing plugin, launched for the job.
        job = await deblur.get(f"/qiita_db/jobs/{job_id}")
        assert job == {
            "command": "Deblur",
            "parameters": {"Demultiplexed sequences": fastq_id, "Trim length": "150"},
            "status": "queued",
            "msg": "",
        }
        await deblur.post(f"/qiita_db/jobs/{job_id}/heartbeat/")
        assert (await deblur.get(f"/qiita_db/jobs/{job_id}"))["status"] == "running"
        step = json.dumps({"step": "Step 1 of 2: deblurring"})
        await deblur.post(f"/qiita_db/jobs/{job_id}/step/", data=step)
        artifact_info = await deblur.get(f"/qiita_db/artifacts/{fastq_id}/")
        assert artifact_info["prep_information"] == [prep_id]
        out_dir = services.settings.resolved_data_dir / "working_dir" / job_id
        table = write_file(out_dir / "final.biom", "a deblurred table")
        report = {
            "success": True,
            "error": "",
            "artifacts": {
                "deblur final table": {
                    "artifact_type": "BIOM",
                    "filepaths": [[str(table), "biom"]],
                    "archive": {"TACG": '{"placement": 1}'},
                }
            },
        }
        await deblur.post(f"/qiita_db/jobs/{job_id}/complete/", data=json.dumps(report))
        assert (await deblur.get(f"/qiita_db/jobs/{job_id}"))["status"] == "running"

        # A validator job exists; the test runs it as the type plugin.
        async with services.sessions() as session:
            validator_ids = list(
                (
                    await session.execute(
                        select(ProcessingJobValidator.validator_id).where(
                            ProcessingJobValidator.job_id == job_id
                        )
                    )
                ).scalars()
            )
        assert len(validator_ids) == 1
        await run_validator(type_plugin, validator_ids[0])

        assert (await deblur.get(f"/qiita_db/jobs/{job_id}"))["status"] == "success"
        assert (await type_plugin.get(f"/qiita_db/jobs/{validator_ids[0]}"))["status"] == "success"
        async with services.sessions() as session:
            artifact = (
                await session.execute(select(Artifact).where(Artifact.produced_by_job_id == job_id))
            ).scalar_one()
            summary_job = (
                await session.execute(
                    select(ProcessingJob).where(
                        ProcessingJob.parameters["input_data"].as_integer() == artifact.id
                    )
                )
            ).scalar_one()
        details = await deblur.get(f"/qiita_db/artifacts/{artifact.id}/")
        types = await deblur.get("/qiita_db/artifacts/types/")
        moved = Path(details["files"]["biom"][0]["filepath"])
        assert moved == Path(types["BIOM"]) / str(artifact.id) / "final.biom"
        assert file_text(moved) == "a deblurred table"
        assert not table.exists()
        assert details["name"] == "deblur final table 150"
        assert details["parents"] == [fastq_id]
        assert details["processing_parameters"] == job["parameters"]
        archived = await deblur.post(
            "/qiita_db/archive/observations/", data={"job_id": job_id, "features": ["TACG", "X"]}
        )
        assert archived == {"TACG": '{"placement": 1}'}

        # The HTML summary job submitted after release, answered by the type plugin.
        summary_id = summary_job.id
        await type_plugin.post(f"/qiita_db/jobs/{summary_id}/heartbeat/")
        html = write_file(
            services.settings.resolved_data_dir / "working_dir" / summary_id / "index.html",
            "<html>summary</html>",
        )
        await type_plugin.patch(
            f"/qiita_db/artifacts/{artifact.id}/",
            {"op": "add", "path": "/html_summary/", "value": str(html)},
        )
        done = json.dumps({"success": True, "error": "", "artifacts": None})
        await type_plugin.post(f"/qiita_db/jobs/{summary_id}/complete/", data=done)
        details = await type_plugin.get(f"/qiita_db/artifacts/{artifact.id}/")
        summary = Path(details["files"]["html_summary"][0]["filepath"])
        assert file_text(summary) == "<html>summary</html>"
        assert summary.parent == moved.parent
        assert (await type_plugin.get(f"/qiita_db/jobs/{summary_id}"))["status"] == "success"
        async with services.sessions() as session:
            sizes = (
                await session.execute(
                    select(StoredFile.size, StoredFile.checksum).where(
                        StoredFile.artifact_id == artifact.id
                    )
                )
            ).all()
        assert sorted(size for size, _ in sizes) == [17, 20]
        assert all(checksum.isdigit() for _, checksum in sizes)
    finally:
        await type_plugin.http.aclose()
        await deblur.http.aclose()
