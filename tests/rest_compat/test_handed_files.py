"""Where handed-over files may come from: completion outputs, HTML summaries, the cloud routes.

The server here keeps its working dir outside the data dir and has one configured
`QIITA_PLUGIN_OUTPUT_ROOTS` folder (on another file system when /dev/shm is one).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from db.models import Account, Artifact, StoredFile
from db.settings import Settings
from resolvers.context import Services, unit_of_work
from resolvers.errors import UnsafePath
from resolvers.files import client_files
from tests.builders.accounts import bearer, token_for
from tests.builders.studies import make_study_with_prep
from tests.builders.world import (
    SYSTEM,
    World,
    completion,
    make_fastq,
    make_owner,
    make_world_job,
    mount_of,
    refusal,
    write_file,
)
from tests.rest_compat.test_artifacts import inject_fields, summary_files
from tests.rest_compat.test_cloud import NOT_IN_A_MOUNTPOINT, fetch_url
from tests.rest_compat.test_completion import complete, fetch_job, run_validator, validators_of

SETTING = "QIITA_PLUGIN_OUTPUT_ROOTS"
PUSH = "/cloud/push_file_to_central/"


@pytest.fixture
def plugin_root(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="qiita-plugin-out-", dir=shm))
        yield folder.resolve()
        shutil.rmtree(folder, ignore_errors=True)
        return
    folder = tmp_path / "plugin-out"
    folder.mkdir()
    yield folder.resolve()


@pytest.fixture
def settings(settings: Settings, plugin_root: Path, tmp_path: Path) -> Settings:
    return settings.replace(
        working_dir=tmp_path / "scratch" / "jobs", plugin_output_roots=(plugin_root,)
    )


def database_file(services: Services) -> Path:
    """The SQLite database; on PostgreSQL a stand-in where the default database would be."""
    found = services.settings.database_file
    if found is not None and found.exists():
        return found
    return write_file(services.settings.resolved_data_dir / "qiita.sqlite", "SQLite format 3")


async def stored_paths(services: Services, artifact_id: int) -> list[Path]:
    mount = await mount_of(services, "BIOM")
    async with services.sessions() as session:
        rows = await session.execute(
            select(StoredFile.relpath).where(StoredFile.artifact_id == artifact_id)
        )
        return [mount / relpath for relpath in rows.scalars()]


async def patch_summary(
    client: httpx.AsyncClient, artifact_id: int, value: str | Path, token: str
) -> httpx.Response:
    return await client.patch(
        f"/qiita_db/artifacts/{artifact_id}/",
        data={"op": "add", "path": "/html_summary/", "value": str(value)},
        headers=bearer(token),
    )


async def other_study_fastq(services: Services, tmp_path: Path) -> tuple[int, list[Path]]:
    """A private FASTQ artifact of another owner's study, and its stored files."""
    owner = await make_owner(services)
    study_id, prep_id = await make_study_with_prep(services, owner, ["O1"])
    uploads = services.settings.resolved_data_dir / "uploads" / str(study_id)
    artifact_id = await make_fastq(services, prep_id, uploads)
    folder = await mount_of(services, "FASTQ") / str(artifact_id)
    return artifact_id, sorted(folder.iterdir())


async def owner_token(services: Services, world: World) -> str:
    async with services.sessions() as session:
        account = await session.get(Account, world.owner_id)
    assert account is not None
    return await token_for(services, "user", account=account)


async def test_outputs_in_a_configured_root_become_artifacts_in_the_data_dir(
    client: httpx.AsyncClient, services: Services, world: World, plugin_root: Path
) -> None:
    job_id = await make_world_job(services, world, status="running")
    outputs = {
        "deblur final table": [(write_file(plugin_root / job_id / "final.biom", "F"), "biom")],
        "deblur reference hit table": [(write_file(plugin_root / "hits.biom", "H"), "biom")],
    }
    assert (await complete(client, job_id, completion(outputs), world.deblur.token)).is_success
    for validator in await validators_of(services, job_id):
        assert (await run_validator(client, world, validator)).status_code == 200
    assert (await fetch_job(client, world, job_id))["status"] == "success"
    async with services.sessions() as session:
        created = (
            await session.execute(select(Artifact.id).where(Artifact.produced_by_job_id == job_id))
        ).scalars()
        moved = [
            path for artifact_id in created for path in await stored_paths(services, artifact_id)
        ]
    data_dir = services.settings.resolved_data_dir
    assert sorted(p.name for p in moved) == ["final.biom", "hits.biom"]
    assert all(p.is_relative_to(data_dir / "BIOM") and p.is_file() for p in moved)
    assert not (plugin_root / job_id / "final.biom").exists()
    assert not (plugin_root / "hits.biom").exists()


