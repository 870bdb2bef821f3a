"""A small app for the bearer check: the real services and error handlers, plus one
authenticated probe route (the job and study routes are tested in their own modules)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from resolvers.context import Services
from tests.auth.probe import probe_app


@pytest.fixture
async def probe(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=probe_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
