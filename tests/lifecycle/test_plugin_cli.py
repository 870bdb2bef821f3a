"""`qiita-gateway plugin add|reload|list` against a live server, run as real processes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.lifecycle.live import Live
from tests.lifecycle.plugin_files import FIXTURES, write_plugin_config

TIMEOUT = 60.0


async def run_cli(live: Live, *args: str) -> tuple[int, str, str]:
    settings = live.settings
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QIITA_")}
    environment.update(
        QIITA_DATA_DIR=str(settings.data_dir),
        QIITA_DATABASE_URL=settings.database_url,
        QIITA_PLUGINS_DIR=str(settings.plugins_dir),
        QIITA_PUBLIC_URL=settings.public_url,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_plugin_add_copies_loads_and_registers(live: Live, tmp_path: Path) -> None:
    source = tmp_path / "elsewhere"
    record = tmp_path / "register.txt"
    written = write_plugin_config(
        source, "Quick", "2", "artifact transformation", FIXTURES / "quick_plugin.py"
    )
    text = written.path.read_text().replace(
        "export PLUGIN_LOAD='100%'", f"export PLUGIN_LOAD='100%' QUICK_RECORD='{record}'"
    )
    written.path.write_text(text)

    code, out, err = await run_cli(live, "plugin", "add", str(written.path))
    assert (code, out) == (0, "registered: Quick 2\n"), err
    assert (live.settings.resolved_plugins_dir / "Quick_2.conf").read_text() == text
    assert [line.split()[0] for line in record.read_text().splitlines()] == ["register"]

    code, out, err = await run_cli(live, "plugin", "list", "--json")
    assert code == 0, err
    listed = {(p["name"], p["version"]): p for p in json.loads(out)}
    assert listed[("Quick", "2")] == {
        "name": "Quick",
        "version": "2",
        "type": "artifact transformation",
        "active": True,
        "commands": 0,
        "config_path": str(live.settings.resolved_plugins_dir / "Quick_2.conf"),
        "trusted": False,
    }
    assert listed[("Line tools", "0.1")]["commands"] == 8


async def test_plugin_reload_reports_broken_files_and_registers_the_rest(live: Live) -> None:
    broken = live.settings.resolved_plugins_dir / "broken.conf"
    broken.write_text("[main]\nNAME = Broken\nVERSION = 1\n")
    code, out, err = await run_cli(live, "plugin", "reload")
    assert code == 2, err
    assert out.splitlines() == [
        "registered: Line types 1.0",
        "registered: Line tools 0.1",
        f"error: {broken}:1: START_SCRIPT in [main] is missing",
    ]
