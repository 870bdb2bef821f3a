"""Soak and memory test: RSS of a real server through bursts of large PATCHes and mixed load.

Starts `qiita-gateway serve --demo` on 127.0.0.1 (a free port; a temporary data dir with
SQLite, or `--database-url`), then:

1. idle: warms up with a few requests and records the server's idle RSS;
2. burst: `--burst` parallel sample PATCHes of about `--patch-mb` MB each (one new study
   each), then `--settle` seconds of quiet, and records the RSS after;
3. soak: for `--seconds` (600 by default), mixed REST and GraphQL requests at at most
   `--rate` requests per second from `--concurrency` clients, repeating the burst every
   `--burst-every` seconds, sampling RSS every second;
4. after: `--settle` seconds of quiet, the final RSS.

Every loop is bounded by time and count and talks only to 127.0.0.1. Prints one JSON
document (figures, the RSS curve, error counts). Not run by CI:

    python bench/soak.py [--seconds 600] [--rate 20] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BANNER = re.compile(r"serving on (http://\S+)")
DEMO_FORM = {
    "grant_type": "password", "client_id": "qiita-demo-password-client",
    "username": "demo@example.org", "password": "qiita-demo-user",
}  # fmt: skip
GRAPHQL_QUERIES = [
    "{ studies(first: 20) { totalCount nodes { studyId title } } }",
    "{ plugins { name version } }",
    '{ node(id: "U3R1ZHk6MQ==") { id ... on Study { title } } }',
]
REST_PATHS = [
    "/api/v1/study/1", "/api/v1/study/1/samples", "/api/v1/study/1/samples/info",
    "/api/v1/study/1/samples/categories=ph", "/api/v1/study/1/status", "/healthz",
]  # fmt: skip


def rss_mb(pid: int) -> float:
    """Resident set size of a process and its children (workers), in MiB."""
    total = 0
    pids = [pid, *_children(pid)]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total / 1024, 1)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


def start_server(data_dir: Path, database_url: str | None, env: dict[str, str]) -> tuple[Any, str]:
    log = (data_dir / "server.log").open("w")
    command = [sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", "0",
               "--data-dir", str(data_dir)]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, text=True,
        env={**os.environ, "QIITA_LAUNCH_JOBS": "0", "QIITA_LOG_LEVEL": "WARNING", **env},
    )  # fmt: skip
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = BANNER.search(line)
        if found:
            _wait_until_healthy(found.group(1), deadline)
            return process, found.group(1)
    process.kill()
    raise SystemExit(f"the server did not start; see {data_dir / 'server.log'}")


def _wait_until_healthy(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz")


def samples_table(megabytes: float, tag: str) -> bytes:
    """A samples PATCH body of about `megabytes` MB: 20 categories of 24-character values."""
    row = {f"category_{c}": f"{tag}-value-{c:04d}-abcdefghij" for c in range(20)}
    per_sample = len(json.dumps(row)) + 20
    count = max(1, int(megabytes * 1_000_000 / per_sample))
    return json.dumps({f"{tag}.{n}": row for n in range(count)}).encode()


class Load:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}
        self.errors: dict[str, int] = {}
        self.requests = 0

    def count(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    async def new_study(self, http: httpx.AsyncClient, tag: str) -> int:
        body = {
            "title": f"Soak {tag} {time.time_ns()}", "study_abstract": "a",
            "study_description": "d", "study_alias": tag, "owner": "demo@example.org",
            "contacts": {"principal_investigator": ["Soak PI", "Soak Lab"],
                         "lab_person": ["Soak PI", "Soak Lab"]},
        }  # fmt: skip
        response = await http.post("/api/v1/study", json=body, headers=self.headers)
        response.raise_for_status()
        return int(response.json()["id"])

    async def burst(self, http: httpx.AsyncClient, count: int, megabytes: float) -> float:
        studies = [await self.new_study(http, f"b{n}") for n in range(count)]
        bodies = [samples_table(megabytes, f"s{n}") for n in range(count)]
        started = time.monotonic()
        responses = await asyncio.gather(
            *(
                http.patch(f"/api/v1/study/{sid}/samples", content=body, headers=self.headers)
                for sid, body in zip(studies, bodies, strict=True)
            ),
            return_exceptions=True,
        )
        for response in responses:
            self.requests += 1
            if isinstance(response, BaseException):
                self.count(type(response).__name__)
            elif response.status_code != 201:
                self.count(f"PATCH {response.status_code}")
        del bodies
        return round(time.monotonic() - started, 2)

    async def one_request(self, http: httpx.AsyncClient, index: int) -> None:
        self.requests += 1
        try:
            if index % 2:
                query = GRAPHQL_QUERIES[index // 2 % len(GRAPHQL_QUERIES)]
                response = await http.post("/graphql", json={"query": query})
                failed = response.status_code != 200 or bool(response.json().get("errors"))
            else:
                path = REST_PATHS[index // 2 % len(REST_PATHS)]
                response = await http.get(path, headers=self.headers)
                failed = response.status_code >= 400
            if failed:
                self.count(f"{response.request.method} {response.status_code}")
        except httpx.HTTPError as exc:
            self.count(type(exc).__name__)


async def soak(arguments: argparse.Namespace, base: str, pid: int) -> dict[str, Any]:
    curve: list[tuple[float, float]] = []
    started = time.monotonic()
    timeout = httpx.Timeout(300.0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as http:
        token = (await http.post("/qiita_db/authenticate/", data=DEMO_FORM)).json()["access_token"]
        load = Load(base, token)
        await http.post(
            "/api/v1/person",
            data={"name": "Soak PI", "affiliation": "Soak Lab", "email": "soak@example.org"},
            headers=load.headers,
        )
        for index in range(50):
            await load.one_request(http, index)
        await asyncio.sleep(arguments.settle)
        idle = rss_mb(pid)
        burst_seconds = await load.burst(http, arguments.burst, arguments.patch_mb)
        peak = rss_mb(pid)
        await asyncio.sleep(arguments.settle)
        after_burst = rss_mb(pid)

        stop = time.monotonic() + arguments.seconds
        interval = arguments.concurrency / arguments.rate
        next_burst = time.monotonic() + arguments.burst_every

        async def client(offset: int) -> None:
            index = offset
            while time.monotonic() < stop:
                began = time.monotonic()
                await load.one_request(http, index)
                index += arguments.concurrency
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - began)))

        async def sampler() -> None:
            nonlocal next_burst
            while time.monotonic() < stop:
                curve.append((round(time.monotonic() - started, 1), rss_mb(pid)))
                if arguments.burst_every and time.monotonic() >= next_burst:
                    await load.burst(http, arguments.burst, arguments.patch_mb)
                    next_burst = time.monotonic() + arguments.burst_every
                await asyncio.sleep(1.0)

        await asyncio.gather(sampler(), *(client(n) for n in range(arguments.concurrency)))
        await asyncio.sleep(arguments.settle)
        final = rss_mb(pid)
    rss_values = [value for _, value in curve] or [final]
    return {
        "idle_rss_mb": idle,
        "burst": {"patches": arguments.burst, "mb_each": arguments.patch_mb,
                  "seconds": burst_seconds, "rss_right_after_mb": peak,
                  "rss_after_settle_mb": after_burst},
        "soak": {"seconds": arguments.seconds, "requests": load.requests, "errors": load.errors,
                 "rss_min_mb": min(rss_values), "rss_max_mb": max(rss_values)},
        "final_rss_mb": final,
        "final_vs_idle": round(final / idle, 3),
        "after_burst_vs_idle": round(after_burst / idle, 3),
        "rss_curve": curve[:: max(1, len(curve) // 60)],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second, at most")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--burst", type=int, default=20, help="parallel large PATCHes")
    parser.add_argument("--patch-mb", type=float, default=6.0)
    parser.add_argument("--burst-every", type=float, default=120.0, help="0: only the first")
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    arguments = parser.parse_args()
    env = dict(item.split("=", 1) for item in arguments.env)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(Path(folder), arguments.database_url, env)
        try:
            report = asyncio.run(soak(arguments, base, process.pid))
            if report["soak"]["errors"]:
                print((Path(folder) / "server.log").read_text()[-6000:], file=sys.stderr)
        except BaseException:
            print((Path(folder) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(30)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
