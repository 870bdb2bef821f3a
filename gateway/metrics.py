"""Prometheus metrics in the text exposition format, kept per process.

Request counters and latency histograms are labelled by route template (or the
GraphQL operation type and a bounded set of operation names), so their number stays
bounded whatever paths clients send. Job counts come from the database at scrape
time; the launcher and pool gauges describe the process that answers the scrape.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response

from db.models import JOB_STATUSES, ProcessingJob
from resolvers.context import Services
from resolvers.jobs.submission import AWAITING_LAUNCH

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_OPERATION_NAMES = 100
"""Distinct GraphQL operation names labelled per process; later ones count as `other`."""
_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


@dataclass
class Histogram:
    buckets: Sequence[float] = LATENCY_BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    total: float = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.buckets, value)] += 1
        self.total += value

    def samples(self, name: str, labels: str) -> Iterable[str]:
        cumulative = 0
        for bound, count in zip(self.buckets, self.counts, strict=False):
            cumulative += count
            yield f'{name}_bucket{{{labels},le="{bound}"}} {cumulative}'
        cumulative += self.counts[-1]
        yield f'{name}_bucket{{{labels},le="+Inf"}} {cumulative}'
        yield f"{name}_sum{{{labels}}} {self.total}"
        yield f"{name}_count{{{labels}}} {cumulative}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**values: str) -> str:
    return ",".join(f'{key}="{_escape(value)}"' for key, value in values.items())


class RequestMetrics:
    """Counters and histograms of one process (thread-safe: uvicorn runs one loop, tests more)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = {}
        self.latency: dict[tuple[str, str], Histogram] = {}
        self.operations: dict[tuple[str, str], int] = {}
        self.operation_latency: dict[tuple[str, str], Histogram] = {}
        self._operation_names: set[str] = set()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self.requests[key] = self.requests.get(key, 0) + 1
            self.latency.setdefault((method, route), Histogram()).observe(seconds)

    def operation_name(self, name: str | None) -> str:
        """The label for a client-chosen operation name: bounded in number and shape."""
        if not name:
            return "anonymous"
        if not _OPERATION_NAME.fullmatch(name):
            return "other"
        with self._lock:
            if name in self._operation_names:
                return name
            if len(self._operation_names) >= MAX_OPERATION_NAMES:
                return "other"
            self._operation_names.add(name)
            return name

    def observe_operation(self, kind: str, name: str, seconds: float) -> None:
        with self._lock:
            key = (kind, name)
            self.operations[key] = self.operations.get(key, 0) + 1
            self.operation_latency.setdefault(key, Histogram()).observe(seconds)

    def exposition(self) -> list[str]:
        with self._lock:
            lines = [
                "# HELP qiita_http_requests_total HTTP requests answered, by route template.",
                "# TYPE qiita_http_requests_total counter",
            ]
            for (method, route, status), count in sorted(self.requests.items()):
                labels = _labels(method=method, route=route, status=status)
                lines.append(f"qiita_http_requests_total{{{labels}}} {count}")
            lines += [
                "# HELP qiita_http_request_duration_seconds Time to answer, by route template.",
                "# TYPE qiita_http_request_duration_seconds histogram",
            ]
            for (method, route), histogram in sorted(self.latency.items()):
                lines += histogram.samples(
                    "qiita_http_request_duration_seconds", _labels(method=method, route=route)
                )
            lines += [
                "# HELP qiita_graphql_operations_total GraphQL operations executed.",
                "# TYPE qiita_graphql_operations_total counter",
            ]
            for (kind, name), count in sorted(self.operations.items()):
                labels = _labels(type=kind, name=name)
                lines.append(f"qiita_graphql_operations_total{{{labels}}} {count}")
            lines += [
                "# HELP qiita_graphql_operation_duration_seconds GraphQL execution time.",
                "# TYPE qiita_graphql_operation_duration_seconds histogram",
            ]
            for (kind, name), histogram in sorted(self.operation_latency.items()):
                lines += histogram.samples(
                    "qiita_graphql_operation_duration_seconds", _labels(type=kind, name=name)
                )
        return lines


