"""A lab script's whole session against a real server on 127.0.0.1 (port 0).

Password-grant token, PI and lab person, study, 30 samples x 15 categories, a
category read, a 16S preparation, two FASTQ files uploaded and attached, status.
The metadata PATCH body is sent the way qiita_client sends it: pre-serialised JSON
without a Content-Type.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from db.settings import Settings
from gateway.app import create_app
from tests.builders.accounts import DEFAULT_PASSWORD, make_password_client, make_user
from tests.graphql_transport.live_server import LiveServer, serve

TIMEOUT = 20.0
CATEGORIES = [f"category_{n}" for n in range(15)]


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server


def drop_uploads(data_dir: Path, study_id: int) -> None:
    folder = data_dir / "uploads" / str(study_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run1_R1.fastq.gz").write_bytes(b"@r1\nACGT\n+\nIIII\n")
    (folder / "run1_I1.fastq.gz").write_bytes(b"@r1\nGGCC\n+\nIIII\n")


def all_files(paths: list[str]) -> bool:
    return all(Path(path).is_file() for path in paths)


async def test_lab_script_builds_a_study_end_to_end(live: LiveServer, settings: Settings) -> None:
    user = await make_user(live.services, email="scientist@lab.org")
    client_credentials = await make_password_client(live.services)
    async with httpx.AsyncClient(base_url=live.http_url, timeout=TIMEOUT) as http:
        token_response = await http.post(
            "/qiita_db/authenticate/",
            data={
                "grant_type": "password",
                "client_id": client_credentials.client_id,
                "username": user.email,
                "password": DEFAULT_PASSWORD,
            },
        )
        assert token_response.status_code == 200
        http.headers["Authorization"] = f"Bearer {token_response.json()['access_token']}"

        for name, affiliation in (("Ada PI", "Lab U"), ("Bob Tech", "Lab U")):
            person = await http.post(
                "/api/v1/person",
                params={"name": name, "affiliation": affiliation, "email": "x@lab.org"},
            )
            assert person.status_code == 201

        study = await http.post(
            "/api/v1/study",
            json={
                "title": "Soil cores 2026",
                "study_abstract": "abstract",
                "study_description": "description",
                "study_alias": "soil",
                "owner": user.email,
                "contacts": {
                    "principal_investigator": ["Ada PI", "Lab U"],
                    "lab_person": ["Bob Tech", "Lab U"],
                },
                "notes": "",
            },
        )
        assert study.status_code == 201
        study_id = study.json()["id"]

        samples = {
            f"core.{n}": {category: f"{n}.{c}" for c, category in enumerate(CATEGORIES)}
            for n in range(30)
        }
        patched = await http.patch(
            f"/api/v1/study/{study_id}/samples", content=json.dumps(samples).encode()
        )
        assert patched.status_code == 201
        assert patched.content == b""

        read = await http.get(f"/api/v1/study/{study_id}/samples/categories=category_14,category_0")
        assert read.status_code == 200
        body = read.json()
        assert body["header"] == ["category_14", "category_0"]
        assert len(body["samples"]) == 30
        assert body["samples"][f"{study_id}.core.7"] == ["7.14", "7.0"]

        prep = await http.post(
            f"/api/v1/study/{study_id}/preparation",
            params={"data_type": "16S"},
            json={f"core.{n}": {"barcode": "ACGT", "platform": "Illumina"} for n in range(30)},
        )
        assert prep.status_code == 201
        prep_id = prep.json()["id"]

        drop_uploads(settings.data_dir, study_id)
        artifact = await http.post(
            f"/api/v1/study/{study_id}/preparation/{prep_id}/artifact",
            json={
                "artifact_type": "FASTQ",
                "filepaths": [
                    ["run1_R1.fastq.gz", "raw_forward_seqs"],
                    ["run1_I1.fastq.gz", "raw_barcodes"],
                ],
                "artifact_name": "run 1",
            },
        )
        assert artifact.status_code == 201
        artifact_id = artifact.json()["id"]

        status = await http.get(f"/api/v1/study/{study_id}/status")
        assert status.status_code == 200
        assert status.json() == {
            "is_public": False,
            "has_sample_information": True,
            "sample_information_has_warnings": False,
            "preparations": [{"id": prep_id, "has_artifact": True}],
        }

        associations = await http.get(f"/api/v1/study/{study_id}/associations")
        [prep_entry] = associations.json()["prep_templates"]
        [artifact_entry] = prep_entry["prep_artifacts"]
        assert artifact_entry["artifact_id"] == artifact_id
        assert [f["artifact_filepath_type"] for f in artifact_entry["artifact_filepaths"]] == [
            "raw_forward_seqs",
            "raw_barcodes",
        ]
        paths = [entry["artifact_filepath"] for entry in artifact_entry["artifact_filepaths"]]
        assert all_files(paths)
