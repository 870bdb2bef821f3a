"""The RESULTS.md section of one harness run: tables per database, the issue's targets with
pass/fail next to each figure, and a side-by-side view of the databases."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from bench.results import DatabaseRun, Measure, WorkloadResult

FLOOR_TARGETS = {
    "heartbeat": 0.25,
    "job": 0.25,
    "authenticate": 0.15,
    "prep1": 0.15,
    "info1": 0.15,
    "categories1": 0.15,
}
P50_TARGETS_MS = {
    "gql_study_page": 50.0,
    "categories_big": 100.0,
    "sampleinfo_big": 1500.0,
    "prep_big": 300.0,
}
REST_P99_MS = 50.0
PG_OVER_SQLITE = 0.8
WORKERS_GAIN = 1.7
STUDIES_RPS = 1500.0
PATCH_SECONDS = 10.0
RSS_IDLE_MB, RSS_AFTER_MB = 150.0, 400.0


Floors = tuple[dict[int, float], dict[int, float]]  # the floor's req/s and CPU ms, by concurrency


@dataclass
class Check:
    target: str
    figure: str
    passed: bool
    key: str | None = None
    concurrency: int | None = None
    scope: str = "one"  # "workers": a figure of the `--workers N` rows


def _mark(passed: bool) -> str:
    return "pass" if passed else "**fail**"


def _c1(result: WorkloadResult) -> Measure | None:
    return next((m for m in result.measures if m.concurrency == 1), None)


def _workload_checks(run: DatabaseRun, floors: dict[int, float], top: int) -> Iterator[Check]:
    for result in run.workloads:
        for m in result.measures:
            if result.key in FLOOR_TARGETS and floors.get(m.concurrency):
                want, ratio = FLOOR_TARGETS[result.key], m.rps / floors[m.concurrency]
                yield Check(
                    f"{result.name}: >= {want}x floor at c{m.concurrency}",
                    f"{ratio:.3f}x",
                    ratio >= want,
                    result.key,
                    m.concurrency,
                )
            if result.kind == "hot" and m.concurrency == top:
                yield Check(
                    f"{result.name}: p99 <= {REST_P99_MS:g} ms at c{top}",
                    f"{m.p99_ms:g} ms",
                    m.p99_ms <= REST_P99_MS,
                    result.key,
                    top,
                )
            if result.key == "gql_studies" and m.concurrency == top:
                yield Check(
                    f"{result.name}: >= {STUDIES_RPS:,.0f} req/s at c{top}",
                    f"{m.rps:,.0f} req/s",
                    m.rps >= STUDIES_RPS,
                    result.key,
                    top,
                )
        first = _c1(result)
        if result.key in P50_TARGETS_MS and first is not None:
            want = P50_TARGETS_MS[result.key]
            yield Check(
                f"{result.name}: p50 < {want:g} ms",
                f"{first.p50_ms:g} ms",
                first.p50_ms < want,
                result.key,
                1,
            )
        if result.kind == "graphql" and result.statements_small is not None:
            yield Check(
                f"{result.name}: SQL statements independent of rows returned",
                f"{result.statements} (smaller pages: {result.statements_small})",
                result.statements == result.statements_small,
                result.key,
                1,
            )


def run_checks(run: DatabaseRun, floors: dict[int, float], top: int) -> list[Check]:
    """Every target of the issue that one database's run can tell."""
    checks = list(_workload_checks(run, floors, top))
    if run.paging is not None:
        p = run.paging
        checks.append(
            Check(
                "samples paging: SQL statements the same on every page",
                f"first {p.statements_first_page}, last {p.statements_last_page}",
                p.statements_first_page == p.statements_last_page,
            )
        )
    patch = next((s for label, s in run.build_seconds.items() if label.startswith("PATCH")), None)
    if patch is not None:
        checks.append(
            Check(
                f"PATCH sample information: < {PATCH_SECONDS:g} s",
                f"{patch} s",
                patch < PATCH_SECONDS,
            )
        )
    checks += [
        Check(
            f"RSS idle (site built) < {RSS_IDLE_MB:g} MB",
            f"{run.rss_idle_mb:.0f} MB",
            run.rss_idle_mb < RSS_IDLE_MB,
        ),
        Check(
            f"RSS after all workloads < {RSS_AFTER_MB:g} MB",
            f"{run.rss_after_mb:.0f} MB",
            run.rss_after_mb < RSS_AFTER_MB,
        ),
    ]
    single = {result.key: result for result in run.workloads}
    for multi in run.multi_worker:
        one, two = _at(single.get(multi.key), top), _at(multi, top)
        if one and two and one.rps:
            gain = two.rps / one.rps
            checks.append(
                Check(
                    f"{multi.name}: {run.workers} workers >= {WORKERS_GAIN}x one worker at c{top}",
                    f"{gain:.2f}x",
                    gain >= WORKERS_GAIN,
                    multi.key,
                    top,
                    "workers",
                )
            )
    return checks


