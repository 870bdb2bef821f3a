"""Crash-safe file moves: a journal written with the rows, carried out after commit.

Every place that puts client files into an artifact folder (validator release, direct
artifact creation, plugin injection, `/api/v1` attachment, HTML summaries) goes through
`plan_move`/`plan_removal` and never touches the files inside the transaction:

1. In the transaction that writes the `stored_file` rows, one `pending_file_move` row per
   step (source -> destination, or a source to remove) is written under a batch id.
   Nothing on disk changes yet.
2. After the commit, `apply_batch` carries the batch out: in a new transaction it deletes
   the batch's journal rows (which locks them: a second process applying the same batch
   waits and then finds nothing), performs the steps in id order, then commits.

Why this is safe on SQLite and PostgreSQL alike, wherever the process dies:

- Before the commit: neither rows nor journal entries exist, and no file has moved. The
  client's files are still where it left them, so the same request can simply be retried.
  An id that SQLite hands out again after such a rollback names a folder that never
  received a file, so a later release cannot collide with leftovers.
- After the commit, during the moves: the rows and the journal entries are committed
  (the journal transaction did not commit). `replay_pending`, run at start-up and by
  `qiita-gateway fsck --repair`, applies every pending batch again, from its first step.
  Each step is idempotent: a move is pending exactly while its source exists, because the
  source disappears in one atomic operation (a `rename`) once the destination is complete;
  a removal of a missing path is done.
- A move never leaves a half-written destination: within one file system it is a
  `rename`; across file systems the copy goes to a hidden `.partial` name next to the
  destination and is renamed into place only when complete, then the source is removed
  (a folder is first renamed to a hidden `.moved` name, then deleted).
- A move onto an existing file (a replaced HTML summary) first renames that file to a
  hidden `.replaced` name and deletes it once the move is done.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import PendingFileMove

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileMoveStep:
    """A journal entry as fsck and replay see it."""

    id: int
    batch: str
    source: Path
    destination: Path | None


def plan_move(session: AsyncSession, batch: str, source: Path, destination: Path) -> None:
    """Journal moving `source` to `destination` once the session's transaction commits."""
    session.add(PendingFileMove(batch=batch, source=str(source), destination=str(destination)))


def plan_removal(session: AsyncSession, batch: str, path: Path) -> None:
    """Journal removing `path` (a file or folder) once the session's transaction commits."""
    session.add(PendingFileMove(batch=batch, source=str(path), destination=None))


def partial_path(destination: Path) -> Path:
    """Where a copy across file systems is written before it is renamed into place."""
    return destination.with_name(f".{destination.name}.partial")


def replaced_path(destination: Path) -> Path:
    """Where the file a move replaces is set aside until the move is done."""
    return destination.with_name(f".{destination.name}.replaced")


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif _exists(path):
        path.unlink()


def _rename_into_place(source: Path, destination: Path) -> None:
    """Rename, setting aside what `destination` holds: never a moment without either."""
    if _exists(destination):
        os.replace(destination, replaced_path(destination))
    os.rename(source, destination)


def _copy_across(source: Path, destination: Path) -> None:
    partial = partial_path(destination)
    _remove(partial)
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, partial, symlinks=True)
        _rename_into_place(partial, destination)
        # Renamed first so that a crash while deleting never leaves a partial source behind.
        done = source.with_name(f".{source.name}.moved")
        _remove(done)
        os.rename(source, done)
        _remove(done)
    else:
        shutil.copy2(source, partial, follow_symlinks=False)
        _rename_into_place(partial, destination)
        source.unlink()


def carry_out(step: FileMoveStep) -> None:
    """Do one step; doing it again, or after a crash half-way, finishes it (idempotent).

    A move is pending exactly while its source exists: the source disappears in one atomic
    operation once the destination holds the complete file or folder.
    """
    if step.destination is None:
        _remove(step.source)
        return
    destination = step.destination
    if _exists(step.source):
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            _rename_into_place(step.source, destination)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_across(step.source, destination)
    elif not _exists(destination):
        logger.error("file move lost: neither %s nor %s exists", step.source, destination)
    _remove(replaced_path(destination))
    _remove(partial_path(destination))


def _step(id: int, batch: str, source: str, destination: str | None) -> FileMoveStep:
    return FileMoveStep(
        id=id,
        batch=batch,
        source=Path(source),
        destination=Path(destination) if destination is not None else None,
    )


async def apply_batch(sessions: async_sessionmaker[AsyncSession], batch: str) -> int:
    """Carry out a committed batch and clear its entries; the number of steps done.

    A step that fails (disk full, permissions, a lost source) raises after rolling back, so
    the whole batch stays journaled for the next replay or `fsck`.
    """
    async with sessions() as session, session.begin():
        claimed = (
            await session.execute(
                delete(PendingFileMove)
                .where(PendingFileMove.batch == batch)
                .returning(
                    PendingFileMove.id,
                    PendingFileMove.batch,
                    PendingFileMove.source,
                    PendingFileMove.destination,
                )
            )
        ).all()
        steps = sorted((_step(*row) for row in claimed), key=lambda step: step.id)
        for step in steps:
            carry_out(step)
    return len(steps)


async def pending_steps(session: AsyncSession) -> list[FileMoveStep]:
    rows = (await session.execute(select(PendingFileMove).order_by(PendingFileMove.id))).scalars()
    return [_step(row.id, row.batch, row.source, row.destination) for row in rows]


@dataclass
class Replay:
    """Steps finished, and the batches that still cannot be (batch -> reason)."""

    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)


async def replay_pending(sessions: async_sessionmaker[AsyncSession]) -> Replay:
    """Finish every batch left by a process that died after its commit (start-up, fsck)."""
    async with sessions() as session:
        batches = list(
            (
                await session.execute(
                    select(PendingFileMove.batch)
                    .group_by(PendingFileMove.batch)
                    .order_by(PendingFileMove.batch)
                )
            ).scalars()
        )
    result = Replay()
    for batch in batches:
        try:
            result.done += await apply_batch(sessions, batch)
        except OSError as exc:
            logger.error("file moves of batch %s cannot be finished: %s", batch, exc)
            result.failed[batch] = str(exc)
    if result.done:
        logger.info("finished %d file move(s) left by an earlier run", result.done)
    return result
