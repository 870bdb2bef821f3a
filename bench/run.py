"""The benchmark harness: every workload, on SQLite and PostgreSQL, against the same floor.

    python bench/run.py                     # full scale, 8 s per workload and concurrency
    python bench/run.py --quick             # small site, 2 s per workload
    python bench/run.py --databases sqlite --seconds 4 --no-write

One run: starts the bare Starlette "hello" floor (`bench/hello_app.py`) and measures it; then,
for each database, starts `qiita-gateway serve --demo` as a real uvicorn process (one worker,
QIITA_COUNT_SQL_STATEMENTS on), builds a large site through the REST API (a study with
`--samples` x `--categories` sample information, a preparation of `--prep-rows` x
`--prep-columns`), checks each workload once (status, size, `X-SQL-Statements`) and drives it
with `wrk` at each concurrency for `--seconds`. PostgreSQL gets a scratch database on
127.0.0.1:5432, dropped afterwards. A new section with the machine and every figure as a
ratio to the floor of the same run is appended to bench/RESULTS.md (`--no-write`: printed
only; `--json FILE`: raw results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
BANNER = re.compile(r"serving on (https?://\S+:\d+)")
STARTUP_SECONDS = 180.0
PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
PG_ADMIN = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
RUNNING_JOB = "4fb06e92-c371-4a5e-b29f-5b6d7e8f90a5"  # the demo's running job
SYSTEM_CLIENT = ("qiita-demo-system-client", "qiita-demo-system-secret")
ADMIN = ("demo-admin@example.org", "qiita-demo-admin")
PASSWORD_CLIENT = "qiita-demo-password-client"

STUDIES_QUERY = "query { studies(first: 20) { totalCount nodes { studyId title } } }"
STUDY_PAGE_QUERY = """
query StudyPage($id: Int!) {
  study(studyId: $id) {
    studyId title alias description abstract status
    principalInvestigator { name affiliation email }
    preparations(first: 20) { nodes { prepId name dataType status sampleCount } }
    samples(first: 100) { nodes { sampleName metadata } }
  }
}
"""

LUA = """
local body_file = io.open({body_path!r}, "rb")
wrk.method = {method!r}
wrk.body = body_file:read("*a")
body_file:close()
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Workload:
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200


@dataclass
class Measure:
    concurrency: int
    requests: int
    seconds: float
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass
class WorkloadResult:
    name: str
    statements: int | None
    response_bytes: int
    measures: list[Measure]


@dataclass
class DatabaseRun:
    database: str
    build_seconds: dict[str, float]
    rss_idle_mb: float
    rss_after_mb: float
    workloads: list[WorkloadResult]


# -- processes -------------------------------------------------------------------------------


def _wait_for_banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"server exited with {process.wait()}")
        if match := BANNER.search(line):
            return match.group(1)
    raise SystemExit("the server printed no startup line")


