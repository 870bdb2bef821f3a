"""`qiita-gateway fsck`: what it reports, what `--repair` repairs, and its exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from db.models import PendingFileMove, StoredFile
from db.settings import Settings
from resolvers.context import Services, unit_of_work
from resolvers.files.fsck import LOST_AND_FOUND, FsckReport, run_fsck
from tests.builders.world import SYSTEM, World, job_dir, mount_of, write_file
from tests.cli.test_cli import run_cli


async def fsck(services: Services, *, repair: bool = False) -> FsckReport:
    async with unit_of_work(services, SYSTEM) as ctx:
        return await run_fsck(ctx, repair=repair)


def kinds(report: FsckReport) -> dict[str, str]:
    return {Path(p.path).name: p.kind for p in report.problems}


async def fastq_files(services: Services, world: World) -> list[Path]:
    folder = await mount_of(services, "FASTQ")
    async with services.sessions() as session:
        relpaths = await session.execute(
            select(StoredFile.relpath)
            .where(StoredFile.artifact_id == world.fastq_id)
            .order_by(StoredFile.id)
        )
        return [folder / relpath for relpath in relpaths.scalars()]


async def test_a_consistent_data_dir_is_clean(services: Services, world: World) -> None:
    report = await fsck(services)
    assert report.clean
    assert report.rows_checked >= 2
    assert report.problems == []


async def test_reports_every_disagreement_and_repairs_what_it_safely_can(
    services: Services, world: World
) -> None:
    forward, barcodes = await fastq_files(services, world)
    barcodes.unlink()
    not_moved_yet = job_dir(services, "j1") / "late.fastq"
    not_moved_yet.parent.mkdir(parents=True)
    forward.rename(not_moved_yet)
    async with unit_of_work(services, SYSTEM) as ctx:
        ctx.plan_move(not_moved_yet, forward)
        ctx.file_move_batch = None  # journaled as a crashed process left it: not carried out
    stray = write_file(forward.parent / "stray.txt", "left by a crash\n")
    write_file(await mount_of(services, "BIOM") / "77" / "table.biom", "t")

    report = await fsck(services)
    assert not report.clean
    assert kinds(report) == {
        forward.name: "missing",
        barcodes.name: "missing",
        "stray.txt": "orphan",
        "table.biom": "orphan",
        "late.fastq": "pending_move",
    }
    assert stray.is_file()

    repaired = await fsck(services, repair=True)
    assert {p.kind for p in repaired.repaired} == {"orphan", "pending_move"}
    assert kinds(repaired) == {barcodes.name: "missing"}
    assert repaired.quarantine is not None
    quarantine = Path(repaired.quarantine)
    assert quarantine.parent == services.settings.resolved_data_dir / LOST_AND_FOUND
    assert (quarantine / "FASTQ" / str(world.fastq_id) / "stray.txt").read_text() == (
        "left by a crash\n"
    )
    assert (quarantine / "BIOM" / "77" / "table.biom").read_text() == "t"
    assert not stray.exists()
    assert forward.is_file()
    assert not not_moved_yet.exists()
    async with services.sessions() as session:
        assert (await session.execute(select(PendingFileMove))).first() is None

    forward.write_text(forward.read_text().replace("A", "C"))
    assert kinds(await fsck(services)) == {barcodes.name: "missing", forward.name: "wrong_checksum"}
    forward.write_text("longer than before\n")
    assert kinds(await fsck(services)) == {barcodes.name: "missing", forward.name: "wrong_size"}


async def test_files_inside_a_named_folder_are_not_orphans(
    services: Services, world: World
) -> None:
    html = write_file(job_dir(services, "s") / "index.html", "<html/>")
    support = job_dir(services, "s") / "support"
    write_file(support / "css" / "style.css", "body {}")
    async with unit_of_work(services, SYSTEM) as ctx:
        from resolvers.artifacts.artifacts import set_html_summary

        await set_html_summary(ctx, world.fastq_id, str(html), str(support))
    folder = await mount_of(services, "FASTQ") / str(world.fastq_id)
    assert (folder / "support" / "css" / "style.css").is_file()
    assert (await fsck(services)).clean


def test_cli_exit_codes_and_json(settings: Settings) -> None:
    url = settings.database_url
    data_dir = settings.resolved_data_dir
    clean = run_cli("fsck", "--json", data_dir=data_dir, database_url=url)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["clean"] is True

    orphan = write_file(data_dir / "BIOM" / "5" / "x.biom", "x")
    found = run_cli("fsck", "--json", data_dir=data_dir, database_url=url)
    assert found.returncode == 1, found.stderr
    problems = json.loads(found.stdout)["problems"]
    assert [(p["kind"], p["path"]) for p in problems] == [("orphan", os.fspath(orphan))]

    text = run_cli("fsck", data_dir=data_dir, database_url=url)
    assert text.returncode == 1
    assert f"orphan: {orphan} (no file row names it)" in text.stdout

    repaired = run_cli("fsck", "--repair", data_dir=data_dir, database_url=url)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "1 repaired, clean." in repaired.stdout
    assert not orphan.exists()
    assert list((data_dir / LOST_AND_FOUND).glob("*/BIOM/5/x.biom"))

    bad = run_cli("fsck", "--fix", data_dir=data_dir, database_url=url)
    assert bad.returncode == 2
