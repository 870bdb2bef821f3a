"""`create_artifact`: origins, inherited visibility, file moves and undo."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from sqlalchemy import select, update

from db.models import Artifact, StoredFile
from resolvers.artifacts import artifacts
from resolvers.context import Services, unit_of_work
from resolvers.errors import Invalid
from resolvers.jobs import lifecycle
from tests.builders.world import SYSTEM, World, make_world, make_world_job, mount_of, write_file


@pytest.fixture
async def world(services: Services, tmp_path: Path) -> World:
    return await make_world(services, tmp_path)


def output(services: Services, name: str) -> str:
    return str(write_file(services.settings.resolved_data_dir / "working_dir" / "x" / name, name))


async def create_child(services: Services, world: World, parents: list[int], name: str) -> int:
    async with unit_of_work(services, SYSTEM) as ctx:
        artifact = await artifacts.create_artifact(
            ctx,
            artifact_type="BIOM",
            files=[(output(services, name), "biom")],
            parents=parents,
            command_id=world.deblur_command_id,
            command_parameters={"Trim length": "150"},
        )
        return artifact.id


async def set_visibility(services: Services, artifact_id: int, visibility: str) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await ctx.session.execute(
            update(Artifact).where(Artifact.id == artifact_id).values(visibility=visibility)
        )


async def test_children_inherit_the_most_restrictive_visibility(
    services: Services, world: World
) -> None:
    expected = {
        "sandbox": "sandbox",
        "private": "private",
        "awaiting_approval": "awaiting_approval",
        "public": "public",
    }
    for index, (parent_visibility, child_visibility) in enumerate(expected.items()):
        await set_visibility(services, world.fastq_id, parent_visibility)
        child_id = await create_child(services, world, [world.fastq_id], f"t{index}.biom")
        async with services.sessions() as session:
            child = await session.get(Artifact, child_id)
            assert child is not None
            assert child.visibility == child_visibility, parent_visibility
            assert (child.study_id, child.prep_id) == (world.study_id, world.prep_id)
            assert child.data_type_id == 1


async def test_files_land_in_the_type_mountpoint_with_size_and_crc32(
    services: Services, world: World
) -> None:
    child_id = await create_child(services, world, [world.fastq_id], "table.biom")
    async with services.sessions() as session:
        stored = (
            await session.execute(select(StoredFile).where(StoredFile.artifact_id == child_id))
        ).scalar_one()
    assert stored.relpath == f"{child_id}/table.biom"
    assert (stored.size, stored.checksum) == (len("table.biom"), str(zlib.crc32(b"table.biom")))
    assert (await mount_of(services, "BIOM") / stored.relpath).read_text() == "table.biom"


def exists(path: str | Path) -> bool:
    return Path(path).exists()


async def test_a_failed_transaction_leaves_the_files_where_they_were(
    services: Services, world: World
) -> None:
    """Files move only after the commit (db/file_journal.py): a failed transaction moves none."""
    source = output(services, "undo.biom")
    seen: dict[str, object] = {}

    async def create_then_fail() -> None:
        async with unit_of_work(services, SYSTEM) as ctx:
            created = await artifacts.create_artifact(
                ctx,
                artifact_type="BIOM",
                files=[(source, "biom")],
                parents=[world.fastq_id],
                command_id=world.deblur_command_id,
                command_parameters={},
            )
            seen["id"] = created.id
            seen["moved"] = await mount_of(services, "BIOM") / str(created.id) / "undo.biom"
            seen["source there"] = exists(source)
            seen["destination there"] = exists(seen["moved"])  # type: ignore[arg-type]
            raise RuntimeError("before the commit")

    with pytest.raises(RuntimeError, match="before the commit"):
        await create_then_fail()
    assert seen["source there"] is True
    assert seen["destination there"] is False
    assert exists(source)
    assert not exists(seen["moved"])  # type: ignore[arg-type]
    async with services.sessions() as session:
        assert await session.get(Artifact, seen["id"]) is None


INVALID_REQUESTS: list[tuple[dict[str, object], str]] = [
    ({"files": []}, "An artifact needs at least one file."),
    ({"prep_id": 1, "data_type": "16S"}, "An artifact needs exactly one origin"),
    (
        {"parents": [1], "data_type": None},
        "Parents and processing parameters must be given together.",
    ),
    ({"artifact_type": "NOPE"}, "Unknown artifact type: NOPE"),
    ({"files": [("/nope/x.biom", "biom")]}, "The path /nope/x.biom is outside"),
]


async def test_invalid_requests_create_nothing(services: Services, world: World) -> None:
    for arguments, message in INVALID_REQUESTS:
        values: dict[str, object] = {
            "artifact_type": "BIOM",
            "files": [(output(services, "bad.biom"), "biom")],
            "data_type": "16S",
        } | arguments
        with pytest.raises(Invalid if "outside" not in message else Exception, match=message):
            async with unit_of_work(services, SYSTEM) as ctx:
                await artifacts.create_artifact(ctx, **values)  # type: ignore[arg-type]
        async with services.sessions() as session:
            count = (await session.execute(select(Artifact.id))).scalars().all()
            assert count == [world.fastq_id]


async def test_second_root_of_a_preparation_is_refused(services: Services, world: World) -> None:
    with pytest.raises(Exception, match=f"Prep template {world.prep_id} already has an artifact"):
        async with unit_of_work(services, SYSTEM) as ctx:
            await artifacts.create_artifact(
                ctx,
                artifact_type="FASTQ",
                files=[(output(services, "r.fastq"), "raw_forward_seqs")],
                prep_id=world.prep_id,
            )


async def test_conditional_status_moves(services: Services, world: World) -> None:
    job_id = await make_world_job(services, world, status="success")
    async with unit_of_work(services, SYSTEM) as ctx:
        assert not await lifecycle.change_status(ctx, job_id, expected=("success",), to="error")
        assert not await lifecycle.change_status(ctx, job_id, expected=("running",), to="queued")
        assert not await lifecycle.change_status(ctx, job_id, expected=("queued",), to="running")
    running = await make_world_job(services, world, status="running")
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await lifecycle.change_status(ctx, running, expected=("running",), to="waiting")
        assert not await lifecycle.change_status(ctx, running, expected=("running",), to="success")
