"""The local launcher: argv-only command lines, per-job logs, slots, liveness, exits."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from gateway.launchers.exits import ProcessExit
from gateway.launchers.local import LocalLauncher, process_is_alive, shell_command
from resolvers.jobs.launching import LaunchRequest

TIMEOUT = 20.0


def request_for(
    tmp_path: Path, job_id: str, script: str, *args: str, env: str = ""
) -> LaunchRequest:
    start = tmp_path / "start.sh"
    start.write_text(f"#!/bin/bash\n{script}\n")
    start.chmod(0o755)
    job_dir = tmp_path / "working_dir" / job_id
    return LaunchRequest(
        job_id=job_id,
        argv_setup=env,
        argv=[str(start), "http://127.0.0.1:1", job_id, str(job_dir), *args],
        job_dir=job_dir,
        log_path=job_dir / "qiita-launch.log",
    )


class Exits:
    def __init__(self) -> None:
        self.seen: list[ProcessExit] = []
        self.event = asyncio.Event()

    async def __call__(self, exit: ProcessExit) -> None:
        self.seen.append(exit)
        self.event.set()

    async def wait(self, count: int) -> list[ProcessExit]:
        async with asyncio.timeout(TIMEOUT):
            while len(self.seen) < count:
                self.event.clear()
                await self.event.wait()
        return self.seen


async def test_untrusted_values_reach_the_start_script_as_separate_arguments(
    tmp_path: Path,
) -> None:
    exits = Exits()
    launcher = LocalLauncher(2, on_exit=exits)
    marker = tmp_path / "injected"
    hostile = f"$(touch {marker}); `touch {marker}`"
    request = request_for(
        tmp_path,
        "job-1",
        'echo "env=$PLUGIN_ENV"; for a in "$@"; do echo "arg=$a"; done',
        hostile,
        env="export PLUGIN_ENV='100% ready'",
    )
    external_id = await launcher.submit(request)
    [exit] = await exits.wait(1)
    assert exit.returncode == 0
    assert exit.external_id == external_id
    log = request.log_path.read_text().splitlines()
    assert log == [
        "env=100% ready",
        "arg=http://127.0.0.1:1",
        "arg=job-1",
        f"arg={request.job_dir}",
        f"arg={hostile}",
    ]
    assert not marker.exists()
    assert shell_command(request)[:2] == ["bash", "-c"]
    assert await launcher.status(external_id, job_id="job-1") == "finished"


async def test_failed_process_reports_status_and_output(tmp_path: Path) -> None:
    exits = Exits()
    launcher = LocalLauncher(1, on_exit=exits)
    request = request_for(tmp_path, "job-2", 'echo "going down" >&2; exit 7')
    external_id = await launcher.submit(request)
    [exit] = await exits.wait(1)
    assert (exit.job_id, exit.returncode) == ("job-2", 7)
    assert exit.output == "going down\n"
    assert exit.command.startswith("bash -c ")
    assert await launcher.status(external_id, job_id="job-2") == "failed"


async def test_slots_are_taken_while_processes_run_and_cancel_stops_them(tmp_path: Path) -> None:
    exits = Exits()
    launcher = LocalLauncher(2, on_exit=exits)
    assert launcher.free_slots() == 2
    first = await launcher.submit(request_for(tmp_path, "job-a", "exec sleep 30"))
    assert launcher.free_slots() == 1
    second = await launcher.submit(request_for(tmp_path, "job-b", "exec sleep 30"))
    assert launcher.free_slots() == 0
    assert await launcher.status(first, job_id="job-a") == "running"
    assert process_is_alive(first, "job-a")
    assert not process_is_alive(first, "job-b")
    await launcher.cancel(first, job_id="job-a")
    await launcher.cancel(second, job_id="job-b")
    done = await exits.wait(2)
    assert sorted(e.returncode for e in done) == [-15, -15]
    assert launcher.free_slots() == 2


def test_liveness_needs_the_job_id_in_the_command_line() -> None:
    assert not process_is_alive(str(os.getpid()), "00000000-0000-0000-0000-000000000000")
    assert not process_is_alive("999999999", "x")
    assert not process_is_alive("not-a-pid", "x")


async def test_unknown_process_is_gone(tmp_path: Path) -> None:
    launcher = LocalLauncher(1)
    assert await launcher.status("999999999", job_id="job-z") == "gone"
