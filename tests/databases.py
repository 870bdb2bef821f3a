"""Test databases: a migrated template per backend, cloned for every test.

SQLite templates are files copied per test. PostgreSQL templates are databases
cloned with `CREATE DATABASE ... TEMPLATE`. PostgreSQL is found at
QIITA_TEST_POSTGRES_URL (default: the local server, database `test`); when it is
unreachable its tests are skipped, unless QIITA_REQUIRE_POSTGRES=1 (CI), which
makes them fail.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from db.migrate import upgrade_database
from db.settings import Settings

POSTGRES_URL = os.environ.get(
    "QIITA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("QIITA_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
"""Every database test runs on both (the `backend` fixture)."""
_counter = itertools.count()
RUN_TAG = uuid.uuid4().hex[:8]


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def url_for_database(name: str) -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    connection = await asyncpg.connect(_admin_dsn(), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def run_admin(*statements: str) -> None:
    asyncio.run(_admin(*statements))


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        run_admin("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}"
    return None


def make_sqlite_template(folder: Path) -> Path:
    path = folder / "template.sqlite"
    upgrade_database(Settings(data_dir=folder, database_url=f"sqlite:///{path}"))
    return path


def make_postgres_template() -> str:
    name = f"qg_tpl_{RUN_TAG}"
    run_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    upgrade_database(Settings(database_url=url_for_database(name)))
    return name


def clone_postgres(template: str) -> str:
    name = f"qg_{RUN_TAG}_{os.getpid()}_{next(_counter)}"
    run_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def drop_postgres(name: str) -> None:
    run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
