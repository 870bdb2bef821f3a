"""Signed download links, Range resume, streamed zips and public links."""

from __future__ import annotations

import io
import os
import time
import zipfile
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import delete, select

from db.models import DataDirectory, StoredFile, StudyShare
from resolvers.context import Services
from resolvers.files import downloads
from tests.builders.callers import Callers, run_graphql
from tests.builders.studies import make_analysis, make_study
from tests.builders.study_tree import make_study_tree
from tests.files.test_sheets import CREATE, UPDATE, upload

ARTIFACT = """query($id: Int!) { artifact(artifactId: $id) {
  downloadUrl publicDownloadUrl files { fileId filename downloadUrl } } }"""
STUDY = "query($id: Int!) { study(studyId: $id) { downloadUrl } }"
ANALYSIS = "query($id: Int!) { analysis(analysisId: $id) { downloadUrl } }"


async def write_files(services: Services, study_id: int) -> dict[str, bytes]:
    """Put the study tree's stored files on disk; file name -> content."""
    contents: dict[str, bytes] = {}
    root = services.settings.resolved_data_dir
    async with services.sessions() as session:
        rows = await session.execute(
            select(StoredFile.relpath, DataDirectory.mountpoint)
            .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
            .where(StoredFile.artifact_id.is_not(None))
        )
        for relpath, mountpoint in rows:
            path = root / mountpoint / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            content = os.urandom(300_000) + f"{study_id}:{relpath}".encode()
            path.write_bytes(content)
            contents[path.name] = content
    return contents


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


async def artifact_links(client: httpx.AsyncClient, artifact_id: int, caller: Any) -> Any:
    result = await run_graphql(client, ARTIFACT, {"id": artifact_id}, caller=caller)
    return result["data"]["artifact"]


async def test_signed_file_link_with_range_resume(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="private")
    contents = await write_files(services, tree.study_id)
    links = await artifact_links(client, tree.root_artifact_id, callers.owner)
    assert links["publicDownloadUrl"] is None
    file = links["files"][0]
    assert file["downloadUrl"].startswith(services.settings.effective_public_url + "/downloads/")
    url = local(file["downloadUrl"])
    expected = contents[file["filename"]]

    whole = await client.get(url)
    assert whole.status_code == 200
    assert whole.content == expected
    etag = whole.headers["etag"]
    assert "attachment" in whole.headers["content-disposition"]

    # `curl -C -` after 100 000 bytes arrived
    rest = await client.get(url, headers={"Range": "bytes=100000-", "If-Range": etag})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes 100000-{len(expected) - 1}/{len(expected)}"
    assert rest.content == expected[100000:]
    changed = await client.get(url, headers={"Range": "bytes=100000-", "If-Range": '"other"'})
    assert changed.status_code == 200
    assert changed.content == expected
    beyond = await client.get(url, headers={"Range": f"bytes={len(expected) + 5}-"})
    assert beyond.status_code == 416


async def test_expired_and_tampered_links_are_refused(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="private")
    await write_files(services, tree.study_id)
    links = await artifact_links(client, tree.root_artifact_id, callers.owner)
    url = local(links["files"][0]["downloadUrl"])
    path, _, query = url.partition("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}

    other_account = {**params, "account": str(callers.other.account.id)}
    tampered = await client.get(path, params=other_account)
    assert tampered.status_code == 403
    last = params["signature"][-1]
    bad_signature = {
        **params,
        "signature": params["signature"][:-1] + ("1" if last == "0" else "0"),
    }
    assert (await client.get(path, params=bad_signature)).status_code == 403
    other_path = path.rsplit("/", 1)[0] + "/999999"
    assert (await client.get(other_path, params=params)).status_code == 403
    assert (await client.get(path)).status_code == 403

    settings = services.settings
    account = callers.owner.account.id
    old = downloads.sign(settings, path, account, now=time.time() - settings.download_url_ttl - 5)
    expired = await client.get(old)
    assert expired.status_code == 403
    assert "expired" in expired.json()["message"]


async def test_study_zip_is_streamed_and_unzips(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, visibility="private", shared_with=[callers.shared.account]
    )
    contents = await write_files(services, tree.study_id)
    result = await run_graphql(client, STUDY, {"id": tree.study_id}, caller=callers.shared)
    url = local(result["data"]["study"]["downloadUrl"])
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "content-length" not in response.headers
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    names = archive.namelist()
    assert f"artifact_{tree.root_artifact_id}/reads_R1.fastq.gz" in names
    assert f"artifact_{tree.child_artifact_id}/otu_table.biom" in names
    for name in names:
        assert archive.read(name) == contents[name.rsplit("/", 1)[-1]]

    async with services.sessions() as session, session.begin():
        await session.execute(delete(StudyShare).where(StudyShare.study_id == tree.study_id))
    assert (await client.get(url)).status_code == 404

    refused = await run_graphql(client, STUDY, {"id": tree.study_id}, caller=callers.other)
    assert refused["data"]["study"] is None


async def test_public_artifact_link_needs_no_token(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="public")
    contents = await write_files(services, tree.study_id)
    links = await artifact_links(client, tree.child_artifact_id, callers.anonymous)
    public = links["publicDownloadUrl"]
    assert public.endswith(f"/public/artifacts/{tree.child_artifact_id}.zip")
    response = await client.get(local(public))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert (
        archive.read(f"artifact_{tree.child_artifact_id}/otu_table.biom")
        == contents["otu_table.biom"]
    )

    private = await make_study_tree(services, callers.owner.account, visibility="private")
    assert (
        await client.get(f"/public/artifacts/{private.root_artifact_id}.zip")
    ).status_code == 404


async def test_analysis_zip(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    analysis_id, _ = await make_analysis(services, callers.owner.account)
    result = await run_graphql(client, ANALYSIS, {"id": analysis_id}, caller=callers.owner)
    response = await client.get(local(result["data"]["analysis"]["downloadUrl"]))
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == []


async def test_secret_is_generated_once(services: Services) -> None:
    path = services.settings.resolved_data_dir / downloads.SECRET_FILE
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert downloads.signing_secret(services.settings) == path.read_text().strip().encode()


async def test_study_zip_holds_the_sample_information_file(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    study_id = await make_study(services, callers.owner.account, public=True)
    upload(services, study_id, "samples.csv", "sample_name,ph\nS1,7\nS2,8\n")
    created = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "samples.csv"}},
        caller=callers.owner,
    )
    assert created["data"]["createSampleInformation"]["report"]["applied"] is True
    upload(services, study_id, "more.csv", "sample_name,ph\nS3,9\n")
    updated = await run_graphql(
        client,
        UPDATE,
        {"input": {"studyId": study_id, "fileName": "more.csv"}},
        caller=callers.owner,
    )
    assert updated["data"]["updateSampleInformation"]["report"]["applied"] is True
    result = await run_graphql(client, STUDY, {"id": study_id}, caller=callers.anonymous)
    response = await client.get(local(result["data"]["study"]["downloadUrl"]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    [template] = [name for name in archive.namelist() if name.startswith("templates/")]
    assert template.startswith(f"templates/{study_id}_")
    text = archive.read(template).decode()
    assert f"{study_id}.S1" in text
    assert f"{study_id}.S3" in text
    assert "ph" in text