async def test_outputs_in_the_working_dir_outside_the_data_dir_are_accepted(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    folder = services.settings.resolved_working_dir / job_id
    assert not folder.is_relative_to(services.settings.resolved_data_dir)
    table = write_file(folder / "final.biom", "F")
    body = completion({"deblur final table": [(table, "biom")]})
    assert (await complete(client, job_id, body, world.deblur.token)).is_success
    (validator,) = await validators_of(services, job_id)
    assert (await run_validator(client, world, validator)).status_code == 200
    assert (await fetch_job(client, world, job_id))["status"] == "success"
    assert not table.exists()


async def test_outputs_in_an_unconfigured_folder_fail_the_job_naming_the_setting(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    job_id = await make_world_job(services, world, status="running")
    stray = write_file(tmp_path / "elsewhere" / "echo.biom")
    body = completion({"deblur final table": [(stray, "biom")]})
    assert (await complete(client, job_id, body, world.deblur.token)).is_success
    job = await fetch_job(client, world, job_id)
    assert job["status"] == "error"
    assert job["msg"] == refusal(services, stray)["message"]
    assert SETTING in job["msg"]
    assert await validators_of(services, job_id) == []
    assert stray.read_text() == "content\n"


async def test_a_link_from_a_root_to_outside_is_refused(
    client: httpx.AsyncClient, services: Services, world: World, plugin_root: Path, tmp_path: Path
) -> None:
    secret = write_file(tmp_path / "secret" / "table.biom", "secret")
    os.symlink(secret, plugin_root / "table.biom")
    os.symlink(secret.parent, plugin_root / "folder")
    for path in [plugin_root / "table.biom", plugin_root / "folder" / "table.biom"]:
        job_id = await make_world_job(services, world, status="running")
        body = completion({"deblur final table": [(path, "biom")]})
        assert (await complete(client, job_id, body, world.deblur.token)).is_success
        job = await fetch_job(client, world, job_id)
        assert (job["status"], job["msg"]) == ("error", refusal(services, path)["message"])
    assert secret.read_text() == "secret"


async def test_html_summary_from_a_configured_root_is_moved_in(
    client: httpx.AsyncClient, services: Services, world: World, plugin_root: Path
) -> None:
    page = write_file(plugin_root / "summary" / "index.html", "<p>hi</p>")
    response = await patch_summary(client, world.fastq_id, page, world.type_plugin.token)
    assert response.status_code == 200
    stored = await mount_of(services, "FASTQ") / str(world.fastq_id) / "index.html"
    assert stored.read_text() == "<p>hi</p>"
    assert not page.exists()


async def test_html_summary_from_another_artifact_is_refused_and_nothing_moves(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    """A user who may change the world's study, not read the other artifact; and a plugin."""
    other_id, other_files = await other_study_fastq(services, tmp_path)
    before = await summary_files(services, world.fastq_id)
    user = await owner_token(services, world)
    for token in [user, world.type_plugin.token]:
        response = await patch_summary(client, world.fastq_id, other_files[0], token)
        assert response.status_code == 403
        if token != user:
            assert response.json() == refusal(services, other_files[0])
    assert all(path.is_file() for path in other_files)
    assert await summary_files(services, world.fastq_id) == before
    async with services.sessions() as session:
        rows = await session.execute(
            select(StoredFile.relpath).where(StoredFile.artifact_id == other_id)
        )
        assert sorted(rows.scalars()) == sorted(f"{other_id}/{p.name}" for p in other_files)


async def test_html_summary_from_the_database_or_a_template_is_refused(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    """The owner and clients; the database where it is, and where it is by default."""
    data_dir = services.settings.resolved_data_dir
    database = database_file(services)
    default_place = data_dir / "qiita.sqlite"
    if not default_place.exists():
        write_file(default_place, "SQLite format 3")
    template = write_file(data_dir / "templates" / f"{world.study_id}_prep_1.txt", "sample_name")
    wal = write_file(data_dir / "qiita.sqlite-wal", "wal")
    before = await summary_files(services, world.fastq_id)
    user = await owner_token(services, world)
    for path in [database, default_place, template, wal]:
        for token in [user, world.type_plugin.token, world.system_token]:
            response = await patch_summary(client, world.fastq_id, path, token)
            assert response.status_code == 403, (path, token)
            if token != user:
                assert response.json() == refusal(services, path)
    assert database.is_file()
    assert default_place.is_file()
    assert template.is_file()
    assert wal.is_file()
    assert await summary_files(services, world.fastq_id) == before


async def test_a_summary_folder_holding_a_link_out_of_it_is_refused(
    client: httpx.AsyncClient, services: Services, world: World, plugin_root: Path
) -> None:
    page = write_file(plugin_root / "s" / "index.html")
    folder = plugin_root / "s" / "support"
    folder.mkdir()
    os.symlink(database_file(services), folder / "leak")
    value = json.dumps({"html": str(page), "dir": str(folder)})
    response = await client.patch(
        f"/qiita_db/artifacts/{world.fastq_id}/",
        data={"op": "add", "path": "/html_summary/", "value": value},
        headers=bearer(world.type_plugin.token),
    )
    assert response.status_code == 403
    assert response.json() == {
        "message": f"The folder {folder} holds links that lead out of it: {folder / 'leak'}"
    }
    assert page.exists()
    assert (folder / "leak").is_symlink()


async def test_upload_folders_of_other_studies_are_refused_to_users(
    client: httpx.AsyncClient, services: Services, world: World, tmp_path: Path
) -> None:
    owner = await make_owner(services)
    other_study, _ = await make_study_with_prep(services, owner, ["U1"])
    uploads = services.settings.resolved_data_dir / "uploads"
    foreign = write_file(uploads / str(other_study) / "page.html")
    response = await patch_summary(
        client, world.fastq_id, foreign, await owner_token(services, world)
    )
    assert response.status_code == 403
    assert foreign.exists()


async def test_cloud_never_serves_the_database_or_the_data_dirs_own_files(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    data_dir = services.settings.resolved_data_dir
    stand_in = write_file(data_dir / "qiita.sqlite", "SQLite format 3")
    own = write_file(data_dir / "register.log", "log")
    for token in [world.system_token, world.type_plugin.token]:
        for path in [stand_in, database_file(services), own]:
            response = await client.get(fetch_url(path), headers=bearer(token))
            assert response.status_code == 403, path
            assert b"SQLite" not in response.content
        pushed = await client.post(
            PUSH, files=[(str(data_dir), ("new.sqlite", b"X"))], headers=bearer(token)
        )
        assert (pushed.status_code, pushed.json()) == (403, NOT_IN_A_MOUNTPOINT)
    assert not (data_dir / "new.sqlite").exists()


async def test_cloud_reads_and_writes_the_working_dir_outside_the_data_dir(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    folder = services.settings.resolved_working_dir / "job9"
    token = bearer(world.type_plugin.token)
    pushed = await client.post(PUSH, files=[(str(folder), ("out.txt", b"OUT"))], headers=token)
    assert pushed.status_code == 200
    assert (folder / "out.txt").read_bytes() == b"OUT"
    fetched = await client.get(fetch_url(folder / "out.txt"), headers=token)
    assert (fetched.status_code, fetched.content) == (200, b"OUT")


async def test_a_root_holding_the_data_dir_still_refuses_what_the_server_manages(
    services: Services, world: World, tmp_path: Path
) -> None:
    """An administrator's root above the data dir (and the SQLite file) opens nothing managed."""
    wide = dataclasses.replace(
        services, settings=services.settings.replace(plugin_output_roots=(tmp_path,))
    )
    data_dir = services.settings.resolved_data_dir
    artifact_file = next((await mount_of(services, "FASTQ") / str(world.fastq_id)).iterdir())
    refused = [
        database_file(services),
        write_file(data_dir / "register.log"),
        write_file(data_dir / "templates" / "1_prep_1.txt"),
        artifact_file,
        data_dir,
        data_dir / "uploads",
        tmp_path,
        tmp_path / "scratch",
    ]
    accepted = write_file(tmp_path / "free" / "table.biom")
    async with unit_of_work(wide, SYSTEM) as ctx:
        for path in refused:
            with pytest.raises(UnsafePath, match=SETTING):
                await client_files.resolve_handed_file(ctx, str(path))
        assert await client_files.resolve_handed_file(ctx, str(accepted)) == accepted.resolve()


async def test_injected_files_come_from_a_root_but_never_from_another_artifact(
    client: httpx.AsyncClient, services: Services, world: World, plugin_root: Path, tmp_path: Path
) -> None:
    _, other_files = await other_study_fastq(services, tmp_path)
    _, prep_id = await make_study_with_prep(services, world.owner_id, ["I1"])
    refused = await client.post(
        "/qiita_db/artifact/",
        data=inject_fields(world, {"biom": [str(other_files[0])]}, prep_id=str(prep_id)),
        headers=bearer(world.deblur.token),
    )
    assert (refused.status_code, refused.json()) == (403, refusal(services, other_files[0]))
    assert other_files[0].is_file()
    table = write_file(plugin_root / "injected" / "table.biom")
    accepted = await client.post(
        "/qiita_db/artifact/",
        data=inject_fields(world, {"biom": [str(table)]}, prep_id=str(prep_id)),
        headers=bearer(world.deblur.token),
    )
    assert accepted.status_code == 200
