"""Waiting for a Slurm job's state (the scheduler has no notifications)."""

from __future__ import annotations

import asyncio
import time

from gateway.launchers.slurm import SlurmLauncher
from resolvers.jobs.launching import LaunchState

STATE_TIMEOUT = 30.0
"""Seconds a test waits for a Slurm job to reach a state (start latency is a few seconds)."""


async def wait_for_state(
    launcher: SlurmLauncher,
    external_id: str,
    wanted: set[LaunchState],
    *,
    job_id: str | None = None,
    within: float = STATE_TIMEOUT,
) -> LaunchState:
    """Poll the scheduler (it has no notifications) until the job is in `wanted`, bounded."""
    deadline = time.monotonic() + within
    seen: list[LaunchState] = []
    while True:
        state = await launcher.status(external_id, job_id=job_id)
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in wanted:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(
                f"Slurm job {external_id} did not reach {sorted(wanted)} in {within:g} s; "
                f"states seen: {seen}"
            )
        await asyncio.sleep(0.2)
