"""An app built from changed settings, with its own client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from db.settings import Settings
from gateway.app import create_app
from tests.frontends.client_for import ClientFor


@pytest.fixture
def client_for(settings: Settings) -> ClientFor:
    """`async with client_for(cors_origins=...) as http`: an app with those settings."""

    @asynccontextmanager
    async def open_client(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.replace(**changes))
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http

    return open_client
