"""Shared fixtures: a fresh database per test on SQLite and PostgreSQL, the app, a client,
and callers (tests/builders/callers.py)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests import databases
from tests.builders.callers import Callers, make_callers
from tests.databases import BACKENDS


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.make_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    reason = databases.postgres_available()
    if reason is not None:
        if databases.REQUIRE_POSTGRES:
            pytest.fail(reason)
        yield None
        return
    name = databases.make_postgres_template()
    yield name
    databases.drop_postgres(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "qiita.sqlite"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    if template is None:
        pytest.skip("PostgreSQL is not available (set QIITA_REQUIRE_POSTGRES=1 to fail instead)")
    name = databases.clone_postgres(template)
    yield databases.url_for_database(name)
    databases.drop_postgres(name)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        plugins_dir=tmp_path / "plugins",
        test_mode=True,
        launch_jobs=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
def services(app: Starlette) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def callers(services: Services) -> Callers:
    """An owner, a user to share with, another user, an admin, and an anonymous caller."""
    return await make_callers(services)