async def job_lines(services: Services) -> list[str]:
    """Jobs by status and the launch backlog: one grouped query over the indexed status."""
    awaiting = case((ProcessingJob.launcher == AWAITING_LAUNCH, 1), else_=0)
    query = select(ProcessingJob.status, func.count(), func.sum(awaiting)).group_by(
        ProcessingJob.status
    )
    counts = dict.fromkeys(JOB_STATUSES, 0)
    backlog = 0
    async with services.sessions() as session:
        for status, count, waiting in (await session.execute(query)).all():
            counts[status] = int(count)
            if status == "queued":
                backlog = int(waiting or 0)
    lines = [
        "# HELP qiita_jobs Processing jobs in the database, by status.",
        "# TYPE qiita_jobs gauge",
    ]
    lines += [f'qiita_jobs{{status="{status}"}} {count}' for status, count in counts.items()]
    lines += [
        "# HELP qiita_launch_queue Jobs queued and not yet claimed by any launcher.",
        "# TYPE qiita_launch_queue gauge",
        f"qiita_launch_queue {backlog}",
    ]
    return lines


def launcher_lines(services: Services, dispatching: bool) -> list[str]:
    """What this process' launcher holds; nothing when it does not launch jobs."""
    launcher = services.launcher
    lines = [
        "# HELP qiita_launcher_dispatching 1 when this process claims and launches jobs.",
        "# TYPE qiita_launcher_dispatching gauge",
        f"qiita_launcher_dispatching {int(dispatching)}",
    ]
    if launcher is None:
        return lines
    active = getattr(launcher, "active", None)
    if isinstance(active, int):
        lines += [
            "# HELP qiita_launcher_running Jobs this process launched whose process has not ended.",
            "# TYPE qiita_launcher_running gauge",
            f'qiita_launcher_running{{launcher="{launcher.name}"}} {active}',
        ]
    slots = launcher.free_slots()
    if slots is not None:
        lines += [
            "# HELP qiita_launcher_free_slots Jobs this process may still launch now.",
            "# TYPE qiita_launcher_free_slots gauge",
            f'qiita_launcher_free_slots{{launcher="{launcher.name}"}} {slots}',
        ]
    return lines


def pool_lines(engine: AsyncEngine) -> list[str]:
    pool = engine.sync_engine.pool
    size = getattr(pool, "size", None)
    checked_out = getattr(pool, "checkedout", None)
    if not callable(size) or not callable(checked_out):
        return []
    return [
        "# HELP qiita_db_pool_size Connections the pool keeps open (this process).",
        "# TYPE qiita_db_pool_size gauge",
        f"qiita_db_pool_size {size()}",
        "# HELP qiita_db_pool_checked_out Connections in use (this process).",
        "# TYPE qiita_db_pool_checked_out gauge",
        f"qiita_db_pool_checked_out {checked_out()}",
    ]


def metrics_endpoint(
    metrics: RequestMetrics, services: Services, engine: AsyncEngine, dispatching: bool
) -> Callable[[Request], Awaitable[Response]]:
    async def serve_metrics(request: Request) -> Response:
        lines = metrics.exposition()
        try:
            database = await job_lines(services)
        except Exception as exc:
            logger.warning("metrics: the job counts could not be read: %s", exc)
            database = []
        lines += [
            "# HELP qiita_database_up 1 when the job counts could be read from the database.",
            "# TYPE qiita_database_up gauge",
            f"qiita_database_up {int(bool(database))}",
            *database,
        ]
        lines += launcher_lines(services, dispatching)
        lines += pool_lines(engine)
        return Response("\n".join(lines) + "\n", media_type=CONTENT_TYPE)

    return serve_metrics
