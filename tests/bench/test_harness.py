"""`bench/run.py --tiny` still runs end to end: a tiny site, one second per workload, SQLite.

Only that every workload produced figures is checked, never how fast they are. `--workers-on
sqlite` runs the `--workers 2` part on SQLite, so that it is covered without a PostgreSQL run.
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

HOT_ROUTES = {"heartbeat", "job", "authenticate", "prep1", "info1", "categories1"}
WORKLOADS = HOT_ROUTES | {
    "prep_big", "sampleinfo_big", "info_big", "categories_big", "gql_studies", "gql_study_page",
    "gql_study_tree",
}  # fmt: skip


def test_the_harness_measures_every_workload_with_its_sql_statement_count(tmp_path: Path) -> None:
    raw_file = tmp_path / "raw.json"
    results = tmp_path / "RESULTS.md"
    command = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--tiny", "--databases", "sqlite",
        "--workers-on", "sqlite", "--results", str(results), "--json", str(raw_file),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]

    raw = json.loads(raw_file.read_text())
    assert raw["floor"]["measures"][0]["requests"] > 0
    [run] = raw["runs"]
    assert run["database"] == "sqlite"
    assert run["rss_idle_mb"] > 0
    assert run["rss_after_mb"] > 0
    assert any(label.startswith("bulk: 3 plugins, 5 studies") for label in run["build_seconds"])
    assert {workload["key"] for workload in run["workloads"]} == WORKLOADS
    assert {workload["key"] for workload in run["multi_worker"]} == HOT_ROUTES
    for workload in run["workloads"] + run["multi_worker"]:
        assert workload["statements"] > 0, workload["name"]
        [measure] = workload["measures"]
        assert measure["concurrency"] == 2
        assert measure["requests"] > 0, workload["name"]
        assert measure["errors"] == 0, workload["name"]
        assert measure["cpu_ms"] is not None, workload["name"]
        if workload["kind"] == "graphql":
            assert workload["statements_small"] > 0, workload["name"]
    assert run["paging"]["rows"] == 30
    assert run["paging"]["statements_first_page"] > 0
    fan_out = run["fan_out"]
    assert fan_out["subscribers"] == 4
    assert fan_out["updates_sent"] == 10
    assert fan_out["delivered"] + fan_out["lost"] == fan_out["expected"] > 0

    report = results.read_text()
    assert "## `bench/run.py`" in report
    assert "| GraphQL studies(first: 20) |" in report
    assert "### Targets" in report
    assert "| sqlite | POST heartbeat: 2 workers >= 1.7x one worker at c2 |" in report
    assert "Subscriptions: 4 `jobUpdated` subscribers" in report
