"""Progress of long commands (terminal bar, plain lines when piped) and `status`."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

import db
from db.settings import Settings
from gateway.progress import Progress
from resolvers.context import Services
from tests.builders.accounts import make_user
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.cli.test_cli import run_cli

MIGRATION_COUNT = len(list((Path(db.__file__).parent / "migrations" / "versions").glob("*.py")))

PTY_TIMEOUT = 60.0


def test_piped_progress_prints_one_plain_line_per_step() -> None:
    stream = io.StringIO()
    ticks = iter([0.0, 2.5])
    progress = Progress("work", total=2, stream=stream, clock=lambda: next(ticks))
    progress.step("first")
    progress.step("second")
    progress.finish()
    assert stream.getvalue().splitlines() == [
        "work [0/2] first",
        "work [1/2] second",
        "work [2/2] done in 2.5 s",
    ]


def test_terminal_progress_redraws_one_line_with_a_bar() -> None:
    stream = io.StringIO()
    progress = Progress("work", total=4, stream=stream, interactive=True, clock=lambda: 0.0)
    progress.step("a")
    progress.step("b")
    progress.finish()
    text = stream.getvalue()
    assert text.count("\n") == 1
    assert text.endswith("\n")
    frames = text.rstrip("\n").split("\r\x1b[K")[1:]
    assert frames == [
        "work [------------------------] 0/4 a",
        "work [######------------------] 1/4 b",
        "work [########################] 4/4 done in 0.0 s",
    ]


def test_a_failure_ends_the_bar_line() -> None:
    stream = io.StringIO()
    try:
        with Progress("work", total=2, stream=stream, interactive=True) as progress:
            progress.step("a")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert stream.getvalue().endswith("a\n")


def test_db_upgrade_piped_prints_progress_lines_on_stderr(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("db upgrade")]
    steps = MIGRATION_COUNT
    assert lines[0] == f"db upgrade [0/{steps}] migrating to revision 0001"
    assert lines[-1].startswith(f"db upgrade [{steps}/{steps}] done in ")
    assert "\r" not in result.stderr
    assert result.stdout.startswith("Database ")


def test_db_upgrade_on_a_terminal_shows_a_bar(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env["QIITA_DATA_DIR"] = str(tmp_path / "data")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "db", "upgrade"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, cwd=tmp_path,
    )  # fmt: skip
    os.close(terminal)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], PTY_TIMEOUT)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
        assert process.wait(timeout=PTY_TIMEOUT) == 0
    text = output.decode()
    steps = MIGRATION_COUNT
    assert (
        f"\r\x1b[Kdb upgrade [------------------------] 0/{steps} migrating to revision 0001"
        in text
    )
    assert f"\r\x1b[Kdb upgrade [########################] {steps}/{steps} done in " in text
    assert "is up to date." in text


async def test_status_json_reports_database_plugins_jobs_and_queue(
    settings: Settings, services: Services
) -> None:
    account = await make_user(services)
    command_id = await make_command(services)
    for status in ("queued", "queued", "running", "success"):
        await make_job(services, command_id, account.id, status=status)
    result = run_cli(
        "status", "--json", data_dir=settings.data_dir, database_url=settings.database_url
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["database"]["revision"] == report["database"]["head"]
    assert report["database"]["up_to_date"] is True
    assert report["database"]["url"] == settings.as_redacted_dict()["database_url"]
    assert report["data_dir"]["path"] == str(settings.resolved_data_dir)
    assert report["data_dir"]["free_bytes"] > 0
    assert len(report["plugins"]) == 1
    assert report["jobs"]["queued"] == 2
    assert report["jobs"]["running"] == 1
    assert report["jobs"]["success"] == 1
    assert report["jobs"]["error"] == 0
    assert report["launch_queue"] == {"awaiting_launch": 0, "by_launcher": {}}

    text = run_cli("status", data_dir=settings.data_dir, database_url=settings.database_url)
    assert "migration: " in text.stdout
    assert "jobs:      in_construction 0, queued 2, running 1" in text.stdout


def test_status_of_a_database_not_migrated_says_so(tmp_path: Path) -> None:
    result = run_cli("status", "--json", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["database"]["revision"] is None
    assert report["database"]["up_to_date"] is False
    assert "jobs" not in report


@pytest.mark.parametrize("backend", ["postgresql"])
def test_status_masks_the_database_password(settings: Settings) -> None:
    url = settings.database_url.replace("postgres@", "postgres:s3cret-pw@", 1)
    result = run_cli("status", "--json", data_dir=settings.data_dir, database_url=url)
    assert result.returncode == 0, result.stderr
    assert "s3cret-pw" not in result.stdout
    assert "postgres:***@" in json.loads(result.stdout)["database"]["url"]
