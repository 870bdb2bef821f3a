"""Throughput and latency of a GraphQL studies query against the demo over real uvicorn.

Starts `qiita-gateway serve --demo --port 0` in a temporary data dir (or on the
database given with --database-url), waits for /healthz, sends warm-up requests, then
N requests from C concurrent clients over loopback, and prints requests/s with the
p50/p95/p99 latency. Not run by CI; see bench/RESULTS.md.

    python bench/graphql_studies.py --requests 2000 --concurrency 8
    python bench/graphql_studies.py --workers 2 --database-url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUERY = """
query Studies($first: Int!) {
  studies(first: $first) { totalCount nodes { studyId title } }
}
"""
BANNER = re.compile(r"serving on (https?://\S+:\d+)")
STARTUP_TIMEOUT = 120.0


def start_server(
    data_dir: Path, workers: int, database_url: str | None, settings: list[str]
) -> tuple[subprocess.Popen[str], str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env["QIITA_LOG_LEVEL"] = "WARNING"
    env.update(setting.split("=", 1) for setting in settings)
    command = [
        sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", "0",
        "--data-dir", str(data_dir), "--workers", str(workers),
    ]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"server exited with {process.wait()}")
        if match := BANNER.search(line):
            url = match.group(1)
            break
    else:
        raise SystemExit("no startup line")
    with httpx.Client(base_url=url) as http:
        while time.monotonic() < deadline:
            try:
                if http.get("/healthz").status_code == 200:
                    return process, url
            except httpx.TransportError:
                time.sleep(0.05)
    raise SystemExit("server did not become healthy")


async def run_load(
    url: str, requests: int, concurrency: int, first: int
) -> tuple[float, list[float]]:
    body = {"query": QUERY, "variables": {"first": first}}
    latencies: list[float] = []
    remaining = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        for _ in range(min(50, requests)):
            (await http.post("/graphql", json=body)).raise_for_status()

        async def client() -> None:
            for _ in remaining:
                started = time.perf_counter()
                response = await http.post("/graphql", json=body)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()
                assert "errors" not in response.json(), response.text

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--first", type=int, default=20, help="page size of the query")
    parser.add_argument("--database-url", help="default: SQLite in a temporary data dir")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="QIITA_NAME=VALUE",
        help="a setting for the server (repeatable), e.g. QIITA_GRAPHQL_DOCUMENT_CACHE=0",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qiita-bench-") as folder:
        process, url = start_server(
            Path(folder) / "data", args.workers, args.database_url, args.set
        )
        try:
            elapsed, latencies = asyncio.run(
                run_load(url, args.requests, args.concurrency, args.first)
            )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.requests} requests, concurrency {args.concurrency}, "
        f"{args.workers} worker(s), {backend} {' '.join(args.set)}"
    )
    print(f"throughput: {len(latencies) / elapsed:.1f} requests/s")
    print(
        "latency ms: "
        f"p50 {percentile(latencies, 0.50) * 1000:.1f}  "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f}  "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f}  "
        f"mean {statistics.fmean(latencies) * 1000:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
