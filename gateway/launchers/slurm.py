"""The Slurm launcher: a generated batch script submitted with `sbatch`, read back with `squeue`.

The batch script runs the same command as the local launcher: the plugin's environment script,
then `start_script <server url> <job id> <output dir>`. Every value in it comes from outside
(plugin configuration, settings, job directories), so each one is quoted with `shlex.quote` and
resource values are checked against Slurm's own formats before they reach an `#SBATCH` line.
Scheduler programs run as argument lists, never through a shell, each with a timeout.

State comes from `squeue -t all` (which still lists jobs for `MinJobAge` seconds after they
end), falling back to `scontrol show job`; a job neither knows is `gone`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from db.settings import Settings, SettingsError
from gateway.launchers.exits import ExitHandler, report_exit
from resolvers.jobs.launching import LaunchRequest, LaunchState

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
"""Seconds any one scheduler command may take before it is killed."""
DEFAULT_POLL_INTERVAL = 2.0
"""Seconds between two looks at the jobs this process submitted (Slurm has no callbacks)."""

_PENDING = {
    "PENDING",
    "CONFIGURING",
    "REQUEUED",
    "REQUEUE_HOLD",
    "REQUEUE_FED",
    "RESV_DEL_HOLD",
}
_RUNNING = {
    "RUNNING",
    "COMPLETING",
    "SUSPENDED",
    "STOPPED",
    "SIGNALING",
    "STAGE_OUT",
    "RESIZING",
}
_FINISHED = {"COMPLETED"}
_FAILED = {
    "FAILED",
    "TIMEOUT",
    "NODE_FAIL",
    "OUT_OF_MEMORY",
    "BOOT_FAIL",
    "DEADLINE",
    "PREEMPTED",
    "SPECIAL_EXIT",
}
_GONE = {"CANCELLED", "REVOKED"}

_UNKNOWN_JOB = "Invalid job id specified"

# Slurm's own formats: a partition list, a time limit (minutes, [days-]hours:minutes[:seconds]),
# memory with an optional unit, a positive CPU count.
_RESOURCE_FORMATS: dict[str, re.Pattern[str]] = {
    "partition": re.compile(r"[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*"),
    "time": re.compile(r"(\d+-)?\d+(:\d+){0,2}|UNLIMITED|INFINITE|infinite|unlimited"),
    "mem": re.compile(r"\d+[KMGT]?"),
    "cpus": re.compile(r"[1-9]\d{0,3}"),
}
_RESOURCE_ALIASES = {"memory": "mem", "cpus_per_task": "cpus", "cpus-per-task": "cpus"}
_SBATCH_OPTIONS = {
    "partition": "--partition",
    "time": "--time",
    "mem": "--mem",
    "cpus": "--cpus-per-task",
}
_JOB_ID = re.compile(r"\d+")


class SlurmError(RuntimeError):
    """A scheduler command failed or answered something unusable; the message says which."""


class InvalidResources(SlurmError):
    """A resource setting (partition, time, mem, cpus) is not in Slurm's format."""


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str


def resolve_resources(settings: Settings, overrides: Mapping[str, object]) -> dict[str, str]:
    """The settings' defaults, overridden per command; every value checked; empty ones dropped."""
    values: dict[str, tuple[str, str]] = {
        key: (str(getattr(settings, f"slurm_{key}")), f"QIITA_SLURM_{key.upper()}")
        for key in _SBATCH_OPTIONS
    }
    for raw_key, raw_value in overrides.items():
        key = _RESOURCE_ALIASES.get(raw_key, raw_key)
        if key not in _SBATCH_OPTIONS:
            raise InvalidResources(
                f"Unknown Slurm resource {raw_key!r} in the command's resources: "
                "use partition, time, mem or cpus."
            )
        value = "" if raw_value is None else str(raw_value).strip()
        values[key] = (value, "the command's resources")
    checked: dict[str, str] = {}
    for key, (value, origin) in values.items():
        if not value:
            continue
        if not _RESOURCE_FORMATS[key].fullmatch(value):
            raise InvalidResources(
                f"Slurm resource {key}={value!r} (from {origin}) is not valid "
                "(examples: partition=short, time=2:00:00, mem=8G, cpus=4)."
            )
        checked[key] = value
    return checked


def render_batch_script(request: LaunchRequest, resources: Mapping[str, str]) -> str:
    """The batch script for one job: resource directives, environment script, start command."""
    lines = ["#!/bin/bash", f"#SBATCH --job-name={job_name(request.job_id)}"]
    lines += [f"#SBATCH {_SBATCH_OPTIONS[key]}={value}" for key, value in resources.items()]
    lines += ["#SBATCH --nodes=1", "#SBATCH --ntasks=1", ""]
    lines.append(f'echo {shlex.quote("qiita job " + request.job_id)} slurm job "$SLURM_JOB_ID"')
    if request.argv_setup.strip():
        # The environment script is shell code by definition (e.g. `source activate env`); it is
        # handed to eval as one quoted word so nothing in it can reshape the lines around it.
        lines.append(f"eval {shlex.quote(request.argv_setup)}")
    lines.append("exec " + shlex.join(request.argv))
    return "\n".join(lines) + "\n"


