"""Fixtures of the persistence tests: empty databases (no schema) on both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import databases


@pytest.fixture
def empty_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database without any table: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite'}"
        return
    if request.getfixturevalue("postgres_template") is None:
        pytest.skip("PostgreSQL is not available (set QIITA_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"qg_empty_{databases.RUN_TAG}_{uuid.uuid4().hex[:8]}"
    databases.run_admin(f'CREATE DATABASE "{name}"')
    yield databases.url_for_database(name)
    databases.drop_postgres(name)
