"""What study-API tests do over HTTP and on disk: PATCH samples, read a written file."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.builders.callers import Caller


async def patch(
    client: httpx.AsyncClient, caller: Caller, study_id: int, body: object
) -> httpx.Response:
    return await client.patch(
        f"/api/v1/study/{study_id}/samples", json=body, headers=caller.headers
    )


def read_lines(path: str | Path) -> list[str]:
    """The lines of a small file the server wrote (test-side, synchronous on purpose)."""
    return Path(path).read_text().splitlines()