@contextmanager
def server(
    command: list[str], env: dict[str, str], log: Path, source: Path = ROOT
) -> Iterator[tuple[int, str]]:
    """A server process; its log (stderr) goes to `log`, shown when it fails to start."""
    with log.open("ab") as stderr:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=source,
            start_new_session=True,
        )  # fmt: skip
    try:
        try:
            url = _wait_for_banner(process)
        except SystemExit:
            print(log.read_text()[-3000:], file=sys.stderr)
            raise
        assert process.stdout is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        with httpx.Client(base_url=url) as http:
            while True:
                try:
                    http.get("/healthz" if "gateway" in " ".join(command) else "/")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not answer") from None
                    time.sleep(0.05)
        yield process.pid, url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def gateway_env(settings: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env.update(
        QIITA_LOG_LEVEL="WARNING",
        QIITA_COUNT_SQL_STATEMENTS="1",
        QIITA_DAILY_REQUEST_LIMIT="1000000000",
        QIITA_MAX_PREPARATION_SAMPLES="1000000",
        QIITA_LAUNCH_JOBS="0",
        QIITA_PLUGINS_DIR=env.get("QIITA_BENCH_PLUGINS_DIR", "/nonexistent-plugins-dir"),
    )
    env.update(settings)
    return env


@contextmanager
def scratch_postgres() -> Iterator[str]:
    name = f"qg_bench_{os.getpid()}"
    subprocess.run(["createdb", *PG_ADMIN, name], check=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        subprocess.run(["dropdb", *PG_ADMIN, "--force", name], check=False)


# -- load ------------------------------------------------------------------------------------


def wrk(url: str, workload: Workload, concurrency: int, seconds: int, folder: Path) -> Measure:
    body_path = folder / "body"
    body_path.write_bytes(workload.body)
    headers = "\n".join(
        f"wrk.headers[{key!r}] = {value!r}" for key, value in workload.headers.items()
    )
    script = folder / "script.lua"
    script.write_text(LUA.format(body_path=str(body_path), method=workload.method, headers=headers))
    command = [
        "wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "60s",
        "-s", str(script), url + workload.path,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result for {workload.name}:\n{output}")
    raw = json.loads(match.group(1))
    duration = raw["duration_us"] / 1e6
    return Measure(
        concurrency=concurrency,
        requests=raw["requests"],
        seconds=round(duration, 2),
        errors=raw["errors"],
        rps=round(raw["requests"] / duration, 1) if duration else 0.0,
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
    )


@contextmanager
def profiled(args: argparse.Namespace, pid: int, label: str) -> Iterator[None]:
    """With `--profile DIR`: py-spy samples the server meanwhile (collapsed stacks)."""
    if args.profile is None:
        yield
        return
    args.profile.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", label)
    spy = subprocess.Popen(
        [PY_SPY, "record", "--pid", str(pid), "--nonblocking", "--format", "raw",
         "--duration", str(args.seconds), "--output", str(args.profile / f"{name}.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield
    finally:
        spy.wait(timeout=args.seconds + 60)


def sequential(http: httpx.Client, workload: Workload) -> Measure:
    """For a workload slower than the run length: three requests one after the other."""
    latencies = []
    for _ in range(3):
        started = time.perf_counter()
        check_once(http, workload)
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    return Measure(
        concurrency=1,
        requests=3,
        seconds=round(sum(latencies), 2),
        errors=0,
        rps=round(3 / sum(latencies), 2),
        p50_ms=round(latencies[1] * 1000, 2),
        p99_ms=round(latencies[2] * 1000, 2),
    )


def drain(http: httpx.Client) -> None:
    """Wait until requests wrk left behind are served: /healthz answers quickly again."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        started = time.perf_counter()
        http.get("/healthz")
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.2)


def check_once(http: httpx.Client, workload: Workload) -> tuple[int | None, int]:
    response = http.request(
        workload.method, workload.path, content=workload.body, headers=workload.headers
    )
    if response.status_code != workload.expect:
        raise SystemExit(
            f"{workload.name}: expected {workload.expect}, got {response.status_code}: "
            f"{response.text[:300]}"
        )
    if workload.path == "/graphql" and response.json().get("errors"):
        raise SystemExit(f"{workload.name}: {response.text[:300]}")
    statements = response.headers.get("x-sql-statements")
    return (int(statements) if statements is not None else None), len(response.content)


# -- the site --------------------------------------------------------------------------------


@dataclass
class Site:
    client_token: str
    admin_token: str
    big_study: int
    big_prep: int
    demo_categories: list[str]
    build_seconds: dict[str, float]


def _token(http: httpx.Client, form: dict[str, str]) -> str:
    response = http.post("/qiita_db/authenticate/", data=form)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _timed_request(
    http: httpx.Client, label: str, seconds: dict[str, float], want: int, **request: Any
) -> httpx.Response:
    started = time.perf_counter()
    response = http.request(**request)
    seconds[label] = round(time.perf_counter() - started, 2)
    if response.status_code != want:
        raise SystemExit(f"{label}: {response.status_code} {response.text[:300]}")
    return response


def build_site(url: str, scale: argparse.Namespace) -> Site:
    seconds: dict[str, float] = {}
    with httpx.Client(base_url=url, timeout=600) as http:
        client_id, secret = SYSTEM_CLIENT
        client_token = _token(
            http, {"grant_type": "client", "client_id": client_id, "client_secret": secret}
        )
        admin_token = _token(
            http,
            {
                "grant_type": "password",
                "client_id": PASSWORD_CLIENT,
                "username": ADMIN[0],
                "password": ADMIN[1],
            },
        )
        http.headers["Authorization"] = f"Bearer {admin_token}"
        names = [("Bench PI", "Bench"), ("Bench Lab", "Bench")]
        for name, affiliation in names:
            http.post(
                "/api/v1/person",
                params={"name": name, "affiliation": affiliation, "email": "b@example.org"},
            )
        study = _timed_request(
            http, "create study", seconds, 201, method="POST", url="/api/v1/study",
            json={
                "title": f"Benchmark study {time.time_ns()}", "study_abstract": "a",
                "study_description": "d", "study_alias": "bench", "owner": ADMIN[0],
                "notes": "", "contacts": {
                    "principal_investigator": list(names[0]), "lab_person": list(names[1]),
                },
            },
        ).json()["id"]  # fmt: skip
        samples = {
            f"s.{n}": {f"cat_{c}": f"v{n}-{c}" for c in range(scale.categories)}
            for n in range(scale.samples)
        }
        _timed_request(
            http,
            f"PATCH sample information {scale.samples} x {scale.categories}",
            seconds,
            201,
            method="PATCH",
            url=f"/api/v1/study/{study}/samples",
            content=json.dumps(samples).encode(),
        )
        del samples
        prep_rows = {
            f"s.{n}": {f"prep_{c}": f"p{n}-{c}" for c in range(scale.prep_columns)}
            for n in range(scale.prep_rows)
        }
        prep = _timed_request(
            http,
            f"POST preparation {scale.prep_rows} x {scale.prep_columns}",
            seconds,
            201,
            method="POST",
            url=f"/api/v1/study/{study}/preparation",
            params={"data_type": "16S"},
            content=json.dumps(prep_rows).encode(),
        ).json()["id"]
        info = http.get("/api/v1/study/1/samples/info").json()
    return Site(
        client_token=client_token,
        admin_token=admin_token,
        big_study=study,
        big_prep=prep,
        demo_categories=sorted(info["categories"]),
        build_seconds=seconds,
    )


def workloads(site: Site, scale: argparse.Namespace) -> list[Workload]:
    client = {"Authorization": f"Bearer {site.client_token}"}
    admin = {"Authorization": f"Bearer {site.admin_token}"}
    graphql = {"Content-Type": "application/json"}
    client_id, secret = SYSTEM_CLIENT
    big = f"{scale.samples}x{scale.categories}"
    last = scale.categories - 1
    return [
        Workload("POST heartbeat", "POST", f"/qiita_db/jobs/{RUNNING_JOB}/heartbeat/", b"", client),
        Workload("GET job", "GET", f"/qiita_db/jobs/{RUNNING_JOB}", b"", client),
        Workload(
            "POST authenticate (client grant)",
            "POST",
            "/qiita_db/authenticate/",
            f"grant_type=client&client_id={client_id}&client_secret={secret}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        Workload(
            "GET prep data (demo prep 1)", "GET", "/qiita_db/prep_template/1/data/", b"", client
        ),
        Workload("GET samples/info (study 1)", "GET", "/api/v1/study/1/samples/info", b"", admin),
        Workload(
            "GET 2 categories (study 1)",
            "GET",
            "/api/v1/study/1/samples/categories=" + ",".join(site.demo_categories[:2]),
            b"",
            admin,
        ),
        Workload(
            f"GET prep data {scale.prep_rows}x{scale.prep_columns}",
            "GET",
            f"/qiita_db/prep_template/{site.big_prep}/data/",
            b"",
            client,
        ),
        Workload(
            f"GET sample information data {big}",
            "GET",
            f"/qiita_db/sample_information/{site.big_study}/data/",
            b"",
            client,
        ),
        Workload(
            f"GET samples/info {big}",
            "GET",
            f"/api/v1/study/{site.big_study}/samples/info",
            b"",
            admin,
        ),
        Workload(
            f"GET 3 categories of {scale.samples} samples",
            "GET",
            f"/api/v1/study/{site.big_study}/samples/categories=cat_0,cat_{last // 2},cat_{last}",
            b"",
            admin,
        ),
        Workload(
            "GraphQL studies(first: 20)",
            "POST",
            "/graphql",
            json.dumps({"query": STUDIES_QUERY}).encode(),
            graphql,
        ),
        Workload(
            f"GraphQL study page ({scale.samples} samples)",
            "POST",
            "/graphql",
            json.dumps({"query": STUDY_PAGE_QUERY, "variables": {"id": site.big_study}}).encode(),
            {**graphql, **admin},
        ),
    ]


# -- one run ---------------------------------------------------------------------------------


def measure_floor(args: argparse.Namespace, folder: Path) -> WorkloadResult:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    hello_command = [sys.executable, str(ROOT / "bench" / "hello_app.py")]
    with server(hello_command, env, folder / "hello.log") as (_pid, url):
        hello = Workload("floor: Starlette hello", "GET", "/")
        measures = [wrk(url, hello, c, args.seconds, folder) for c in args.concurrency]
    return WorkloadResult(hello.name, None, 5, measures)


def measure_gateway(
    args: argparse.Namespace,
    database: str,
    database_url: str | None,
    folder: Path,
    source: Path = ROOT,
) -> DatabaseRun:
    """The gateway of the source tree `source` (its modules shadow the installed ones)."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"data-{database}-", dir=folder))
    command = [
        sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", "0",
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    settings = dict(setting.split("=", 1) for setting in args.set)
    log = data_dir.with_suffix(".log")
    with server(command, gateway_env(settings), log, source) as (pid, url):
        site = build_site(url, args)
        rss_idle = rss_mb(pid)
        results = []
        with httpx.Client(base_url=url, timeout=600) as http:
            for workload in workloads(site, args):
                if args.only and not any(word in workload.name for word in args.only):
                    continue
                try:
                    statements, size = check_once(http, workload)
                except httpx.HTTPError as exc:  # the server died: say so, keep what was measured
                    print(f"  {database:<10} {workload.name:<44} failed: {exc!r}", flush=True)
                    break
                measures: list[Measure] = []
                for concurrency in args.concurrency:
                    if measures and measures[0].p50_ms * concurrency > args.seconds * 1000:
                        continue  # would not finish one round in the time: c1's figures stand
                    label = f"{database}-{source.name}-{workload.name}-c{concurrency}"
                    with profiled(args, pid, label):
                        measure = wrk(url, workload, concurrency, args.seconds, folder)
                    drain(http)
                    if measure.requests == 0:
                        if not measures:
                            measures.append(sequential(http, workload))
                        continue
                    measures.append(measure)
                results.append(WorkloadResult(workload.name, statements, size, measures))
                print(f"  {database:<10} {workload.name:<44} {_brief(measures)}", flush=True)
        rss_after = rss_mb(pid)
    return DatabaseRun(
        database, site.build_seconds, round(rss_idle, 1), round(rss_after, 1), results
    )


def _brief(measures: list[Measure]) -> str:
    return "  ".join(
        f"c{m.concurrency}: {m.rps:8.1f} req/s p50 {m.p50_ms:7.1f} p99 {m.p99_ms:7.1f} ms"
        for m in measures
    )


# -- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    pg = subprocess.run(
        ["psql", *PG_ADMIN, "-d", "test", "-Atc", "SHOW server_version"],
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


def render(
    args: argparse.Namespace,
    started: dt.datetime,
    host: dict[str, str],
    floor: WorkloadResult,
    runs: list[DatabaseRun],
) -> str:
    floors = {m.concurrency: m.rps for m in floor.measures}
    lines = [
        f"## `bench/run.py` — {started:%Y-%m-%d %H:%M} UTC"
        + (f" — {args.label}" * bool(args.label)),
        "",
        f"Command: `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip() + " ",
        f"Machine: {host['cpu']}, {host['memory']}, Python {host['python']}, "
        f"SQLite {host['sqlite']}, PostgreSQL {host['postgresql']}; load average (1/5/15 min) "
        f"{host['load']} at the start and {machine()['load']} at the end.",
        f"Site: the demo plus a study of {args.samples} samples x {args.categories} categories "
        f"and a preparation of {args.prep_rows} rows x {args.prep_columns} columns. "
        f"`wrk -t1`, {args.seconds} s per workload and concurrency, one server process.",
        "",
        "Floor (bare Starlette hello, same uvicorn): "
        + ", ".join(
            f"c{m.concurrency} {m.rps:,.0f} req/s (p50 {m.p50_ms} ms, p99 {m.p99_ms} ms)"
            for m in floor.measures
        )
        + ".",
        "",
    ]
    for run in runs:
        lines += [
            f"**{run.database}**: RSS {run.rss_idle_mb:.0f} MB idle (site built), "
            f"{run.rss_after_mb:.0f} MB after all workloads. Building the site: "
            + ", ".join(f"{label} {s} s" for label, s in run.build_seconds.items())
            + ".",
            "",
            "| workload | SQL / request | response bytes | c | req/s | / floor | p50 ms | p99 ms"
            " | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for result in run.workloads:
            for m in result.measures:
                ratio = m.rps / floors[m.concurrency] if floors.get(m.concurrency) else 0.0
                statements = "-" if result.statements is None else result.statements
                lines.append(
                    f"| {result.name} | {statements}"
                    f" | {result.response_bytes:,} | {m.concurrency} | {m.rps:,.1f} | {ratio:.3f}"
                    f" | {m.p50_ms} | {m.p99_ms} | {m.errors} |"
                )
        lines.append("")
    lines += [
        "A workload missing at a concurrency: its concurrency-1 p50 times that concurrency "
        "exceeds the run length, so no full round would finish. A workload of which wrk "
        "finished no request in the run length is timed with three sequential requests instead.",
        "",
    ]
    if len(runs) > 1:
        lines += _side_by_side(runs, floors)
    return "\n".join(lines)


def _side_by_side(runs: list[DatabaseRun], floors: dict[int, float]) -> list[str]:
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
    keys = dict.fromkeys((result.name, m.concurrency) for run in runs
                         for result in run.workloads for m in result.measures)  # fmt: skip
    for workload, concurrency in keys:
        cells = []
        for name in names:
            m = figures.get((name, workload, concurrency))
            cells.append(
                "-" if m is None else
                f"{m.rps / floors[concurrency]:.3f}, {m.p50_ms:g} / {m.p99_ms:g}"
            )  # fmt: skip
        for pg, lite in pairs:
            a, b = (
                figures.get((pg, workload, concurrency)),
                figures.get((lite, workload, concurrency)),
            )
            cells.append(f"{a.rps / b.rps:.2f}" if a and b and b.rps else "-")
        lines.append(f"| {workload} | {concurrency} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small site, 2 s per workload")
    parser.add_argument("--seconds", type=int, default=None, help="per workload and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--categories", type=int, default=None)
    parser.add_argument("--prep-rows", type=int, default=None)
    parser.add_argument("--prep-columns", type=int, default=None)
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
    small = args.quick
    args.seconds = args.seconds or (2 if small else 8)
    args.samples = args.samples or (500 if small else 10_000)
    args.categories = args.categories or (20 if small else 200)
    args.prep_rows = args.prep_rows or (500 if small else 10_000)
    args.prep_columns = args.prep_columns or (10 if small else 50)
    args.prep_rows = min(args.prep_rows, args.samples)
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed")
    started = dt.datetime.now(dt.UTC)
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
                if database == "sqlite":
                    run = measure_gateway(args, database, None, folder, source)
                elif database == "postgresql":
                    with scratch_postgres() as url:
                        run = measure_gateway(args, database, url, folder, source)
                else:
                    raise SystemExit(f"unknown database {database!r}")
                run.database += suffix
                runs.append(run)
    report = render(args, started, host, floor, runs)
    print(report)
    if not args.no_write:
        with args.results.open("a") as results:
            results.write("\n" + report)
    raw = {"machine": host, "floor": asdict(floor), "runs": [asdict(run) for run in runs]}
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))
    return raw


if __name__ == "__main__":
    main()
