"""What one harness run measures, and the server process figures it reads from /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bench.graphql_load import Paging
from bench.subscriptions import FanOut

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Workload:
    key: str
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    kind: str = "rest"  # "hot" (the six hot REST routes), "rest" or "graphql"
    small_body: bytes | None = None  # the same GraphQL document with smaller pages


@dataclass
class Measure:
    concurrency: int
    requests: int
    seconds: float
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None = None  # server CPU (user + system) per request


@dataclass
class WorkloadResult:
    key: str
    name: str
    kind: str
    statements: int | None
    response_bytes: int
    measures: list[Measure]
    statements_small: int | None = None


@dataclass
class DatabaseRun:
    database: str
    build_seconds: dict[str, float]
    rss_idle_mb: float
    rss_after_mb: float
    workloads: list[WorkloadResult]
    paging: Paging | None = None
    fan_out: FanOut | None = None
    workers: int = 1
    multi_worker: list[WorkloadResult] = field(default_factory=list)
    multi_worker_rss_mb: float | None = None
    rss_start_mb: float | None = None  # just started, the demo loaded, before the large site


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers under `--workers N`)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its descendants so far."""
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants."""
    total = 0.0
    for member in _tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total
