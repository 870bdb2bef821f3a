"""Resumable uploads over tus 1.0: chunks, resume, checksums, limits, access, termination."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime

import httpx
import pytest

from db.settings import Settings
from gateway.body_limits import body_limit_for
from gateway.launchers.local import LocalLauncher
from gateway.watchdog import Watchdog
from resolvers.context import Services
from resolvers.files.uploads import (
    BodyInterrupted,
    append_chunk,
    expire_partial_uploads,
    load_upload,
)
from tests.builders.accounts import bearer
from tests.builders.studies import make_study
from tests.files.uploads import TUS, UploadWorld, metadata, sha1_header

PAYLOAD = "Grüße,ταυτότητα\n".encode() * 4000


async def create_upload(
    client: httpx.AsyncClient, token: str, study_id: int, name: str, length: int
) -> httpx.Response:
    headers = {
        **TUS,
        **bearer(token),
        "Upload-Length": str(length),
        "Upload-Metadata": metadata(study_id=str(study_id), filename=name),
    }
    return await client.post("/uploads/", headers=headers)


async def send(
    client: httpx.AsyncClient, token: str, url: str, offset: int, chunk: bytes, **extra: str
) -> httpx.Response:
    headers = {
        **TUS,
        **bearer(token),
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
        **extra,
    }
    return await client.patch(url, content=chunk, headers=headers)


async def test_chunks_resume_and_final_placement(
    client: httpx.AsyncClient, upload_world: UploadWorld
) -> None:
    token = upload_world.owner.token
    created = await create_upload(
        client, token, upload_world.study_id, "../run 1/reads_R1.fastq", len(PAYLOAD)
    )
    assert created.status_code == 201, created.text
    assert created.headers["Tus-Resumable"] == "1.0.0"
    url = created.headers["Location"]
    assert url.startswith("http://testserver/uploads/")

    first = await send(
        client, token, url, 0, PAYLOAD[:30000], **{"Upload-Checksum": sha1_header(PAYLOAD[:30000])}
    )
    assert first.status_code == 204, first.text
    assert first.headers["Upload-Offset"] == "30000"
    assert not (upload_world.upload_folder / "reads_R1.fastq").exists()

    # The connection broke: the client asks where to resume.
    probe = await client.head(url, headers={**TUS, **bearer(token)})
    assert probe.status_code == 200
    assert probe.headers["Upload-Offset"] == "30000"
    assert probe.headers["Upload-Length"] == str(len(PAYLOAD))
    assert probe.headers["Cache-Control"] == "no-store"

    assert probe.headers["Upload-Expires"] == first.headers["Upload-Expires"]
    assert parsedate_to_datetime(first.headers["Upload-Expires"]) >= parsedate_to_datetime(
        created.headers["Upload-Expires"]
    )

    stale = await send(client, token, url, 0, PAYLOAD[:10])
    assert stale.status_code == 409

    rest = await send(client, token, url, 30000, PAYLOAD[30000:])
    assert rest.status_code == 204
    assert rest.headers["Upload-Offset"] == str(len(PAYLOAD))
    final = upload_world.upload_folder / "reads_R1.fastq"
    assert final.read_bytes() == PAYLOAD
    assert list(upload_world.staging.glob("*.part")) == []
    assert (await client.head(url, headers={**TUS, **bearer(token)})).status_code == 404


async def test_checksum_mismatch_is_refused_and_discarded(
    client: httpx.AsyncClient, upload_world: UploadWorld
) -> None:
    token = upload_world.owner.token
    url = (await create_upload(client, token, upload_world.study_id, "a.txt", 10)).headers[
        "Location"
    ]
    bad = await send(client, token, url, 0, b"01234", **{"Upload-Checksum": sha1_header(b"x")})
    assert bad.status_code == 460
    assert "checksum" in bad.text
    probe = await client.head(url, headers={**TUS, **bearer(token)})
    assert probe.headers["Upload-Offset"] == "0"
    unknown = await send(client, token, url, 0, b"01234", **{"Upload-Checksum": "crc99 AAAA"})
    assert unknown.status_code == 400


async def test_size_limits(
    client: httpx.AsyncClient, upload_world: UploadWorld, settings: Settings
) -> None:
    token = upload_world.owner.token
    too_big = await create_upload(
        client, token, upload_world.study_id, "big.fastq", settings.max_upload_bytes + 1
    )
    assert too_big.status_code == 413
    url = (await create_upload(client, token, upload_world.study_id, "b.txt", 4)).headers[
        "Location"
    ]
    overflow = await send(client, token, url, 0, b"123456")
    assert overflow.status_code == 413
    probe = await client.head(url, headers={**TUS, **bearer(token)})
    assert probe.headers["Upload-Offset"] == "0"


async def test_only_study_editors_upload(
    client: httpx.AsyncClient, upload_world: UploadWorld, services: Services
) -> None:
    hidden = await create_upload(
        client, upload_world.other.token, upload_world.study_id, "x.txt", 3
    )
    assert hidden.status_code == 404
    public_study = await make_study(services, upload_world.owner.account, public=True)
    refused = await create_upload(client, upload_world.other.token, public_study, "x.txt", 3)
    assert refused.status_code == 403
    anonymous = await client.post(
        "/uploads/",
        headers={
            **TUS,
            "Upload-Length": "3",
            "Upload-Metadata": metadata(study_id=str(upload_world.study_id), filename="x"),
        },
    )
    assert anonymous.status_code == 401
    missing_study = await create_upload(client, upload_world.owner.token, 999999, "x.txt", 3)
    assert missing_study.status_code == 404
    url = (
        await create_upload(client, upload_world.owner.token, upload_world.study_id, "x.txt", 3)
    ).headers["Location"]
    hijack = await send(client, upload_world.other.token, url, 0, b"abc")
    assert hijack.status_code == 404
    assert not (upload_world.upload_folder / "x.txt").exists()


async def test_protocol_errors(client: httpx.AsyncClient, upload_world: UploadWorld) -> None:
    token = upload_world.owner.token
    options = await client.options("/uploads/")
    assert options.status_code == 204
    assert "checksum" in options.headers["Tus-Extension"]
    assert "sha1" in options.headers["Tus-Checksum-Algorithm"]
    no_version = await client.post("/uploads/", headers=bearer(token))
    assert no_version.status_code == 412
    no_name = await client.post(
        "/uploads/",
        headers={
            **TUS,
            **bearer(token),
            "Upload-Length": "3",
            "Upload-Metadata": metadata(study_id=str(upload_world.study_id)),
        },
    )
    assert no_name.status_code == 400
    assert "filename" in no_name.text
    url = (await create_upload(client, token, upload_world.study_id, "y.txt", 3)).headers[
        "Location"
    ]
    wrong_type = await client.patch(
        url,
        content=b"abc",
        headers={**TUS, **bearer(token), "Upload-Offset": "0", "Content-Type": "text/plain"},
    )
    assert wrong_type.status_code == 415
    unknown = await client.head("/uploads/not-an-id", headers={**TUS, **bearer(token)})
    assert unknown.status_code == 404
    hidden = await create_upload(client, token, upload_world.study_id, "...", 3)
    assert hidden.status_code == 400


async def test_termination_and_expiry(
    client: httpx.AsyncClient, upload_world: UploadWorld, services: Services
) -> None:
    token = upload_world.owner.token
    url = (await create_upload(client, token, upload_world.study_id, "t.txt", 9)).headers[
        "Location"
    ]
    await send(client, token, url, 0, b"abc")
    gone = await client.delete(url, headers={**TUS, **bearer(token)})
    assert gone.status_code == 204
    assert (await client.head(url, headers={**TUS, **bearer(token)})).status_code == 404
    assert list(upload_world.staging.glob("*.part")) == []

    url = (await create_upload(client, token, upload_world.study_id, "u.txt", 9)).headers[
        "Location"
    ]
    upload_id = url.rsplit("/", 1)[-1]
    assert Watchdog(services, LocalLauncher(1)).remove_expired_uploads() == []
    later = time.time() + services.settings.upload_expiry + 1
    assert expire_partial_uploads(services.settings, now=later) == [upload_id]
    assert (await client.head(url, headers={**TUS, **bearer(token)})).status_code == 404


async def test_existing_name_is_refused(
    client: httpx.AsyncClient, upload_world: UploadWorld
) -> None:
    upload_world.upload_folder.mkdir(parents=True)
    (upload_world.upload_folder / "taken.txt").write_text("old")
    taken = await create_upload(
        client, upload_world.owner.token, upload_world.study_id, "taken.txt", 3
    )
    assert taken.status_code == 409


async def test_interrupted_body_keeps_what_arrived(
    client: httpx.AsyncClient, upload_world: UploadWorld, services: Services
) -> None:
    url = (
        await create_upload(client, upload_world.owner.token, upload_world.study_id, "i.txt", 10)
    ).headers["Location"]
    upload = load_upload(services.settings, url.rsplit("/", 1)[-1])

    async def broken(first: bytes) -> AsyncIterator[bytes]:
        yield first
        raise BodyInterrupted("gone")

    with pytest.raises(BodyInterrupted):
        await append_chunk(services.settings, upload, 0, broken(b"abcd"))
    probe = await client.head(url, headers={**TUS, **bearer(upload_world.owner.token)})
    assert probe.headers["Upload-Offset"] == "4"
    with pytest.raises(BodyInterrupted):
        await append_chunk(services.settings, upload, 4, broken(b"ef"), ("sha1", b"x"))
    probe = await client.head(url, headers={**TUS, **bearer(upload_world.owner.token)})
    assert probe.headers["Upload-Offset"] == "4"


def test_upload_chunks_are_bounded_by_the_upload_limit_not_the_body_limit() -> None:
    settings = Settings(max_body_bytes=10, max_upload_body_bytes=10, max_upload_bytes=1000)
    assert body_limit_for(settings, "/uploads/") == 1000
    assert body_limit_for(settings, "/uploads/0123abcd") == 1000
    assert body_limit_for(settings, "/uploadsx") == 10
