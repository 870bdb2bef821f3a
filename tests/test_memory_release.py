"""Memory is handed back to the system once the last large request has been answered."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from gateway import memory
from tests.e2e.test_serve import running_server


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def releases(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(1))
    return calls


async def settle() -> None:
    for _ in range(50):
        await asyncio.sleep(0.01)


async def test_a_large_body_is_followed_by_one_release(
    client: httpx.AsyncClient, releases: list[int]
) -> None:
    response = await client.post("/graphql", content=b" " * (2 * memory.LARGE_BODY_BYTES))
    assert response.status_code == 413
    await settle()
    assert releases == [1]


async def test_a_large_response_is_followed_by_one_release(releases: list[int]) -> None:
    async def table(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        chunk = b"x" * (memory.LARGE_BODY_BYTES // 4)
        for _ in range(5):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=memory.ReleaseMemoryMiddleware(table))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/table")
        assert len(response.content) > memory.LARGE_BODY_BYTES
        await settle()
        assert releases == [1]
        await http.get("/table", headers={"range": "bytes=0-0"})
        await settle()
        assert releases == [1, 1]


async def test_small_bodies_release_nothing(client: httpx.AsyncClient, releases: list[int]) -> None:
    for _ in range(3):
        await client.post("/graphql", json={"query": "{ __typename }"})
    await settle()
    assert releases == []


async def test_parallel_large_bodies_release_once_after_the_last(
    app: Starlette, client: httpx.AsyncClient, releases: list[int]
) -> None:
    body = b" " * memory.LARGE_BODY_BYTES
    await asyncio.gather(*(client.post("/qiita_db/jobs/x/step/", content=body) for _ in range(4)))
    await settle()
    assert 1 <= len(releases) <= 2


def test_release_memory_runs_on_this_platform() -> None:
    memory.release_memory()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_serve_runs_on_the_system_allocator(tmp_path: Path) -> None:
    # CPython's arenas stay pinned after a burst of large bodies; glibc pages can be trimmed.
    with running_server(tmp_path) as server:
        environ = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
    assert b"PYTHONMALLOC=malloc" in environ


def test_an_explicit_allocator_choice_is_kept() -> None:
    assert memory.environment_with_system_allocator({"PYTHONMALLOC": "pymalloc"}) is None
    assert memory.environment_with_system_allocator({"A": "1"}) == {
        "A": "1",
        "PYTHONMALLOC": "malloc",
    }
