"""Lifecycle fixtures: a real uvicorn on 127.0.0.1 (tests/lifecycle/live.py) whose plugins
are real processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from db.settings import Settings
from tests.lifecycle.live import JOB_TIMEOUT, Live, live_server
from tests.lifecycle.plugin_files import write_fixture_plugins


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """A live server with the fixture plugins registered from their configuration files."""
    write_fixture_plugins(settings.resolved_plugins_dir)
    async with live_server(settings, heartbeat_timeout=2) as server:
        report = await asyncio.wait_for(server.jobs.registration_finished(), JOB_TIMEOUT)
        assert report is not None
        assert report.errors == []
        assert report.registered == ["Line types 1.0", "Line tools 0.1"]
        yield server
