"""The processes of a harness run: servers, a scratch PostgreSQL database, wrk, py-spy."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.results import Measure, Workload, cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
BANNER = re.compile(r"serving on (https?://\S+:\d+)")
STARTUP_SECONDS = 180.0
PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
PG_ADMIN = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]

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


def measured(
    args: argparse.Namespace, pid: int, url: str, workload: Workload, concurrency: int,
    folder: Path, label: str, http: httpx.Client,
) -> Measure:  # fmt: skip
    """One wrk run, then the server's CPU time per request it served (requests wrk left in
    flight are served before the second reading, so they count against the figure)."""
    before = cpu_seconds(pid)
    with profiled(args, pid, label):
        measure = wrk(url, workload, concurrency, args.seconds, folder)
    drain(http)
    if measure.requests:
        measure.cpu_ms = round((cpu_seconds(pid) - before) * 1000 / measure.requests, 3)
    return measure
