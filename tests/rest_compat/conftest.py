"""Fixtures for the plugin API: the app of tests/conftest.py plus a plugin world."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolvers.context import Services
from tests.builders.world import World, make_world


@pytest.fixture
async def world(services: Services, tmp_path: Path) -> World:
    return await make_world(services, tmp_path)
