"""The Slurm launcher against a real single-node cluster: submit, state, cancel, quoting."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.settings import Settings
from gateway.launchers.exits import ProcessExit
from gateway.launchers.slurm import InvalidResources, SlurmError, SlurmLauncher
from resolvers.jobs.launching import LaunchRequest
from tests.slurm.states import STATE_TIMEOUT, wait_for_state

pytestmark = pytest.mark.usefixtures("slurm_cluster")

HOSTILE_DIR = "job dir 'single' \"double\" $HOME `id` %j;x"

REPORT_ARGV = """\
import json, os, pathlib, sys
out = pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
report = {"argv": sys.argv[1:], "cwd": os.getcwd(), "greeting": os.environ.get("GREETING")}
(out / "report.json").write_text(json.dumps(report))
print("report written")
"""


def shell_request(tmp_path: Path, script: str, *, job_id: str = "job-1") -> LaunchRequest:
    job_dir = tmp_path / job_id
    return LaunchRequest(
        job_id=job_id,
        argv_setup="",
        argv=["/bin/sh", "-c", script],
        job_dir=job_dir,
        log_path=job_dir / "launch.log",
    )


def scontrol_fields(external_id: str) -> dict[str, str]:
    """`scontrol show job` as a dict; path fields (alone on their line) keep their spaces."""
    shown = subprocess.run(
        ["scontrol", "show", "job", external_id],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    fields: dict[str, str] = {}
    for line in shown.splitlines():
        key, _, value = line.strip().partition("=")
        if key in {"WorkDir", "StdOut", "StdErr", "StdIn", "Command"}:
            fields[key] = value
            continue
        for part in line.split():
            name, sep, value = part.partition("=")
            if sep:
                fields[name] = value
    return fields


async def test_submit_returns_slurm_job_id_and_job_finishes(
    launcher: SlurmLauncher, tmp_path: Path
) -> None:
    request = shell_request(tmp_path, "echo hello from the batch job")

    external_id = await launcher.submit(request)

    assert external_id.isdigit()
    assert await wait_for_state(launcher, external_id, {"finished"}, job_id="job-1") == "finished"
    log = request.log_path.read_text()
    assert f"slurm job {external_id}\n" in log
    assert log.endswith("hello from the batch job\n")


async def test_failing_script_is_failed(launcher: SlurmLauncher, tmp_path: Path) -> None:
    request = shell_request(tmp_path, "echo about to fail >&2; exit 3")

    external_id = await launcher.submit(request)

    assert await wait_for_state(launcher, external_id, {"finished", "failed"}) == "failed"
    assert scontrol_fields(external_id)["ExitCode"] == "3:0"
    assert request.log_path.read_text().endswith("about to fail\n")


async def test_job_waiting_for_cpus_is_pending_while_another_runs(
    launcher: SlurmLauncher, slurm_cluster: dict[str, str], tmp_path: Path
) -> None:
    blocker = shell_request(tmp_path, "sleep 120", job_id="blocker")
    blocker = LaunchRequest(**{**blocker.__dict__, "resources": {"cpus": slurm_cluster["cpus"]}})
    waiting = shell_request(tmp_path, "true", job_id="waiting")
    blocker_id = await launcher.submit(blocker)
    try:
        assert await wait_for_state(launcher, blocker_id, {"running"}) == "running"
        waiting_id = await launcher.submit(waiting)
        try:
            assert await launcher.status(waiting_id, job_id="waiting") == "pending"
            assert scontrol_fields(waiting_id)["JobState"] == "PENDING"
        finally:
            await launcher.cancel(waiting_id, job_id="waiting")
        assert await wait_for_state(launcher, waiting_id, {"gone"}) == "gone"
    finally:
        await launcher.cancel(blocker_id, job_id="blocker")
    assert await wait_for_state(launcher, blocker_id, {"gone"}) == "gone"


async def test_cancel_running_job_leaves_it_gone(launcher: SlurmLauncher, tmp_path: Path) -> None:
    request = shell_request(tmp_path, "sleep 120", job_id="to-cancel")
    external_id = await launcher.submit(request)
    await wait_for_state(launcher, external_id, {"running"})

    await launcher.cancel(external_id, job_id="to-cancel")

    assert await wait_for_state(launcher, external_id, {"gone"}) == "gone"
    assert scontrol_fields(external_id)["JobState"] == "CANCELLED"
    await launcher.cancel(external_id, job_id="to-cancel")  # a second cancel is harmless


async def test_unknown_job_is_gone_and_cancel_is_harmless(launcher: SlurmLauncher) -> None:
    assert await launcher.status("987654321") == "gone"
    await launcher.cancel("987654321")


async def test_slurm_job_of_another_qiita_job_is_gone(
    launcher: SlurmLauncher, tmp_path: Path
) -> None:
    external_id = await launcher.submit(shell_request(tmp_path, "true", job_id="mine"))

    assert await launcher.status(external_id, job_id="someone-else") == "gone"
    assert await wait_for_state(launcher, external_id, {"finished"}, job_id="mine") == "finished"


async def test_hostile_job_dir_and_arguments_reach_the_plugin_verbatim(
    launcher: SlurmLauncher, tmp_path: Path
) -> None:
    plugin = tmp_path / "start plugin's.py"
    plugin.write_text(REPORT_ARGV)
    job_dir = tmp_path / HOSTILE_DIR
    server_url = "http://127.0.0.1:1/ $(touch pwned) ;"
    request = LaunchRequest(
        job_id="b7f2c1e0-hostile",
        argv_setup='export GREETING="it\'s \\"quoted\\" $((1 + 1))"',
        argv=[sys.executable, str(plugin), server_url, "b7f2c1e0-hostile", str(job_dir)],
        job_dir=job_dir,
        log_path=job_dir / "launch.log",
    )

    external_id = await launcher.submit(request)

    assert await wait_for_state(launcher, external_id, {"finished", "failed"}) == "finished"
    report = json.loads((job_dir / "report.json").read_text())
    assert report == {
        "argv": [server_url, "b7f2c1e0-hostile", str(job_dir)],
        "cwd": str(job_dir),
        "greeting": 'it\'s "quoted" 2',
    }
    assert request.log_path.read_text().endswith("report written\n")
    assert sorted(os.listdir(job_dir)) == ["launch.log", "launch.sbatch", "report.json"]


async def test_batch_script_carries_resources_and_quotes_every_value(
    launcher: SlurmLauncher, slurm_cluster: dict[str, str], tmp_path: Path
) -> None:
    job_dir = tmp_path / HOSTILE_DIR
    request = LaunchRequest(
        job_id="c0ffee",
        argv_setup="QTP_ENV='qtp env'; export QTP_ENV",
        argv=["start_qtp", "http://127.0.0.1:9/", "c0ffee", str(job_dir)],
        job_dir=job_dir,
        log_path=job_dir / "launch.log",
        resources={"partition": slurm_cluster["partition"], "time": "0:03:00", "mem": "80M"},
    )

    external_id = await launcher.submit(request)

    script = (job_dir / "launch.sbatch").read_text()
    quoted_dir = "'" + str(job_dir).replace("'", "'\"'\"'") + "'"
    assert script == (
        "#!/bin/bash\n"
        "#SBATCH --job-name=qiita-c0ffee\n"
        f"#SBATCH --partition={slurm_cluster['partition']}\n"
        "#SBATCH --time=0:03:00\n"
        "#SBATCH --mem=80M\n"
        "#SBATCH --cpus-per-task=1\n"
        "#SBATCH --nodes=1\n"
        "#SBATCH --ntasks=1\n"
        "\n"
        "echo 'qiita job c0ffee' slurm job \"$SLURM_JOB_ID\"\n"
        "eval 'QTP_ENV='\"'\"'qtp env'\"'\"'; export QTP_ENV'\n"
        f"exec start_qtp http://127.0.0.1:9/ c0ffee {quoted_dir}\n"
    )
    fields = scontrol_fields(external_id)
    assert fields["JobName"] == "qiita-c0ffee"
    assert fields["Partition"] == slurm_cluster["partition"]
    assert fields["TimeLimit"] == "00:03:00"
    assert fields["MinMemoryNode"] == "80M"
    assert fields["NumCPUs"] == "1"
    assert fields["WorkDir"] == str(job_dir)
    # `start_qtp` does not exist here: the job fails, which is what the launcher reports, and
    # the shell's complaint lands in the log inside the hostile directory (`%j` not expanded).
    assert await wait_for_state(launcher, external_id, {"finished", "failed"}) == "failed"
    assert "exec: start_qtp: not found" in request.log_path.read_text()


async def test_settings_give_default_resources(
    slurm_cluster: dict[str, str], slurm_settings: Settings, tmp_path: Path
) -> None:
    settings = slurm_settings.replace(
        slurm_partition=slurm_cluster["partition"], slurm_time="7", slurm_mem="96M"
    )
    launcher = SlurmLauncher(settings)

    external_id = await launcher.submit(shell_request(tmp_path, "true"))

    fields = scontrol_fields(external_id)
    assert (fields["Partition"], fields["TimeLimit"], fields["MinMemoryNode"]) == (
        slurm_cluster["partition"],
        "00:07:00",
        "96M",
    )
    await wait_for_state(launcher, external_id, {"finished"})


async def test_hostile_resource_is_refused_before_anything_is_written(
    launcher: SlurmLauncher, tmp_path: Path
) -> None:
    request = shell_request(tmp_path, "true")
    request = LaunchRequest(**{**request.__dict__, "resources": {"mem": "4G\n#SBATCH --uid=0"}})

    with pytest.raises(
        InvalidResources,
        match=r"Slurm resource mem='4G\\n#SBATCH --uid=0' \(from the command's resources\)",
    ):
        await launcher.submit(request)

    assert not request.job_dir.exists()


async def test_unknown_partition_is_a_submission_error_with_sbatch_message(
    launcher: SlurmLauncher, tmp_path: Path
) -> None:
    request = shell_request(tmp_path, "true")
    request = LaunchRequest(**{**request.__dict__, "resources": {"partition": "nosuchpartition"}})

    with pytest.raises(
        SlurmError, match=r"^Error submitting job: sbatch exited with 1: .*partition"
    ):
        await launcher.submit(request)


async def test_on_exit_hears_how_each_submitted_job_ended(
    slurm_settings: Settings, tmp_path: Path
) -> None:
    exits: asyncio.Queue[ProcessExit] = asyncio.Queue()

    async def on_exit(ended: ProcessExit) -> None:
        await exits.put(ended)

    launcher = SlurmLauncher(slurm_settings, on_exit, poll_interval=0.3)
    ok = await launcher.submit(shell_request(tmp_path, "echo all good", job_id="ok"))
    failing = await launcher.submit(shell_request(tmp_path, "echo broken; exit 3", job_id="bad"))
    cancelled = await launcher.submit(shell_request(tmp_path, "sleep 120", job_id="stop"))
    try:
        await launcher.cancel(cancelled, job_id="stop")
        heard: dict[str, ProcessExit] = {}
        async with asyncio.timeout(STATE_TIMEOUT):
            while len(heard) < 3:
                ended = await exits.get()
                heard[ended.job_id] = ended
    finally:
        await launcher.close()

    assert (heard["ok"].external_id, heard["ok"].returncode) == (ok, 0)
    assert heard["ok"].output.endswith("all good\n")
    assert (heard["bad"].external_id, heard["bad"].returncode) == (failing, 3)
    assert heard["bad"].output.endswith("broken\n")
    assert heard["bad"].command == "/bin/sh -c 'echo broken; exit 3'"
    assert (heard["stop"].external_id, heard["stop"].returncode) == (cancelled, -1)


async def test_job_gets_the_server_environment_without_its_secrets(
    launcher: SlurmLauncher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QIITA_DATABASE_URL", "postgresql+asyncpg://qiita:s3cret@db/qiita")
    monkeypatch.setenv("QIITA_PLUGINS_DIR", str(tmp_path / "plugins"))
    script = 'echo "db=${QIITA_DATABASE_URL-unset} plugins=$QIITA_PLUGINS_DIR"'
    request = shell_request(tmp_path, script, job_id="env")

    external_id = await launcher.submit(request)

    assert await wait_for_state(launcher, external_id, {"finished", "failed"}) == "finished"
    assert request.log_path.read_text().endswith(f"db=unset plugins={tmp_path / 'plugins'}\n")