def _at(result: WorkloadResult | None, concurrency: int) -> Measure | None:
    if result is None:
        return None
    return next((m for m in result.measures if m.concurrency == concurrency), None)


def cross_checks(runs: list[DatabaseRun]) -> list[Check]:
    """PostgreSQL's throughput over SQLite's, per REST workload and concurrency."""
    by_name = {run.database: run for run in runs}
    lite, pg = by_name.get("sqlite"), by_name.get("postgresql")
    if lite is None or pg is None:
        return []
    sqlite_results = {result.key: result for result in lite.workloads}
    checks = []
    for result in pg.workloads:
        if result.kind == "graphql":
            continue
        for m in result.measures:
            other = _at(sqlite_results.get(result.key), m.concurrency)
            if other and other.rps:
                ratio = m.rps / other.rps
                checks.append(
                    Check(
                        f"{result.name}: PostgreSQL >= {PG_OVER_SQLITE}x SQLite at "
                        f"c{m.concurrency}",
                        f"{ratio:.2f}x",
                        ratio >= PG_OVER_SQLITE,
                        result.key,
                        m.concurrency,
                    )
                )
    return checks


def _header(args: argparse.Namespace, host: dict[str, str], end_load: str) -> list[str]:
    return [
        f"## `bench/run.py` — {args.started:%Y-%m-%d %H:%M} UTC"
        + (f" — {args.label}" * bool(args.label)),
        "",
        f"Command: `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip() + " ",
        f"Machine: {host['cpu']}, {host['memory']}, Python {host['python']}, "
        f"SQLite {host['sqlite']}, PostgreSQL {host['postgresql']}; load average (1/5/15 min) "
        f"{host['load']} at the start and {end_load} at the end.",
        f"Site: the demo plus a study of {args.samples} samples x {args.categories} categories, "
        f"a preparation of {args.prep_rows} rows x {args.prep_columns} columns, "
        f"{args.studies} studies with {args.artifacts} artifacts in chains, {args.jobs:,} jobs "
        f"across every status and {args.plugins} plugins. `wrk -t1`, {args.seconds} s per "
        "workload and concurrency, one server process unless said otherwise. CPU ms = the "
        "server's user + system CPU time per request (from /proc), which a busy machine "
        "disturbs far less than req/s; in brackets the floor's CPU ms over it, the ratio to "
        "the floor a CPU-bound server would reach on an idle machine (for reading only: the "
        "targets are judged on req/s).",
        "",
    ]


def _row(
    result: WorkloadResult, m: Measure, floors: Floors, checks: list[Check], scope: str
) -> str:
    rps, cpu_floor = floors
    ratio = m.rps / rps[m.concurrency] if rps.get(m.concurrency) else 0.0
    statements = "-" if result.statements is None else str(result.statements)
    cpu = "-" if m.cpu_ms is None else f"{m.cpu_ms:.2f}"
    if m.cpu_ms and cpu_floor.get(m.concurrency):
        cpu += f" ({cpu_floor[m.concurrency] / m.cpu_ms:.3f})"
    marks = "; ".join(
        f"{c.figure} {_mark(c.passed)}"
        for c in checks
        if c.key == result.key and c.concurrency == m.concurrency and c.scope == scope
    )
    return (
        f"| {result.name} | {statements} | {result.response_bytes:,} | {m.concurrency} "
        f"| {m.rps:,.1f} | {ratio:.3f} | {m.p50_ms} | {m.p99_ms} | {cpu} | {m.errors} "
        f"| {marks or '-'} |"
    )


TABLE_HEAD = [
    "| workload | SQL / request | response bytes | c | req/s | / floor | p50 ms | p99 ms "
    "| CPU ms / request (floor's / this) | errors | targets |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
]


def database_section(run: DatabaseRun, floors: Floors, checks: list[Check]) -> list[str]:
    lines = [
        f"### {run.database}",
        "",
        f"RSS {run.rss_start_mb or 0:.0f} MB just started (demo loaded), "
        f"{run.rss_idle_mb:.0f} MB idle (site built), {run.rss_after_mb:.0f} MB after all "
        "workloads. Building the site: "
        + ", ".join(f"{label} {s} s" for label, s in run.build_seconds.items())
        + ".",
        "",
        *TABLE_HEAD,
    ]
    for result in run.workloads:
        lines += [_row(result, m, floors, checks, "one") for m in result.measures]
    lines.append("")
    if run.paging is not None:
        p = run.paging
        lines += [
            f"Samples paging to the end (GraphQL `Study.samples`, {p.rows} rows): {p.pages} pages "
            f"in {p.total_seconds} s, per page p50 {p.page_p50_ms} ms, p99 {p.page_p99_ms} ms, "
            f"{p.statements_first_page} SQL statements on the first page and "
            f"{p.statements_last_page} on the last"
            + (f", {p.cpu_ms_per_page:.2f} CPU ms per page." if p.cpu_ms_per_page else "."),
            "",
        ]
    if run.fan_out is not None:
        f = run.fan_out
        lines += [
            f"Subscriptions: {f.subscribers} `jobUpdated` subscribers over {f.jobs} jobs, "
            f"all subscribed in {f.connect_seconds} s, then {f.rate} step updates per second for "
            f"{f.seconds:g} s ({f.updates_sent} answered, {f.unanswered} failed or unanswered): "
            f"{f.delivered:,} of {f.expected:,} pushes delivered, **{f.lost:,} lost**; "
            f"latency p50 {f.p50_ms} ms, p99 {f.p99_ms} ms, max {f.max_ms} ms"
            + (f"; {f.cpu_ms_per_delivery:.3f} CPU ms per push." if f.cpu_ms_per_delivery else "."),
            "",
        ]
    if run.multi_worker:
        lines += [
            f"`--workers {run.workers}` (same database, RSS "
            f"{run.multi_worker_rss_mb or 0:.0f} MB for all processes after the load):",
            "",
            *TABLE_HEAD,
        ]
        lines += [
            _row(r, m, floors, checks, "workers") for r in run.multi_worker for m in r.measures
        ]
        lines.append("")
    return lines


