"""Migrations build the schema from nothing, go down and up again, and match the models."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, table

from db.migrate import alembic_config, downgrade_database, head_revision, upgrade_database
from db.models import Base
from db.session import create_engine
from db.settings import Settings

MODEL_TABLES = set(Base.metadata.tables)
SEEDED_COUNTS = {"data_type": 12, "filepath_type": 25, "artifact_type": 10, "data_directory": 19}


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url)


async def _inspect(settings: Settings) -> tuple[set[str], dict[str, int]]:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            names = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
            counts = {}
            for name in SEEDED_COUNTS:
                if name in names:
                    query = select(func.count()).select_from(table(name))
                    counts[name] = (await connection.execute(query)).scalar_one()
            return names, counts
    finally:
        await engine.dispose()


def _tables_and_counts(settings: Settings) -> tuple[set[str], dict[str, int]]:
    return asyncio.run(_inspect(settings))


def test_migrations_have_a_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == head_revision()


def test_upgrade_creates_the_whole_schema_from_nothing(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = _settings(empty_database_url, tmp_path)
    assert _tables_and_counts(settings)[0] == set()

    upgrade_database(settings)

    names, counts = _tables_and_counts(settings)
    assert names == MODEL_TABLES | {"alembic_version"}
    assert counts == SEEDED_COUNTS


def test_upgrade_downgrade_upgrade_round_trip(empty_database_url: str, tmp_path: Path) -> None:
    settings = _settings(empty_database_url, tmp_path)
    upgrade_database(settings)

    downgrade_database(settings, "base")
    names, _ = _tables_and_counts(settings)
    assert names <= {"alembic_version"}

    upgrade_database(settings)
    names, counts = _tables_and_counts(settings)
    assert names == MODEL_TABLES | {"alembic_version"}
    assert counts == SEEDED_COUNTS


def test_every_revision_downgrades_one_step_and_back(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = _settings(empty_database_url, tmp_path)
    upgrade_database(settings)
    script = ScriptDirectory.from_config(alembic_config(empty_database_url))
    for revision in script.walk_revisions():
        if revision.down_revision is None:
            continue
        downgrade_database(settings, str(revision.down_revision))
        upgrade_database(settings)
    names, counts = _tables_and_counts(settings)
    assert names == MODEL_TABLES | {"alembic_version"}
    assert counts == SEEDED_COUNTS


def test_alembic_check_finds_no_drift_between_models_and_migrations(
    empty_database_url: str, tmp_path: Path
) -> None:
    upgrade_database(_settings(empty_database_url, tmp_path))
    command.check(alembic_config(empty_database_url))
