"""The benchmark harness: every workload, on SQLite and PostgreSQL, against the same floor.

    python bench/run.py                     # full scale, 8 s per workload and concurrency
    python bench/run.py --quick             # small site, 2 s per workload
    python bench/run.py --tiny              # a few rows, 1 s per workload (what CI runs)
    python bench/run.py --databases sqlite --seconds 4 --no-write

One run: starts the bare Starlette "hello" floor (`bench/hello_app.py`) and measures it; then,
for each database, starts `qiita-gateway serve --demo` as a real uvicorn process (one worker,
QIITA_COUNT_SQL_STATEMENTS on), builds the large site (`bench/site_build.py`: the study of
`--samples` x `--categories` and its preparation of `--prep-rows` x `--prep-columns` through
the REST API, then `--plugins`, `--studies`, `--artifacts` in chains and `--jobs` in bulk),
checks each workload once (status, size, `X-SQL-Statements`; GraphQL ones also with smaller
pages), warms it up and drives it with `wrk` at each concurrency for `--seconds`, reading the
server's CPU time around each run; then pages the large study's samples to the end over GraphQL and
measures subscription fan-out (`bench/subscriptions.py`). On PostgreSQL the hot REST routes
are measured again with `--workers N`. PostgreSQL gets a scratch database on 127.0.0.1:5432,
dropped afterwards. A section with the machine, every figure as a ratio to the floor of the
same run and the issue's targets with pass/fail (`bench/report.py`) is appended to
bench/RESULTS.md (`--no-write`: printed only; `--json FILE`: raw results).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and sys.path[0] == str(ROOT / "bench"):
    sys.path[0] = str(ROOT)  # run as a script: import `bench.*`, never shadow by file name

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

from bench import graphql_load, report, subscriptions  # noqa: E402
from bench.processes import (  # noqa: E402
    PG_ADMIN,
    check_once,
    drain,
    gateway_env,
    measured,
    scratch_postgres,
    sequential,
    server,
    wrk,
)
from bench.results import (  # noqa: E402
    DatabaseRun,
    Measure,
    Workload,
    WorkloadResult,
    cpu_seconds,
    rss_mb,
)
from bench.site_build import (  # noqa: E402
    Site,
    build_site,
    hot_routes,
    served_settings,
    tokens,
    workloads,
)

RESULTS = ROOT / "bench" / "RESULTS.md"


def measure_floor(args: argparse.Namespace, folder: Path) -> WorkloadResult:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    hello_command = [sys.executable, str(ROOT / "bench" / "hello_app.py")]
    with server(hello_command, env, folder / "hello.log") as (pid, url):
        hello = Workload("floor", "floor: Starlette hello", "GET", "/")
        measures = []
        with httpx.Client(base_url=url) as http:
            for concurrency in args.concurrency:
                before = cpu_seconds(pid)
                measure = wrk(url, hello, concurrency, args.seconds, folder)
                if measure.requests:
                    used = cpu_seconds(pid) - before
                    measure.cpu_ms = round(used * 1000 / measure.requests, 3)
                measures.append(measure)
                http.get("/")
    return WorkloadResult("floor", hello.name, "floor", None, 5, measures)


def _wanted(args: argparse.Namespace, name: str) -> bool:
    return not args.only or any(word in name for word in args.only)


def drive(
    args: argparse.Namespace,
    pid: int,
    url: str,
    items: list[Workload],
    folder: Path,
    tag: str,
    warmup: int,
) -> list[WorkloadResult]:
    """Each workload checked once, warmed up with `warmup` s of wrk (not counted), then loaded
    with wrk at every concurrency."""
    results = []
    with httpx.Client(base_url=url, timeout=600) as http:
        for workload in items:
            if not _wanted(args, workload.name):
                continue
            try:
                statements, size = check_once(http, workload)
                small = None
                if workload.small_body is not None:
                    one = dataclasses.replace(workload, body=workload.small_body)
                    small = check_once(http, one)[0]
            except httpx.HTTPError as exc:  # the server died: say so, keep what was measured
                print(f"  {tag:<10} {workload.name:<44} failed: {exc!r}", flush=True)
                break
            if warmup:
                wrk(url, workload, max(args.concurrency), warmup, folder)
                drain(http)
            measures: list[Measure] = []
            for concurrency in args.concurrency:
                if measures and measures[0].p50_ms * concurrency > args.seconds * 1000:
                    continue  # would not finish one round in the time: c1's figures stand
                label = f"{tag}-{workload.name}-c{concurrency}"
                measure = measured(args, pid, url, workload, concurrency, folder, label, http)
                if measure.requests == 0:
                    if not measures:
                        before = cpu_seconds(pid)
                        measures.append(sequential(http, workload))
                        used = cpu_seconds(pid) - before
                        measures[0].cpu_ms = round(used * 1000 / measures[0].requests, 3)
                    continue
                measures.append(measure)
            results.append(
                WorkloadResult(
                    workload.key, workload.name, workload.kind, statements, size, measures, small
                )
            )
            print(f"  {tag:<10} {workload.name:<44} {_brief(measures)}", flush=True)
    return results


def _extras(
    args: argparse.Namespace, pid: int, url: str, site: Site, run: DatabaseRun, log: Path
) -> None:
    """Samples paging to the end, and subscription fan-out; a failure is shown with the end
    of the server's log, and the run goes on."""
    if _wanted(args, "samples paging"):
        try:
            with httpx.Client(base_url=url, timeout=600) as http:
                before = cpu_seconds(pid)
                run.paging = graphql_load.page_to_end(
                    http, site.big_study, site.admin_token, args.page_size
                )
                used = cpu_seconds(pid) - before
                run.paging.cpu_ms_per_page = round(used * 1000 / run.paging.pages, 3)
            print(f"  {run.database:<10} samples paging: {run.paging}", flush=True)
        except Exception as exc:
            _failed(run.database, "samples paging", exc, log)
    if _wanted(args, "subscriptions") and args.subscribers:
        try:
            before = cpu_seconds(pid)
            run.fan_out = subscriptions.run(
                url,
                (site.admin_token, site.client_token),
                site.running_jobs[: args.watched_jobs],
                subscribers=args.subscribers,
                rate=args.updates_per_second,
                seconds=args.subscription_seconds,
            )
            if run.fan_out.delivered:
                used = cpu_seconds(pid) - before
                run.fan_out.cpu_ms_per_delivery = round(used * 1000 / run.fan_out.delivered, 3)
            print(f"  {run.database:<10} subscriptions: {run.fan_out}", flush=True)
        except Exception as exc:
            _failed(run.database, "subscriptions", exc, log)


