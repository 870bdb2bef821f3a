"""Journaled file moves: one step done again or finished after a crash, one batch applied
twice at once."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

import pytest

from db import file_journal
from db.file_journal import (
    FileMoveStep,
    apply_batch,
    carry_out,
    partial_path,
    replaced_path,
    replay_pending,
)
from resolvers.context import SYSTEM, Services, unit_of_work


def step(source: Path, destination: Path | None) -> FileMoveStep:
    return FileMoveStep(id=1, batch="b", source=source, destination=destination)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_move_done_twice_is_done_once(tmp_path: Path) -> None:
    source = write(tmp_path / "work" / "a.biom", "a")
    destination = tmp_path / "BIOM" / "7" / "a.biom"
    carry_out(step(source, destination))
    write(source, "a new file the plugin wrote later")
    source.unlink()
    carry_out(step(source, destination))
    assert destination.read_text() == "a"
    assert sorted(p.name for p in destination.parent.iterdir()) == ["a.biom"]


def test_a_replacing_move_finishes_after_a_crash_between_its_renames(tmp_path: Path) -> None:
    source = write(tmp_path / "work" / "index.html", "new")
    destination = write(tmp_path / "BIOM" / "7" / "index.html", "old")
    os.replace(destination, replaced_path(destination))  # the crash came after this rename
    carry_out(step(source, destination))
    carry_out(step(source, destination))
    assert destination.read_text() == "new"
    assert not replaced_path(destination).exists()
    assert not source.exists()


def test_a_removal_is_idempotent(tmp_path: Path) -> None:
    folder = write(tmp_path / "BIOM" / "7" / "support" / "s.css", "x").parent
    carry_out(step(folder, None))
    carry_out(step(folder, None))
    assert not folder.exists()


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_across_file_systems_the_copy_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    rename = os.rename

    def no_cross_device_rename(source: Path, destination: Path) -> None:
        if "work" in Path(source).parts and "work" not in Path(destination).parts:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        rename(source, destination)

    monkeypatch.setattr(file_journal.os, "rename", no_cross_device_rename)
    if kind == "file":
        source = write(tmp_path / "work" / "a.biom", "a")
    else:
        source = write(tmp_path / "work" / "dir" / "inner" / "x.txt", "x").parent.parent
    destination = tmp_path / "BIOM" / "7" / source.name
    write(partial_path(destination), "left by an earlier crash")
    carry_out(step(source, destination))
    assert not source.exists()
    assert not partial_path(destination).exists()
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == []
    if kind == "file":
        assert destination.read_text() == "a"
    else:
        assert (destination / "inner" / "x.txt").read_text() == "x"


async def test_a_batch_applied_by_two_processes_at_once_is_carried_out_once(
    services: Services, tmp_path: Path
) -> None:
    sources = [write(tmp_path / "work" / f"{i}.biom", str(i)) for i in range(50)]
    folder = tmp_path / "BIOM" / "9"
    async with unit_of_work(services, SYSTEM) as ctx:
        for source in sources:
            ctx.plan_move(source, folder / source.name)
        batch = ctx.file_move_batch
        ctx.file_move_batch = None  # left for the two appliers below
    assert batch is not None

    done = await asyncio.gather(
        apply_batch(services.sessions, batch), apply_batch(services.sessions, batch)
    )

    assert sorted(done) == [0, 50]
    assert sorted(p.name for p in folder.iterdir()) == sorted(s.name for s in sources)
    assert (await replay_pending(services.sessions)).done == 0