def targets_section(checks: dict[str, list[Check]]) -> list[str]:
    lines = [
        "### Targets",
        "",
        "| database | target | figure | result |",
        "| --- | --- | --- | --- |",
    ]
    for database, found in checks.items():
        lines += [f"| {database} | {c.target} | {c.figure} | {_mark(c.passed)} |" for c in found]
    failed = sum(not c.passed for found in checks.values() for c in found)
    total = sum(len(found) for found in checks.values())
    lines += ["", f"{total - failed} of {total} targets met.", ""]
    return lines


def render(
    args: argparse.Namespace,
    host: dict[str, str],
    end_load: str,
    floor: WorkloadResult,
    runs: list[DatabaseRun],
) -> str:
    floors = {m.concurrency: m.rps for m in floor.measures}
    cpu_floor = {m.concurrency: m.cpu_ms for m in floor.measures if m.cpu_ms}
    top = max(args.concurrency)
    lines = _header(args, host, end_load)
    lines += [
        "Floor (bare Starlette hello, same uvicorn): "
        + ", ".join(
            f"c{m.concurrency} {m.rps:,.0f} req/s (p50 {m.p50_ms} ms, p99 {m.p99_ms} ms"
            + (f", {m.cpu_ms:.3f} CPU ms" if m.cpu_ms is not None else "")
            + ")"
            for m in floor.measures
        )
        + ".",
        "",
    ]
    checks: dict[str, list[Check]] = {}
    for run in runs:
        checks[run.database] = run_checks(run, floors, top)
        lines += database_section(run, (floors, cpu_floor), checks[run.database])
    cross = cross_checks(runs)
    if cross:
        checks["postgresql / sqlite"] = cross
    lines += targets_section(checks)
    lines += [
        "A workload missing at a concurrency: its concurrency-1 p50 times that concurrency "
        "exceeds the run length, so no full round would finish. A workload of which wrk "
        "finished no request in the run length is timed with three sequential requests instead.",
        "",
    ]
    if len(runs) > 1:
        lines += side_by_side(runs, floors)
    return "\n".join(lines)


def side_by_side(runs: list[DatabaseRun], floors: dict[int, float]) -> list[str]:
    """One row per workload and concurrency, one column per run: req/s as a ratio to the
    floor, then p50 / p99 ms; and PostgreSQL's throughput over SQLite's of the same tree."""
    figures = {
        (run.database, result.name, m.concurrency): m
        for run in runs
        for result in run.workloads
        for m in result.measures
    }
    names = [run.database for run in runs]
    pairs = [
        (f"postgresql{suffix}", f"sqlite{suffix}")
        for suffix in ("", " (baseline)")
        if f"postgresql{suffix}" in names and f"sqlite{suffix}" in names
    ]
    header = " | ".join(f"{name}: x floor, p50 / p99 ms" for name in names)
    header += "".join(f" | {pg} / {lite}" for pg, lite in pairs)
    lines = [
        "Side by side:",
        "",
        f"| workload | c | {header} |",
        "| --- | --- |" + " --- |" * (len(names) + len(pairs)),
    ]
    keys = dict.fromkeys(
        (result.name, m.concurrency)
        for run in runs
        for result in run.workloads
        for m in result.measures
    )
    for workload, concurrency in keys:
        cells = []
        for name in names:
            m = figures.get((name, workload, concurrency))
            cells.append(
                "-"
                if m is None
                else f"{m.rps / floors[concurrency]:.3f}, {m.p50_ms:g} / {m.p99_ms:g}"
            )
        for pg, lite in pairs:
            a, b = (
                figures.get((pg, workload, concurrency)),
                figures.get((lite, workload, concurrency)),
            )
            cells.append(f"{a.rps / b.rps:.2f}" if a and b and b.rps else "-")
        lines.append(f"| {workload} | {concurrency} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines
