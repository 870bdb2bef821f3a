"""`/readyz`: the database answers and its schema is the one this package migrates to."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse

from db.migrate import current_revision, head_revision

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0


async def readiness(engine: AsyncEngine, expected: str | None) -> tuple[bool, dict[str, Any]]:
    """(ready, body): which check failed, with the revisions when they differ."""
    try:
        found = await asyncio.wait_for(current_revision(engine), CHECK_TIMEOUT)
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        logger.warning("readiness: the database is not reachable: %s", exc)
        return False, {
            "status": "unavailable",
            "failed": "database",
            "message": "The database is not reachable"
            + (f": {reason[0]}" if reason else " (timed out)"),
        }
    if found != expected:
        return False, {
            "status": "unavailable",
            "failed": "migrations",
            "message": "The database is not migrated to this version's schema: "
            "run `qiita-gateway db upgrade`.",
            "database_revision": found,
            "expected_revision": expected,
        }
    return True, {"status": "ready", "revision": found}


def readyz_endpoint(engine: AsyncEngine) -> Callable[[Request], Awaitable[JSONResponse]]:
    expected = head_revision()

    async def readyz(request: Request) -> JSONResponse:
        ready, body = await readiness(engine, expected)
        return JSONResponse(body, status_code=200 if ready else 503)

    return readyz
