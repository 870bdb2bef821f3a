"""`qiita-gateway fsck`: every disagreement between file rows and the files on disk.

Checked: each `stored_file` row's file exists and, where a checksum is recorded, has the
recorded size and CRC-32; every file in an artifact type's mountpoint is named by a row
(a row naming a folder covers what is inside); the file-move journal is empty.

With `repair`: the journal is replayed first (db/file_journal.py), then files no row names
are moved into `<data dir>/lost+found/<UTC time>/<mountpoint>/...` (never deleted). Rows
whose file is missing or differs are only reported: the data to repair them is gone.

The folders are walked before the rows are read: files enter a mountpoint only after the
rows naming them have committed, so a release finishing meanwhile is not taken for orphans.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from db.file_journal import partial_path, pending_steps, replaced_path, replay_pending
from db.files import content_size, crc32_checksum
from db.models import ArtifactType, DataDirectory, StoredFile
from resolvers.context import Context

LOST_AND_FOUND = "lost+found"

ProblemKind = Literal["missing", "wrong_size", "wrong_checksum", "orphan", "pending_move"]


@dataclass(frozen=True)
class FileProblem:
    kind: ProblemKind
    path: str
    detail: str
    stored_file_id: int | None = None


@dataclass
class FsckReport:
    rows_checked: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    repaired: list[FileProblem] = field(default_factory=list)
    quarantine: str | None = None

    @property
    def clean(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "rows_checked": self.rows_checked,
            "problems": [asdict(p) for p in self.problems],
            "repaired": [asdict(p) for p in self.repaired],
            "quarantine": self.quarantine,
        }

    def lines(self) -> list[str]:
        out = [f"{p.kind}: {p.path} ({p.detail})" for p in self.problems]
        out += [f"repaired {p.kind}: {p.path} ({p.detail})" for p in self.repaired]
        verdict = "clean" if self.clean else f"{len(self.problems)} problem(s) remain"
        out.append(
            f"{self.rows_checked} file row(s) checked, {len(self.repaired)} repaired, {verdict}."
        )
        return out


def _files_below(mount: Path) -> list[Path]:
    if not mount.is_dir():
        return []
    return sorted(p for p in mount.rglob("*") if p.is_symlink() or not p.is_dir())


def _covered(relpath: str, named: set[str]) -> bool:
    """Named itself, or inside a named folder."""
    parts = relpath.split("/")
    return any("/".join(parts[:i]) in named for i in range(1, len(parts) + 1))


async def _artifact_mounts(ctx: Context) -> dict[str, Path]:
    query = (
        select(DataDirectory.mountpoint)
        .join(ArtifactType, ArtifactType.name == DataDirectory.kind)
        .group_by(DataDirectory.mountpoint)
        .order_by(DataDirectory.mountpoint)
    )
    return {m: ctx.files.mount(m) for m in (await ctx.session.execute(query)).scalars()}


async def _unnamed_files(ctx: Context) -> list[tuple[str, Path]]:
    """(mountpoint, path) of files in artifact mountpoints that no row names."""
    mounts = await _artifact_mounts(ctx)
    on_disk = {m: _files_below(path) for m, path in mounts.items()}
    await ctx.session.rollback()  # read the rows after the walk, in a fresh snapshot
    rows = await ctx.session.execute(
        select(DataDirectory.mountpoint, StoredFile.relpath).join(
            DataDirectory, DataDirectory.id == StoredFile.data_directory_id
        )
    )
    named: dict[str, set[str]] = {}
    for mountpoint, relpath in rows:
        named.setdefault(mountpoint, set()).add(relpath)
    journaled: set[Path] = set()
    for step in await pending_steps(ctx.session):
        journaled.add(step.source)
        if step.destination is not None:
            journaled |= {step.destination, partial_path(step.destination),
                          replaced_path(step.destination)}  # fmt: skip
    unnamed: list[tuple[str, Path]] = []
    for mountpoint, mount in mounts.items():
        for path in on_disk[mountpoint]:
            relpath = path.relative_to(mount).as_posix()
            if _covered(relpath, named.get(mountpoint, set())) or path in journaled:
                continue
            if _exists(path):
                unnamed.append((mountpoint, path))
    return unnamed


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


async def _row_problems(ctx: Context, report: FsckReport) -> None:
    query = (
        select(StoredFile, DataDirectory.mountpoint)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .order_by(StoredFile.id)
    )
    for row, mountpoint in await ctx.session.execute(query):
        report.rows_checked += 1
        path = ctx.files.root / mountpoint / row.relpath
        if not _exists(path):
            report.problems.append(FileProblem("missing", str(path), "no such file", row.id))
            continue
        if not row.checksum or row.checksum_algorithm != "crc32":
            continue
        size = content_size(path)
        if size != row.size:
            detail = f"{size} bytes, {row.size} recorded"
            report.problems.append(FileProblem("wrong_size", str(path), detail, row.id))
        elif crc32_checksum(path) != row.checksum:
            detail = f"CRC-32 differs from the recorded {row.checksum}"
            report.problems.append(FileProblem("wrong_checksum", str(path), detail, row.id))


def _quarantine(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(path, target)
    except OSError:
        shutil.move(os.fspath(path), os.fspath(target))


async def run_fsck(ctx: Context, *, repair: bool = False) -> FsckReport:
    """Check (and with `repair`, repair what can be) the file rows against the files."""
    report = FsckReport()
    if repair:
        replayed = await replay_pending(ctx.sessions)
        if replayed.done:
            detail = f"{replayed.done} planned file move(s) finished"
            report.repaired.append(FileProblem("pending_move", "file-move journal", detail))
    for step in await pending_steps(ctx.session):
        action = f"move to {step.destination}" if step.destination else "removal"
        detail = f"batch {step.batch}: {action} not done"
        report.problems.append(FileProblem("pending_move", str(step.source), detail))
    unnamed = await _unnamed_files(ctx)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    quarantine = ctx.files.root / LOST_AND_FOUND / stamp
    for mountpoint, path in unnamed:
        problem = FileProblem("orphan", str(path), "no file row names it")
        if not repair:
            report.problems.append(problem)
            continue
        target = quarantine / mountpoint / path.relative_to(ctx.files.mount(mountpoint))
        try:
            _quarantine(path, target)
        except FileNotFoundError:
            continue
        except OSError as exc:
            report.problems.append(FileProblem("orphan", str(path), f"cannot move: {exc}"))
            continue
        report.repaired.append(FileProblem("orphan", str(path), f"moved to {target}"))
        report.quarantine = str(quarantine)
    await _row_problems(ctx, report)
    return report