def _failed(database: str, name: str, exc: Exception, log: Path) -> None:
    print(f"  {database:<10} {name} failed: {exc!r}; the server's log ends:", flush=True)
    print(log.read_text(errors="replace")[-2000:], flush=True)


def _command(args: argparse.Namespace, data_dir: Path, database_url: str | None) -> list[str]:
    command = [
        sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", "0",
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    return command


def measure_gateway(
    args: argparse.Namespace,
    database: str,
    database_url: str | None,
    folder: Path,
    source: Path = ROOT,
) -> DatabaseRun:
    """The gateway of the source tree `source` (its modules shadow the installed ones)."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"data-{database}-", dir=folder))
    command = _command(args, data_dir, database_url)
    env = gateway_env(dict(setting.split("=", 1) for setting in args.set))
    log = data_dir.with_suffix(".log")
    started = time.perf_counter()
    with server(command, env, log, source) as (pid, url):
        print(f"  {database:<10} serving after {time.perf_counter() - started:.0f} s", flush=True)
        rss_start = round(rss_mb(pid), 1)
        site = build_site(url, args, served_settings(data_dir, database_url))
        rss_idle = rss_mb(pid)
        print(f"  {database:<10} site built in {time.perf_counter() - started:.0f} s", flush=True)
        tag = f"{database}-{source.name}"
        results = drive(args, pid, url, workloads(site, args), folder, tag, args.warmup)
        run = DatabaseRun(database, site.build_seconds, round(rss_idle, 1), 0.0, results)
        run.rss_start_mb = rss_start
        _extras(args, pid, url, site, run, log)
        run.rss_after_mb = round(rss_mb(pid), 1)
    if database in args.workers_on.split(",") and args.workers > 1:
        command += ["--workers", str(args.workers)]
        with server(command, env, log, source) as (pid, url):
            with httpx.Client(base_url=url, timeout=600) as http:
                client_token, admin_token = tokens(http)
            fresh = dataclasses.replace(site, client_token=client_token, admin_token=admin_token)
            run.workers = args.workers
            tag = f"{database} x{args.workers}"
            run.multi_worker = drive(args, pid, url, hot_routes(fresh), folder, tag, args.warmup)
            run.multi_worker_rss_mb = round(rss_mb(pid), 1)
    return run


def _brief(measures: list[Measure]) -> str:
    return "  ".join(
        f"c{m.concurrency}: {m.rps:8.1f} req/s p50 {m.p50_ms:7.1f} p99 {m.p99_ms:7.1f} ms"
        + (f" cpu {m.cpu_ms:6.2f} ms" if m.cpu_ms is not None else "")
        for m in measures
    )


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    pg = subprocess.run(
        ["psql", *PG_ADMIN, "-d", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": f"{int(memory) / 1024**2:.0f} GiB",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg or "not reachable",
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


SIZES = {  # option: (full, --quick, --tiny)
    "seconds": (8, 2, 1),
    "warmup": (1, 1, 0),
    "samples": (10_000, 500, 30),
    "categories": (200, 20, 4),
    "prep_rows": (10_000, 500, 30),
    "prep_columns": (50, 10, 3),
    "studies": (100, 20, 5),
    "artifacts": (1_000, 100, 20),
    "jobs": (100_000, 5_000, 300),
    "plugins": (50, 10, 3),
    "subscribers": (200, 50, 4),
    "updates_per_second": (100, 50, 10),
    "subscription_seconds": (5, 3, 1),
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small site, 2 s per workload")
    size.add_argument("--tiny", action="store_true", help="a few rows, 1 s per workload, c2")
    for option, (full, _quick, _tiny) in SIZES.items():
        kind = float if option == "subscription_seconds" else int
        parser.add_argument("--" + option.replace("_", "-"), type=kind, help=f"default {full}")
    parser.add_argument("--concurrency", type=int, nargs="+", default=None,
                        help="default 1 16 (--tiny: 2)")  # fmt: skip
    parser.add_argument("--watched-jobs", type=int, default=10,
                        help="running jobs the subscribers are spread over")  # fmt: skip
    parser.add_argument("--page-size", type=int, default=100, help="samples paging page size")
    parser.add_argument("--workers", type=int, default=2, help="hot routes again with N workers")
    parser.add_argument("--workers-on", default="postgresql", help="databases for --workers")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--only", nargs="*", default=[], help="workloads whose name has a word")
    parser.add_argument("--set", action="append", default=[], help="QIITA_X=value for the server")
    parser.add_argument("--label", default="", help="words added to the section title")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--baseline", type=Path, default=None, help="also measure the gateway of this source tree"
    )
    parser.add_argument("--profile", type=Path, default=None, help="py-spy stacks into DIR")
    parser.add_argument("--json", type=Path, default=None, help="write raw results here")
    args = parser.parse_args(argv)
    column = 2 if args.tiny else 1 if args.quick else 0
    for option, sizes in SIZES.items():
        if getattr(args, option) is None:
            setattr(args, option, sizes[column])
    args.concurrency = args.concurrency or ([2] if args.tiny else [1, 16])
    args.prep_rows = min(args.prep_rows, args.samples)
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed")
    args.started = dt.datetime.now(dt.UTC)
    host = machine()
    runs: list[DatabaseRun] = []
    with tempfile.TemporaryDirectory(prefix="qg-bench-") as name:
        folder = Path(name)
        floor = measure_floor(args, folder)
        print(f"  floor      {floor.name:<44} {_brief(floor.measures)}", flush=True)
        sources = [(args.baseline, " (baseline)")] if args.baseline else []
        sources.append((ROOT, ""))
        for database in args.databases.split(","):
            for source, suffix in sources:
                started = time.perf_counter()
                if database == "sqlite":
                    run = measure_gateway(args, database, None, folder, source)
                elif database == "postgresql":
                    with scratch_postgres() as url:
                        run = measure_gateway(args, database, url, folder, source)
                else:
                    raise SystemExit(f"unknown database {database!r}")
                run.database += suffix
                runs.append(run)
                print(f"  {run.database}: {time.perf_counter() - started:.0f} s", flush=True)
    text = report.render(args, host, machine()["load"], floor, runs)
    print(text)
    if not args.no_write:
        with args.results.open("a") as results:
            results.write("\n" + text)
    raw = {
        "machine": host,
        "floor": dataclasses.asdict(floor),
        "runs": [dataclasses.asdict(run) for run in runs],
    }
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))
    return raw


if __name__ == "__main__":
    main()
