"""`qiita-gateway backup` and `restore` as real processes, on SQLite and PostgreSQL.

The demo is loaded and served (JSON logs); a backup is taken while it serves; it is
restored into a fresh data dir and database, which hold the same rows and files and
serve the same studies.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from db.migrate import current_revision, downgrade_database, head_revision
from db.models import Base
from db.session import create_engine
from db.settings import Settings
from tests import databases
from tests.cli.test_cli import run_cli
from tests.e2e.test_serve import STOP_TIMEOUT, _wait_for_banner, _wait_until_healthy

pytestmark = pytest.mark.slow

STUDIES = "query Studies { studies { totalCount nodes { studyId title } } }"


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env["QIITA_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        env["QIITA_DATABASE_URL"] = database_url
    return env


@contextmanager
def serving(data_dir: Path, database_url: str | None, log: Path) -> Iterator[str]:
    """`serve --port 0` with QIITA_LOG_FORMAT=json, its log in `log`; yields the base URL."""
    env = environment(data_dir, database_url)
    env["QIITA_LOG_FORMAT"] = "json"
    env["QIITA_LAUNCH_JOBS"] = "false"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
            env=env,
            cwd=data_dir.parent,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            base_url = _wait_for_banner(process, [])
            _wait_until_healthy(base_url, process, True)
            yield base_url
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=STOP_TIMEOUT)
            if process.stdout is not None:
                process.stdout.close()


async def every_row(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            rows: dict[str, list[tuple[Any, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
                query = text(f'SELECT * FROM "{table.name}" ORDER BY {keys}')
                rows[table.name] = [tuple(row) for row in await connection.execute(query)]
            return rows
    finally:
        await engine.dispose()


def data_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith("qiita.sqlite")
    }


@pytest.fixture
def target_database_url(backend: str) -> Iterator[str | None]:
    """An empty target database: SQLite's default file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield None
        return
    name = f"qg_restore_{databases.RUN_TAG}_{os.getpid()}"
    databases.run_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    yield databases.url_for_database(name)
    databases.drop_postgres(name)


def test_backup_while_serving_then_restore_into_a_fresh_data_dir_and_database(
    tmp_path: Path, database_url: str, target_database_url: str | None
) -> None:
    source_dir, target_dir, backup_dir = tmp_path / "src", tmp_path / "dst", tmp_path / "bk"
    loaded = run_cli("demo", "load", data_dir=source_dir, database_url=database_url)
    assert loaded.returncode == 0, loaded.stderr

    with serving(source_dir, database_url, tmp_path / "source.log") as base_url:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            served = http.post("/graphql", json={"query": STUDIES}).json()
            traced = http.get("/readyz", headers={"X-Request-ID": "backup-probe-1"})
        backup = run_cli("backup", str(backup_dir), data_dir=source_dir, database_url=database_url)

    assert traced.headers["x-request-id"] == "backup-probe-1"
    log_lines = [json.loads(line) for line in (tmp_path / "source.log").read_text().splitlines()]
    assert any(line["request_id"] == "backup-probe-1" for line in log_lines)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.startswith(f"Backup written to {backup_dir}: ")
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["migration"] == head_revision()
    assert manifest["counts"]["study"] == 2
    assert manifest["files"] == len(data_files(source_dir)) > 0
    assert not (backup_dir / "data" / "qiita.sqlite").exists()

    restored = run_cli(
        "restore", str(backup_dir), data_dir=target_dir, database_url=target_database_url
    )
    assert restored.returncode == 0, restored.stderr
    source_settings = Settings(data_dir=source_dir, database_url=database_url)
    target_settings = Settings(data_dir=target_dir, database_url=target_database_url or "")
    assert asyncio.run(every_row(target_settings)) == asyncio.run(every_row(source_settings))
    assert data_files(target_dir) == data_files(source_dir)

    again = run_cli(
        "restore", str(backup_dir), data_dir=target_dir, database_url=target_database_url
    )
    assert again.returncode == 2
    assert "pass --force" in again.stderr
    forced = run_cli(
        "restore", str(backup_dir), "--force", data_dir=target_dir,
        database_url=target_database_url,
    )  # fmt: skip
    assert forced.returncode == 0, forced.stderr

    with serving(target_dir, target_database_url, tmp_path / "target.log") as base_url:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            assert http.get("/readyz").status_code == 200
            assert http.post("/graphql", json={"query": STUDIES}).json() == served


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "not-a-backup").mkdir()
    result = run_cli("restore", str(tmp_path / "not-a-backup"), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "has no manifest.json" in result.stderr


def test_restore_refuses_a_manifest_from_an_unknown_migration(tmp_path: Path) -> None:
    source = tmp_path / "source"
    assert run_cli("db", "upgrade", data_dir=source).returncode == 0
    assert run_cli("backup", str(tmp_path / "bk"), data_dir=source).returncode == 0
    manifest_path = tmp_path / "bk" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migration"] = "9999"
    manifest_path.write_text(json.dumps(manifest))

    result = run_cli("restore", str(tmp_path / "bk"), data_dir=tmp_path / "target")

    assert result.returncode == 2
    assert "migration level '9999' is unknown" in result.stderr


def test_backup_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "something").write_text("x")
    result = run_cli("backup", str(tmp_path / "bk"), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "is not empty" in result.stderr


def test_a_backup_of_an_older_migration_level_is_restored_then_migrated(
    tmp_path: Path, database_url: str, target_database_url: str | None
) -> None:
    source = Settings(data_dir=tmp_path / "src", database_url=database_url)
    downgrade_database(source, "0002")
    backup = run_cli(
        "backup", str(tmp_path / "bk"), data_dir=source.data_dir, database_url=database_url
    )
    assert backup.returncode == 0, backup.stderr
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["migration"] == "0002"
    assert "audit_log" not in manifest["counts"]

    restored = run_cli(
        "restore", str(tmp_path / "bk"), data_dir=tmp_path / "dst", database_url=target_database_url
    )

    assert restored.returncode == 0, restored.stderr
    target = Settings(data_dir=tmp_path / "dst", database_url=target_database_url or "")
    assert asyncio.run(revision_of(target)) == head_revision()


async def revision_of(settings: Settings) -> str | None:
    engine = create_engine(settings, pool=False)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()
