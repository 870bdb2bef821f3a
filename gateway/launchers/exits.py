"""How launchers report that a job's process ended: one record, one log tail, one call."""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

OUTPUT_TAIL_BYTES = 8000


@dataclass(frozen=True)
class ProcessExit:
    """A job's process ended; `output` is the tail of its log."""

    job_id: str
    external_id: str
    returncode: int
    command: str
    output: str


ExitHandler = Callable[[ProcessExit], Awaitable[None]]


def log_tail(path: Path) -> str:
    """The last OUTPUT_TAIL_BYTES of a log file, or "" when it cannot be read."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - OUTPUT_TAIL_BYTES))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


async def report_exit(
    on_exit: ExitHandler | None,
    *,
    job_id: str,
    external_id: str,
    returncode: int,
    argv: Sequence[str],
    log_path: Path,
) -> None:
    """Tell `on_exit` how the job ended; its failures are logged, never raised."""
    if on_exit is None:
        return
    try:
        await on_exit(
            ProcessExit(
                job_id=job_id,
                external_id=external_id,
                returncode=returncode,
                command=shlex.join(argv),
                output=await asyncio.to_thread(log_tail, log_path),
            )
        )
    except Exception:
        logger.exception("handling the end of job %s failed", job_id)