def job_name(job_id: str) -> str:
    """A Slurm job name safe on an `#SBATCH` line."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", job_id)[:64]
    return f"qiita-{cleaned}"


def filename_pattern(path: Path) -> str:
    """`path` as an sbatch --output value: Slurm expands `%` sequences, so escape them."""
    text = str(path)
    if "\\" in text:
        return text  # a backslash anywhere turns pattern expansion off
    return text.replace("%", "%%")


def state_of(slurm_state: str) -> LaunchState:
    """Map a Slurm job state (as squeue or scontrol print it) to a launch state."""
    state = slurm_state.strip().split()[0].rstrip("+") if slurm_state.strip() else ""
    if state in _PENDING:
        return "pending"
    if state in _RUNNING:
        return "running"
    if state in _FINISHED:
        return "finished"
    if state in _FAILED:
        return "failed"
    if state in _GONE:
        return "gone"
    raise SlurmError(f"Unknown Slurm job state {slurm_state!r}.")


class SlurmLauncher:
    """Launch jobs on a Slurm cluster through sbatch, squeue, scontrol and scancel."""

    name = "slurm"

    def __init__(
        self,
        settings: Settings,
        on_exit: ExitHandler | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        try:
            resolve_resources(settings, {})
        except InvalidResources as exc:  # bad QIITA_SLURM_* settings fail at start-up
            raise SettingsError(str(exc)) from None
        self.settings = settings
        self.on_exit = on_exit
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._watched: dict[str, LaunchRequest] = {}
        self._watcher: asyncio.Task[None] | None = None

    async def submit(self, request: LaunchRequest) -> str:
        resources = resolve_resources(self.settings, request.resources)
        script = render_batch_script(request, resources)
        script_path = request.log_path.with_suffix(".sbatch")
        await asyncio.to_thread(_write_script, request, script_path, script)
        argv = [
            "sbatch",
            "--parsable",
            f"--output={filename_pattern(request.log_path)}",
            f"--error={filename_pattern(request.log_path)}",
            f"--chdir={request.job_dir}",
            str(script_path),
        ]
        result = await self._run(argv, env=self._job_environment())
        if result.returncode != 0:
            raise SlurmError(
                f"Error submitting job: sbatch exited with {result.returncode}: "
                f"{_summary(result.stderr + result.stdout)}"
            )
        external_id = result.stdout.strip().split(";")[0]
        if not _JOB_ID.fullmatch(external_id):
            raise SlurmError(f"Error submitting job: sbatch printed {result.stdout.strip()!r}.")
        logger.info("job %s submitted to Slurm as %s", request.job_id, external_id)
        if self.on_exit is not None:
            self._watched[external_id] = request
            if self._watcher is None or self._watcher.done():
                self._watcher = asyncio.create_task(self._watch())
        return external_id

    async def status(self, external_id: str, *, job_id: str | None = None) -> LaunchState:
        """The job's state; with `job_id`, a Slurm job named for another job counts as gone."""
        job = _checked_id(external_id)
        result = await self._run(["squeue", "--noheader", "--states=all", "-j", job, "-o", "%T %j"])
        if result.returncode == 0 and result.stdout.strip():
            state, _, name = result.stdout.splitlines()[0].strip().partition(" ")
            return _owned_state(state, name, job_id)
        if result.returncode != 0 and _UNKNOWN_JOB not in result.stderr:
            raise SlurmError(
                f"Cannot read the state of Slurm job {job}: squeue exited with "
                f"{result.returncode}: {_summary(result.stderr)}"
            )
        shown = await self._run(["scontrol", "--oneliner", "show", "job", job])
        if shown.returncode != 0:
            if _UNKNOWN_JOB in shown.stderr:
                return "gone"
            raise SlurmError(
                f"Cannot read the state of Slurm job {job}: scontrol exited with "
                f"{shown.returncode}: {_summary(shown.stderr)}"
            )
        state_match = re.search(r"\bJobState=(\S+)", shown.stdout)
        name_match = re.search(r"\bJobName=(\S+)", shown.stdout)
        if state_match is None:
            return "gone"
        return _owned_state(state_match.group(1), name_match.group(1) if name_match else "", job_id)

    async def cancel(self, external_id: str, *, job_id: str | None = None) -> None:
        """Cancel the Slurm job (a job Slurm no longer knows is already gone: no error)."""
        job = _checked_id(external_id)
        if job_id is not None and await self.status(job, job_id=job_id) == "gone":
            return
        result = await self._run(["scancel", job])
        if result.returncode != 0 and _UNKNOWN_JOB not in result.stderr:
            raise SlurmError(
                f"Cannot cancel Slurm job {job}: scancel exited with {result.returncode}: "
                f"{_summary(result.stderr)}"
            )
        logger.info("Slurm job %s cancelled", job)

    @property
    def active(self) -> int:
        """Slurm jobs submitted here that are still watched (pending or running)."""
        return len(self._watched)

    def free_slots(self) -> int | None:
        """Slurm queues what it cannot start yet, so submission is never held back here."""
        return None

    async def close(self) -> None:
        """Stop watching submitted jobs; Slurm keeps running them (recovery reconciles them)."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self) -> None:
        """Tell `on_exit` about every submitted job once Slurm reports it ended."""
        while self._watched:
            await asyncio.sleep(self.poll_interval)
            try:
                ended = await self._ended_jobs(list(self._watched))
            except SlurmError as exc:
                logger.warning("cannot watch Slurm jobs, will retry: %s", exc)
                continue
            for external_id, returncode in ended.items():
                request = self._watched.pop(external_id, None)
                if request is None:
                    continue
                logger.info(
                    "job %s Slurm job %s ended with %s", request.job_id, external_id, returncode
                )
                await report_exit(
                    self.on_exit,
                    job_id=request.job_id,
                    external_id=external_id,
                    returncode=returncode,
                    argv=request.argv,
                    log_path=request.log_path,
                )

    async def _ended_jobs(self, external_ids: list[str]) -> dict[str, int]:
        """Exit status of each job in `external_ids` that ended (-1: cancelled or lost)."""
        argv = ["squeue", "--noheader", "--states=all", "-j", ",".join(external_ids)]
        result = await self._run([*argv, "-o", "%i %T"])
        if result.returncode != 0:
            raise SlurmError(f"squeue exited with {result.returncode}: {_summary(result.stderr)}")
        states = dict(line.split(maxsplit=1) for line in result.stdout.splitlines() if " " in line)
        ended: dict[str, int] = {}
        for external_id in external_ids:
            state = state_of(states[external_id]) if external_id in states else "gone"
            if state == "finished":
                ended[external_id] = 0
            elif state == "failed":
                ended[external_id] = await self._exit_code(external_id)
            elif state == "gone":
                ended[external_id] = -1
        return ended

    async def _exit_code(self, external_id: str) -> int:
        shown = await self._run(["scontrol", "--oneliner", "show", "job", external_id])
        match = re.search(r"\bExitCode=(\d+):(\d+)", shown.stdout)
        if match is None:
            return 1
        code, signal_number = int(match.group(1)), int(match.group(2))
        return -signal_number if signal_number else (code or 1)

    def _job_environment(self) -> dict[str, str]:
        """The server's environment minus its secrets: sbatch hands it to the job, and Slurm
        keeps a copy in its state directory."""
        secret = {f"QIITA_{name.upper()}" for name in self.settings.secret_fields}
        return {key: value for key, value in os.environ.items() if key not in secret}

    async def _run(
        self, argv: Sequence[str], *, env: Mapping[str, str] | None = None
    ) -> CommandResult:
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError:
            raise SlurmError(
                f"{argv[0]} was not found: install the Slurm client tools on this machine "
                "or set QIITA_LAUNCHER=local."
            ) from None
        try:
            async with asyncio.timeout(self.timeout):
                stdout, stderr = await process.communicate()
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SlurmError(
                f"{argv[0]} did not answer within {self.timeout:g} s; is slurmctld running?"
            ) from None
        return CommandResult(
            returncode=process.returncode if process.returncode is not None else -1,
            stdout=stdout.decode(errors="replace"),
            stderr=stderr.decode(errors="replace"),
        )


def _owned_state(slurm_state: str, name: str, job_id: str | None) -> LaunchState:
    if job_id is not None and name.strip() != job_name(job_id):
        return "gone"  # the id now names another Slurm job (ids restart with a new cluster)
    return state_of(slurm_state)


def _write_script(request: LaunchRequest, script_path: Path, script: str) -> None:
    request.job_dir.mkdir(parents=True, exist_ok=True)
    script_path.parent.mkdir(parents=True, exist_ok=True)
    script_path.write_text(script)


def _checked_id(external_id: str) -> str:
    job = external_id.strip()
    if not _JOB_ID.fullmatch(job):
        raise SlurmError(f"{external_id!r} is not a Slurm job id.")
    return job


def _summary(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines)[:500] if lines else "(no output)"
