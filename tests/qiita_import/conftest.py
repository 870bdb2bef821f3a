"""Qiita's own test database (shared/fixtures/qiita-2026.01) loaded once per session into a
scratch PostgreSQL database, and imported once per target backend."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tarfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from db.settings import Settings
from gateway.app import create_app
from gateway.qiita_import import run_import
from tests import databases
from tests.databases import BACKENDS
from tests.qiita_import.site import FIXTURE, ImportedSite, QiitaSource


def _psql() -> str:
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is needed to load Qiita's dump")
    return psql


@pytest.fixture(scope="session")
def qiita_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QiitaSource]:
    reason = databases.postgres_available()
    if reason is not None:
        if databases.REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)
    psql = _psql()
    if not FIXTURE.is_dir():
        pytest.skip(f"Qiita's test database is not at {FIXTURE}")
    name = f"qg_qiita_source_{databases.RUN_TAG}"
    databases.run_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    url = databases.url_for_database(name).replace("postgresql+asyncpg", "postgresql")
    try:
        dump = subprocess.run(
            ["gunzip", "-c", str(FIXTURE / "qiita_test_db.sql.gz")], check=True, capture_output=True
        ).stdout
        subprocess.run(
            [psql, url, "-q", "-v", "ON_ERROR_STOP=1"], input=dump, check=True,
            capture_output=True, timeout=300,
        )  # fmt: skip
        folder = tmp_path_factory.mktemp("qiita-data")
        with tarfile.open(FIXTURE / "qiita_test_data.tar.gz") as archive:
            archive.extractall(folder, filter="data")
        yield QiitaSource(url=url, data_dir=folder / "test_data")
    finally:
        databases.drop_postgres(name)


@pytest.fixture(scope="session", params=BACKENDS)
def imported(
    request: pytest.FixtureRequest,
    qiita_source: QiitaSource,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ImportedSite]:
    """The fixture imported into a fresh gateway (one per backend, shared by the session)."""
    folder = tmp_path_factory.mktemp(f"imported-{request.param}")
    postgres_name = None
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, folder / "qiita.sqlite")
        url = f"sqlite+aiosqlite:///{folder / 'qiita.sqlite'}"
    else:
        template = request.getfixturevalue("postgres_template")
        if template is None:
            pytest.skip("PostgreSQL is not available")
        postgres_name = databases.clone_postgres(template)
        url = databases.url_for_database(postgres_name)
    settings = Settings(
        data_dir=folder / "data",
        database_url=url,
        plugins_dir=folder / "plugins",
        test_mode=True,
        launch_jobs=False,
    )
    report = asyncio.run(run_import(settings, qiita_source.options()))
    yield ImportedSite(settings=settings, report=report)
    if postgres_name is not None:
        databases.drop_postgres(postgres_name)


@pytest.fixture
async def site_app(imported: ImportedSite) -> AsyncIterator[Starlette]:
    application = create_app(imported.settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def site(site_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=site_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
