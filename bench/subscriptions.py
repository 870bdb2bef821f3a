"""Subscription fan-out: many `jobUpdated` subscribers while job steps change at a fixed rate.

`subscribers` WebSocket clients (graphql-transport-ws, one socket each, authenticated in
`connection_init`) are spread evenly over `jobs` running jobs. Once every one has its first
push (the job as it is), step updates `bench <n>` are POSTed to the plugin route
`/qiita_db/jobs/<id>/step/` at `rate` per second for `seconds`, round robin over the jobs.
Each push received for update n counts as a delivery with latency = time received - time the
update was sent (one clock: both ends are in this process). Step updates that fail or are
still unanswered `grace` seconds after the last was sent are counted apart (and expected by no
subscriber); an update not seen by one of its job's subscribers within a further `grace`
seconds is lost for that subscriber. So a run lasts `seconds` + 2 x `grace` at most, however
slow the server.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx
import websockets

SUBSCRIPTION = "subscription Watch($id: String!) { jobUpdated(jobId: $id) { jobId status step } }"
PROTOCOL = "graphql-transport-ws"


@dataclass
class FanOut:
    subscribers: int
    jobs: int
    rate: int
    seconds: float
    updates_sent: int
    expected: int
    delivered: int
    lost: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    cpu_ms_per_delivery: float | None = None
    unanswered: int = 0  # step updates failed or unanswered `grace` s after the last was sent
    connect_seconds: float = 0.0  # until every subscriber had its first push


async def _subscribe(
    ws_url: str,
    token: str,
    job_id: str,
    seen: dict[int, float],
    ready: asyncio.Queue[None],
    opening: asyncio.Semaphore,
) -> None:
    async with opening:
        socket = await websockets.connect(
            ws_url, subprotocols=[PROTOCOL], open_timeout=120, max_size=None
        )
    async with socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        message = json.loads(await socket.recv())
        if message["type"] != "connection_ack":
            raise RuntimeError(f"subscription refused: {message}")
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"id": job_id}},
                }
            )
        )
        first = True
        async for raw in socket:
            received = time.perf_counter()
            message = json.loads(raw)
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next":
                step = (message["payload"].get("data") or {}).get("jobUpdated", {}).get("step")
                if isinstance(step, str) and step.startswith("bench "):
                    seen.setdefault(int(step.split()[1]), received)
                if first:
                    first = False
                    ready.put_nowait(None)
            elif message["type"] in ("error", "complete"):
                raise RuntimeError(f"subscription ended: {message}")


async def _publish(
    url: str, client_token: str, jobs: list[str], rate: int, seconds: float, grace: float
) -> tuple[dict[int, tuple[str, float]], int]:
    """Step updates at `rate` per second; update n -> (its job, when it was sent), and how many
    failed or were still unanswered `grace` seconds after the last was sent (not counted)."""
    sent: dict[int, tuple[str, float]] = {}
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {client_token}"}
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:

        async def one(n: int, job: str) -> None:
            started = time.perf_counter()
            try:
                response = await http.post(
                    f"/qiita_db/jobs/{job}/step/", content=json.dumps({"step": f"bench {n}"})
                )
            except httpx.HTTPError as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                return
            if response.is_success:
                sent[n] = (job, started)
            else:
                failures.append(f"{response.status_code} {response.text[:200]}")

        tasks = []
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, jobs[n % len(jobs)])))
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if failures:
        print(f"    {len(failures)} step updates failed, e.g. {failures[0]}", flush=True)
    return sent, len(pending) + len(failures)


async def fan_out(
    url: str,
    tokens: tuple[str, str],
    jobs: list[str],
    subscribers: int,
    rate: int,
    seconds: float,
    grace: float = 3.0,
) -> FanOut:
    """`tokens`: a user's (for the subscribers) and a client's (for the step updates)."""
    user_token, client_token = tokens
    ws_url = url.replace("http", "ws", 1) + "/graphql"
    watched = [jobs[n % len(jobs)] for n in range(subscribers)]
    seen: list[dict[int, float]] = [{} for _ in watched]
    ready: asyncio.Queue[None] = asyncio.Queue()
    opening = asyncio.Semaphore(20)
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(_subscribe(ws_url, user_token, job, seen[i], ready, opening))
        for i, job in enumerate(watched)
    ]
    try:
        for _ in watched:
            getter = asyncio.ensure_future(ready.get())
            done, _pending = await asyncio.wait(
                [getter, *tasks], timeout=120, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
                failed = [task for task in done if task is not getter]
                problem = failed[0].exception() if failed else "timeout"
                raise RuntimeError(f"subscribers did not start: {problem}")
        used = sorted(set(watched), key=watched.index)
        connected = time.perf_counter() - started
        sent, unanswered = await _publish(url, client_token, used, rate, seconds, grace)
        deadline = time.perf_counter() + grace
        expected = _expected(sent, watched)
        while time.perf_counter() < deadline:
            if _delivered(sent, watched, seen) >= expected:
                break
            await asyncio.sleep(0.1)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    summary = _summary(sent, watched, seen, rate, seconds)
    summary.unanswered, summary.connect_seconds = unanswered, round(connected, 2)
    return summary


def _expected(sent: dict[int, tuple[str, float]], watched: list[str]) -> int:
    return sum(1 for job, _ in sent.values() for watcher in watched if watcher == job)


def _delivered(
    sent: dict[int, tuple[str, float]], watched: list[str], seen: list[dict[int, float]]
) -> int:
    return sum(
        1 for i, job in enumerate(watched) for n in seen[i] if n in sent and sent[n][0] == job
    )


def _summary(
    sent: dict[int, tuple[str, float]],
    watched: list[str],
    seen: list[dict[int, float]],
    rate: int,
    seconds: float,
) -> FanOut:
    latencies = sorted(
        seen[i][n] - sent[n][1]
        for i, job in enumerate(watched)
        for n in seen[i]
        if n in sent and sent[n][0] == job
    )
    expected = _expected(sent, watched)

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    return FanOut(
        subscribers=len(watched),
        jobs=len(set(watched)),
        rate=rate,
        seconds=seconds,
        updates_sent=len(sent),
        expected=expected,
        delivered=len(latencies),
        lost=expected - len(latencies),
        p50_ms=ms(statistics.median(latencies)) if latencies else 0.0,
        p99_ms=ms(latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))])
        if latencies
        else 0.0,
        max_ms=ms(latencies[-1]) if latencies else 0.0,
    )


def run(url: str, tokens: tuple[str, str], jobs: list[str], **options: Any) -> FanOut:
    return asyncio.run(fan_out(url, tokens, jobs, **options))
