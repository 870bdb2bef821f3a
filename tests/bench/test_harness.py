"""`bench/run.py` still runs end to end: a tiny site, one second per workload, SQLite only.

Only that every workload produced figures is checked, never how fast they are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


def test_the_harness_measures_every_workload_with_its_sql_statement_count(tmp_path: Path) -> None:
    raw_file = tmp_path / "raw.json"
    results = tmp_path / "RESULTS.md"
    command = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--seconds", "1", "--concurrency", "2",
        "--databases", "sqlite", "--samples", "30", "--categories", "4", "--prep-rows", "30",
        "--prep-columns", "3", "--results", str(results), "--json", str(raw_file),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]

    raw = json.loads(raw_file.read_text())
    assert raw["floor"]["measures"][0]["requests"] > 0
    [run] = raw["runs"]
    assert run["database"] == "sqlite"
    assert run["rss_idle_mb"] > 0
    assert run["rss_after_mb"] > 0
    assert len(run["workloads"]) == 12
    for workload in run["workloads"]:
        assert workload["statements"] > 0, workload["name"]
        [measure] = workload["measures"]
        assert measure["concurrency"] == 2
        assert measure["requests"] > 0, workload["name"]
        assert measure["errors"] == 0, workload["name"]
    report = results.read_text()
    assert "## `bench/run.py`" in report
    assert "| GraphQL studies(first: 20) |" in report
