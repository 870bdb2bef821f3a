"""Uploads end where the artifact attachment route looks; a full disk is refused up front."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.callers import Callers, run_graphql
from tests.builders.study_tree import make_study_tree
from tests.files.test_sheets import PREP, upload
from tests.files.uploads import TUS, UploadWorld, metadata


async def tus_upload(
    client: httpx.AsyncClient, token: str, study_id: int, name: str, data: bytes
) -> None:
    created = await client.post(
        "/uploads/",
        headers={
            **TUS,
            **bearer(token),
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata(study_id=str(study_id), filename=name),
        },
    )
    assert created.status_code == 201
    sent = await client.patch(
        created.headers["Location"],
        content=data,
        headers={
            **TUS,
            **bearer(token),
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert sent.status_code == 204


async def test_uploaded_files_become_an_artifact(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    owner = callers.owner
    tree = await make_study_tree(services, owner.account, samples=2)
    upload(services, tree.study_id, "prep.tsv", "sample_name\tbarcode\nS0\tACGT\nS1\tTTGA\n")
    created = await run_graphql(
        client,
        PREP,
        {"input": {"studyId": tree.study_id, "fileName": "prep.tsv", "dataType": "16S"}},
        caller=owner,
    )
    prep_id = created["data"]["createPreparationFromFile"]["report"]["preparationId"]
    await tus_upload(client, owner.token, tree.study_id, "fwd.fastq.gz", b"@fwd\nACGT\n+\nIIII\n")
    await tus_upload(client, owner.token, tree.study_id, "bc.fastq.gz", b"@bc\nAC\n+\nII\n")
    attached = await client.post(
        f"/api/v1/study/{tree.study_id}/preparation/{prep_id}/artifact",
        json={
            "artifact_type": "FASTQ",
            "filepaths": [["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", "raw_barcodes"]],
            "artifact_name": "uploaded reads",
        },
        headers=owner.headers,
    )
    assert attached.status_code == 201, attached.text
    artifact_id = attached.json()["id"]
    stored = services.settings.resolved_data_dir / "FASTQ" / str(artifact_id) / "fwd.fastq.gz"
    assert stored.read_bytes().startswith(b"@fwd")


async def test_no_disk_space_is_507(settings: Settings, upload_world: UploadWorld) -> None:
    tight = create_app(settings.replace(upload_free_space_reserve=2**62))
    async with LifespanManager(tight):
        transport = httpx.ASGITransport(app=tight)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.post(
                "/uploads/",
                headers={
                    **TUS,
                    **bearer(upload_world.owner.token),
                    "Upload-Length": "10",
                    "Upload-Metadata": metadata(
                        study_id=str(upload_world.study_id), filename="a.txt"
                    ),
                },
            )
    assert response.status_code == 507
    assert "disk space" in response.text
