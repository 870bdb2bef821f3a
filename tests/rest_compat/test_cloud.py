"""`/cloud/...` file transfer, every path confined to the data dir (plugin-api.md §6)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import httpx

from db.models import StoredFile
from resolvers.context import Services, unit_of_work
from tests.builders.accounts import bearer
from tests.builders.world import SYSTEM, World, completion, job_dir, make_world_job, write_file
from tests.rest_compat.test_completion import complete, validators_of

FETCH = "/cloud/fetch_file_from_central/"
PUSH = "/cloud/push_file_to_central/"
OUTSIDE = {"message": "You cannot access files outside of the BASE_DATA_DIR of Qiita!"}
NOT_PRESENT = {"message": "The requested file is not present in Qiita's BASE_DATA_DIR!"}
NOT_IN_A_MOUNTPOINT = {
    "message": "You cannot access files outside of the storage folders of Qiita!"
}
ALREADY = {"message": "The requested file is already present in Qiita's BASE_DATA_DIR!"}


def fetch_url(path: str | Path) -> str:
    """As qiita_client builds it: the absolute path without its leading `/`."""
    return FETCH + str(path).lstrip("/")


async def test_fetch_a_file_sends_its_bytes(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    path = write_file(services.settings.resolved_data_dir / "BIOM" / "9" / "t.biom", "bytes!")
    response = await client.get(fetch_url(path), headers=bearer(world.type_plugin.token))
    assert response.status_code == 200
    assert response.content == b"bytes!"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename=t.biom"
    assert response.headers["content-transfer-encoding"] == "binary"
    assert response.headers["cache-control"] == "no-cache"


async def test_fetch_a_registered_directory_sends_a_zip(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    root = services.settings.resolved_data_dir
    write_file(root / "BIOM" / "5" / "plots" / "a.txt", "A")
    write_file(root / "BIOM" / "5" / "plots" / "sub" / "b.txt", "B")
    async with unit_of_work(services, SYSTEM) as ctx:
        ctx.session.add(StoredFile(data_directory_id=16, relpath="5/plots", filepath_type_id=8))
    response = await client.get(
        fetch_url(root / "BIOM" / "5" / "plots"), headers=bearer(world.type_plugin.token)
    )
    assert response.status_code == 200
    assert response.headers["is-qiita-directory"] == "yes"
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["a.txt", "sub/b.txt"]
        assert archive.read("sub/b.txt") == b"B"


async def test_fetch_an_unregistered_directory_is_403(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    folder = services.settings.resolved_data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    response = await client.get(fetch_url(folder), headers=bearer(world.type_plugin.token))
    assert response.status_code == 403
    assert response.json() == {"message": "You cannot access this directory!"}


async def test_fetch_missing_file_is_403(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    missing = services.settings.resolved_data_dir / "BIOM" / "nothing.biom"
    response = await client.get(fetch_url(missing), headers=bearer(world.type_plugin.token))
    assert (response.status_code, response.json()) == (403, NOT_PRESENT)


async def test_fetch_outside_the_data_dir_is_403(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    root = services.settings.resolved_data_dir
    secret = write_file(tmp_path / "secret.txt", "secret")
    sibling = write_file(Path(f"{root}-sibling") / "x.txt")
    link = root / "uploads" / "link.txt"
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(secret, link)
    dotted = FETCH + str(root).lstrip("/") + "/%2E%2E/secret.txt"
    for url in [dotted, fetch_url(secret), fetch_url(sibling), fetch_url(link)]:
        response = await client.get(url, headers=bearer(world.type_plugin.token))
        assert (response.status_code, response.json()) == (403, OUTSIDE), url
        assert b"secret" not in response.content


async def test_fetch_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get(FETCH + "tmp/x")
    assert response.status_code == 400


async def test_push_stores_files_under_the_data_dir(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    root = services.settings.resolved_data_dir
    folder = root / "working_dir" / "job1"
    files = [
        (str(folder), ("a.biom", b"AAA")),
        ("working_dir/job1/sub", ("b.txt", b"BBB")),
    ]
    response = await client.post(PUSH, files=files, headers=bearer(world.type_plugin.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=UTF-8"
    assert response.text == (
        "Stored 2 files into BASE_DATA_DIR of Qiita:\n"
        f" - {folder / 'a.biom'}\n - {folder / 'sub' / 'b.txt'}\n"
    )
    assert (folder / "a.biom").read_bytes() == b"AAA"
    assert (folder / "sub" / "b.txt").read_bytes() == b"BBB"


async def test_push_refuses_existing_files_and_writes_nothing(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    folder = services.settings.resolved_data_dir / "working_dir" / "job2"
    write_file(folder / "exists.txt", "old")
    files = [(str(folder), ("new.txt", b"N")), (str(folder), ("exists.txt", b"X"))]
    response = await client.post(PUSH, files=files, headers=bearer(world.type_plugin.token))
    assert (response.status_code, response.json()) == (403, ALREADY)
    assert (folder / "exists.txt").read_text() == "old"
    assert not (folder / "new.txt").exists()


ESCAPING_FOLDERS = ["../escape", "/tmp/escape", "working_dir/../../escape"]


async def test_push_outside_the_data_dir_is_403(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for field in ESCAPING_FOLDERS:
        root = services.settings.resolved_data_dir
        response = await client.post(
            PUSH, files=[(field, ("x.txt", b"X"))], headers=bearer(world.type_plugin.token)
        )
        if field == "/tmp/escape":  # taken below the data dir, where no mountpoint is
            assert (response.status_code, response.json()) == (403, NOT_IN_A_MOUNTPOINT)
            assert not (root / "tmp").exists()
            continue
        assert (response.status_code, response.json()) == (403, OUTSIDE)
        assert not (root.parent / "escape").exists()


async def test_push_without_files_is_400(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(PUSH, data={"a": "b"}, headers=bearer(world.type_plugin.token))
    assert (response.status_code, response.json()) == (
        400,
        {"message": "No files to upload defined!"},
    )


async def test_fetch_a_directory_a_validator_in_progress_must_read(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    table = write_file(job_dir(services, job_id) / "t.biom")
    plots = job_dir(services, job_id) / "plots"
    write_file(plots / "p.txt", "P")
    outputs = {"deblur final table": [(table, "biom"), (plots, "directory")]}
    await complete(client, job_id, completion(outputs), world.deblur.token)
    assert len(await validators_of(services, job_id)) == 1
    response = await client.get(fetch_url(plots), headers=bearer(world.type_plugin.token))
    assert response.status_code == 200
    assert response.headers["is-qiita-directory"] == "yes"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["p.txt"]
