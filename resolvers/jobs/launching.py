"""The Launcher interface: how a queued job becomes a running process (local, Slurm).

gateway/ picks the implementation from `settings.launcher` and gateway's
dispatcher calls it for every job it claimed. The job id is passed along with
the external id so a launcher can make sure an id still names *its* process
(process ids are reused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

LaunchState = Literal["pending", "running", "finished", "failed", "gone"]
"""`pending`: accepted, not started (Slurm queue); `running`; `finished`: exited 0;
`failed`: exited non-zero; `gone`: unknown to the launcher (never started, or lost)."""

ALIVE_STATES: frozenset[LaunchState] = frozenset({"pending", "running"})


@dataclass(frozen=True)
class LaunchRequest:
    job_id: str
    argv_setup: str
    """The plugin's environment script (a shell snippet, run before the start script)."""
    argv: list[str]
    """`[start_script, server_url, job_id, output_dir]`, passed as an argument list."""
    job_dir: Path
    log_path: Path
    """Where the process' stdout and stderr go."""
    resources: dict[str, str] = field(default_factory=dict)


class Launcher(Protocol):
    name: str

    async def submit(self, request: LaunchRequest) -> str:
        """Start the job; return the external id (process id or Slurm job id)."""
        ...

    async def status(self, external_id: str, *, job_id: str) -> LaunchState: ...

    async def cancel(self, external_id: str, *, job_id: str) -> None: ...

    def free_slots(self) -> int | None:
        """How many more jobs may be submitted now; None when the launcher has no limit."""
        ...
