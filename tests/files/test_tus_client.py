"""The tuspy client against a real uvicorn on 127.0.0.1: chunked upload, stop, resume."""

from __future__ import annotations

import asyncio
import io

from tusclient.client import TusClient

from db.settings import Settings
from gateway.app import create_app
from tests.factories import make_study
from tests.graphql.conftest import make_caller
from tests.graphql_transport.live_server import serve

PAYLOAD = bytes(range(256)) * 1200


def upload_in_two_sessions(base_url: str, token: str, study_id: int) -> str:
    client = TusClient(f"{base_url}/uploads/", headers={"Authorization": f"Bearer {token}"})
    metadata = {"study_id": str(study_id), "filename": "sample_R1.fastq.gz"}
    first = client.uploader(
        file_stream=io.BytesIO(PAYLOAD), chunk_size=100_000, metadata=metadata, upload_checksum=True
    )
    first.upload_chunk()
    assert first.offset == 100_000
    resumed = client.uploader(
        file_stream=io.BytesIO(PAYLOAD), chunk_size=100_000, url=first.url, upload_checksum=True
    )
    assert resumed.offset == 100_000
    resumed.upload()
    return str(resumed.url)


async def test_tuspy_uploads_and_resumes(settings: Settings) -> None:
    async with serve(create_app(settings)) as server:
        owner = await make_caller(server.services)
        study_id = await make_study(server.services, owner.account)
        url = await asyncio.wait_for(
            asyncio.to_thread(upload_in_two_sessions, server.http_url, owner.token, study_id),
            60,
        )
    assert url.startswith(f"{server.http_url}/uploads/")
    final = settings.resolved_data_dir / "uploads" / str(study_id) / "sample_R1.fastq.gz"
    assert final.read_bytes() == PAYLOAD
