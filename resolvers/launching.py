"""The Launcher interface: how a queued job becomes a running process (local, Slurm)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

LaunchState = Literal["pending", "running", "finished", "failed", "gone"]


@dataclass(frozen=True)
class LaunchRequest:
    job_id: str
    argv_setup: str
    """The plugin's environment script (a shell snippet, run before the start script)."""
    argv: list[str]
    """`[start_script, server_url, job_id, output_dir]`, passed as an argument list."""
    job_dir: Path
    log_path: Path
    resources: dict[str, str]


class Launcher(Protocol):
    name: str

    async def submit(self, request: LaunchRequest) -> str:
        """Start the job; return the external id (process id or Slurm job id)."""
        ...

    async def status(self, external_id: str) -> LaunchState: ...

    async def cancel(self, external_id: str) -> None: ...
