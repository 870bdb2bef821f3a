"""A live server per test (its client is tests/graphql_transport/ws.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from db.settings import Settings
from gateway.app import create_app
from tests.graphql_transport.live_server import LiveServer, serve


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server
