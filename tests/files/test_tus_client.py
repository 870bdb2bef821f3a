"""The tuspy client against a real uvicorn on 127.0.0.1: chunked upload, stop, resume."""

from __future__ import annotations

import asyncio
import io
from urllib.parse import urlsplit

import httpx
from tusclient.client import TusClient

from db.settings import Settings
from gateway.app import create_app
from tests.builders.callers import make_caller
from tests.builders.studies import make_study
from tests.files.uploads import metadata
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


async def test_a_broken_connection_keeps_the_bytes_that_arrived(settings: Settings) -> None:
    async with serve(create_app(settings)) as server:
        owner = await make_caller(server.services)
        study_id = await make_study(server.services, owner.account)
        headers = {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {owner.token}"}
        async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
            created = await http.post(
                "/uploads/",
                headers={
                    **headers,
                    "Upload-Length": "1000",
                    "Upload-Metadata": metadata(study_id=str(study_id), filename="cut.bin"),
                },
            )
            url = urlsplit(created.headers["Location"]).path
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            request = (
                f"PATCH {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                + "\r\n"
            )
            writer.write(request.encode() + b"x" * 400)
            await writer.drain()
            offset = "0"
            for _ in range(50):
                await asyncio.sleep(0.05)
                probe = await http.head(url, headers=headers)
                offset = probe.headers["Upload-Offset"]
                if offset == "400":
                    break
            writer.close()
            await writer.wait_closed()
            assert offset == "400"
            for _ in range(50):
                # until the server has seen the broken connection and released the upload
                rest = await http.patch(
                    url,
                    content=b"y" * 600,
                    headers={
                        **headers,
                        "Upload-Offset": "400",
                        "Content-Type": "application/offset+octet-stream",
                    },
                )
                if rest.status_code != 409:
                    break
                await asyncio.sleep(0.05)
            assert rest.status_code == 204, rest.text
            del reader
    final = settings.resolved_data_dir / "uploads" / str(study_id) / "cut.bin"
    assert final.read_bytes() == b"x" * 400 + b"y" * 600
