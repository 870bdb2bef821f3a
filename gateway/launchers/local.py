"""The local launcher: one asyncio subprocess per job on this machine.

The process runs `bash -c '<environment script>\nexec "$0" "$@"' <start script>
<server url> <job id> <job dir>`: the environment script is the plugin's own
(trusted, from its configuration file) and every untrusted value travels as a
separate argument, never inside the shell text. stdout and stderr go to the
request's log file. At most `max_jobs` processes run at once; the dispatcher
asks `free_slots()` before submitting more.

The external id is the process id. After a server restart the process is no
longer our child, so liveness is checked through /proc: the pid must exist and
its command line or its environment (`QIITA_JOB_ID`) must name the job (pids
are reused).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
from collections import OrderedDict
from pathlib import Path

from gateway.launchers.exits import ExitHandler, report_exit
from resolvers.jobs.launching import LaunchRequest, LaunchState

logger = logging.getLogger(__name__)

JOB_ID_VARIABLE = "QIITA_JOB_ID"
"""Set in every job process' environment, so the process can be recognised after `exec`."""
REMEMBERED_EXITS = 1000


def shell_command(request: LaunchRequest) -> list[str]:
    """The argv of the job's process: the environment script, then the start script."""
    script = 'exec "$0" "$@"'
    if request.argv_setup.strip():
        script = f"{request.argv_setup}\n{script}"
    return ["bash", "-c", script, *request.argv]


class LocalLauncher:
    name = "local"

    def __init__(self, max_jobs: int, on_exit: ExitHandler | None = None) -> None:
        self.max_jobs = max(1, max_jobs)
        self.on_exit = on_exit
        self._running: dict[str, tuple[str, asyncio.subprocess.Process]] = {}
        self._exits: OrderedDict[str, int] = OrderedDict()
        self._waiters: set[asyncio.Task[None]] = set()

    def free_slots(self) -> int | None:
        return max(0, self.max_jobs - len(self._running))

    @property
    def active(self) -> int:
        """Job processes started here that have not exited."""
        return len(self._running)

    async def submit(self, request: LaunchRequest) -> str:
        argv = shell_command(request)
        request.log_path.parent.mkdir(parents=True, exist_ok=True)
        with request.log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, JOB_ID_VARIABLE: request.job_id},
            )
        external_id = str(process.pid)
        self._running[external_id] = (request.job_id, process)
        logger.info("job %s started locally as process %s", request.job_id, external_id)
        waiter = asyncio.create_task(self._wait(request, external_id, process, argv))
        self._waiters.add(waiter)
        waiter.add_done_callback(self._waiters.discard)
        return external_id

    async def _wait(
        self,
        request: LaunchRequest,
        external_id: str,
        process: asyncio.subprocess.Process,
        argv: list[str],
    ) -> None:
        returncode = await process.wait()
        self._running.pop(external_id, None)
        self._exits[external_id] = returncode
        while len(self._exits) > REMEMBERED_EXITS:
            self._exits.popitem(last=False)
        logger.info("job %s process %s exited with %s", request.job_id, external_id, returncode)
        await report_exit(
            self.on_exit,
            job_id=request.job_id,
            external_id=external_id,
            returncode=returncode,
            argv=argv,
            log_path=request.log_path,
        )

    async def status(self, external_id: str, *, job_id: str) -> LaunchState:
        entry = self._running.get(external_id)
        if entry is not None and entry[0] == job_id:
            return "running"
        if external_id in self._exits:
            return "finished" if self._exits[external_id] == 0 else "failed"
        return "running" if process_is_alive(external_id, job_id) else "gone"

    async def cancel(self, external_id: str, *, job_id: str) -> None:
        if await self.status(external_id, job_id=job_id) != "running":
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(external_id), signal.SIGTERM)

    async def close(self) -> None:
        """Stop watching processes; they keep running and are reconciled at the next start."""
        for waiter in list(self._waiters):
            waiter.cancel()
        for waiter in list(self._waiters):
            with contextlib.suppress(asyncio.CancelledError):
                await waiter


def process_is_alive(external_id: str, job_id: str) -> bool:
    """True when process `external_id` exists and is the process of job `job_id`.

    The job id must appear in its command line or in its environment (`QIITA_JOB_ID`),
    since process ids are reused. Without /proc, existence is all that can be checked.
    """
    try:
        pid = int(external_id)
    except ValueError:
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    if not Path("/proc/self").exists():
        return True
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if job_id.encode() in words:
            return True
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"{JOB_ID_VARIABLE}={job_id}".encode() in environment
