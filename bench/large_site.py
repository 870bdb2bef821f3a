"""The bulk part of the benchmark's large site, written straight into the served database.

Plugins (one command each), studies with one preparation and a chain of artifacts each (the
first chain hangs off the large study's preparation), and processing jobs across every status
(one produces each non-root artifact, the rest are spread over the plugins' commands).
Multi-row INSERTs through the models of `db.models`, a few statements per table, so 100,000
jobs take seconds; ids come from the database, so its id counters stay right.

    python bench/large_site.py DATABASE_URL --studies 100 --artifacts 1000 --jobs 100000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import (
    Account,
    Artifact,
    ArtifactParent,
    ArtifactType,
    Command,
    DataType,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    SampleTemplate,
    Software,
    Study,
    StudyPerson,
)
from db.session import create_engine
from db.settings import Settings

STATUSES = ("success", "error", "running", "queued", "waiting", "in_construction")
CHUNK = 2_000


@dataclass
class Scale:
    studies: int
    artifacts: int
    jobs: int
    plugins: int


@dataclass
class Bulk:
    study_ids: list[int]
    artifact_ids: list[int]
    running_job_ids: list[str]
    seconds: float


async def _insert(
    connection: AsyncConnection, table: Table, rows: list[dict[str, Any]], returning: bool = True
) -> list[Any]:
    """Multi-row INSERTs of CHUNK rows; the new ids in the order of `rows`."""
    ids: list[Any] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning:
            result = await connection.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
            )
            ids += result.scalars().all()
        else:
            await connection.execute(insert(table), chunk)
    return ids


async def _lookup(connection: AsyncConnection, owner: str) -> dict[str, int]:
    async def one(statement: Any) -> int:
        return int((await connection.execute(statement)).scalar_one())

    return {
        "owner": await one(select(Account.id).where(Account.email == owner)),
        "fastq": await one(select(ArtifactType.id).where(ArtifactType.name == "FASTQ")),
        "biom": await one(select(ArtifactType.id).where(ArtifactType.name == "BIOM")),
        "16S": await one(select(DataType.id).where(DataType.name == "16S")),
    }


async def _plugins(connection: AsyncConnection, count: int, tag: str) -> list[int]:
    software = await _insert(
        connection,
        Software.__table__,
        [
            {"name": f"Bench plugin {tag} {n}", "version": "1.0", "type":
             "artifact transformation", "active": True, "description": "benchmark"}
            for n in range(count)
        ],
    )  # fmt: skip
    return await _insert(
        connection,
        Command.__table__,
        [{"software_id": s, "name": "Bench command", "description": "benchmark"} for s in software],
    )


async def _studies(
    connection: AsyncConnection, ids: dict[str, int], big: tuple[int, int], count: int, tag: str
) -> tuple[list[int], list[int]]:
    """`count` studies with one preparation each; the large study and its preparation first."""
    person = (
        await _insert(
            connection,
            StudyPerson.__table__,
            [{"name": f"Bench person {tag}", "email": "b@example.org", "affiliation": "Bench"}],
        )
    )[0]
    new = count - 1
    study_ids = await _insert(
        connection,
        Study.__table__,
        [
            {"owner_id": ids["owner"], "title": f"Bench study {tag} {n}", "alias": f"b{n}",
             "description": "d", "abstract": "a", "principal_investigator_id": person,
             "lab_person_id": person, "metadata_complete": True, "mixs_compliant": True}
            for n in range(new)
        ],
    )  # fmt: skip
    await _insert(
        connection,
        SampleTemplate.__table__,
        [{"study_id": study, "columns": []} for study in study_ids],
        returning=False,
    )
    prep_ids = await _insert(
        connection,
        PrepTemplate.__table__,
        [{"study_id": s, "data_type_id": ids["16S"], "name": "Bench prep"} for s in study_ids],
    )
    return [big[0], *study_ids], [big[1], *prep_ids]


def _jobs(
    ids: dict[str, int], commands: list[int], count: int, now: dt.datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "account_id": ids["owner"],
            "command_id": commands[n % len(commands)],
            "parameters": {"threads": 1},
            "status": STATUSES[n % len(STATUSES)],
            "step": "Step 1 of 2",
            "created_at": now - dt.timedelta(seconds=count - n),
        }
        for n in range(count)
    ]


async def _chains(
    connection: AsyncConnection,
    ids: dict[str, int],
    studies: tuple[list[int], list[int]],
    length: int,
    jobs: list[dict[str, Any]],
) -> list[int]:
    """A chain of `length` artifacts per preparation: a FASTQ root, then BIOM artifacts each
    produced from the one before by a successful job (taken from `jobs`)."""
    table: Table = Artifact.__table__
    study_ids, prep_ids = studies
    roots = await _insert(
        connection,
        table,
        [
            {"name": "bench raw reads", "artifact_type_id": ids["fastq"], "data_type_id":
             ids["16S"], "visibility": "private", "study_id": s, "prep_id": p}
            for s, p in zip(study_ids, prep_ids, strict=True)
        ],
    )  # fmt: skip
    for prep, root in zip(prep_ids, roots, strict=True):
        await connection.execute(
            PrepTemplate.__table__.update().where(PrepTemplate.id == prep).values(artifact_id=root)
        )
    successes = iter(job for job in jobs if job["status"] == "success")
    made, parents = list(roots), list(roots)
    for _level in range(1, length):
        producers = [next(successes) for _ in parents]
        children = await _insert(
            connection,
            table,
            [
                {"name": "bench table", "artifact_type_id": ids["biom"], "data_type_id":
                 ids["16S"], "visibility": "private", "study_id": s, "prep_id": p,
                 "command_id": job["command_id"], "command_parameters": {"input": parent},
                 "produced_by_job_id": job["id"]}
                for s, p, parent, job in zip(study_ids, prep_ids, parents, producers, strict=True)
            ],
        )  # fmt: skip
        await _insert(
            connection,
            ArtifactParent.__table__,
            [{"artifact_id": c, "parent_id": p} for c, p in zip(children, parents, strict=True)],
            returning=False,
        )
        await _insert(
            connection,
            ProcessingJobInput.__table__,
            [
                {"job_id": job["id"], "artifact_id": parent}
                for job, parent in zip(producers, parents, strict=True)
            ],
            returning=False,
        )
        made += children
        parents = children
    return made


async def build(
    settings: Settings, scale: Scale, big_study: int, big_prep: int, owner: str
) -> Bulk:
    """Write the bulk rows in one transaction; `big_study`/`big_prep` get the first chain."""
    started = time.perf_counter()
    tag = uuid.uuid4().hex[:8]
    studies = max(1, min(scale.studies, scale.artifacts))
    length = max(1, scale.artifacts // studies)
    engine = create_engine(settings, pool=False)
    try:
        async with engine.begin() as connection:
            ids = await _lookup(connection, owner)
            commands = await _plugins(connection, max(1, scale.plugins), tag)
            jobs = _jobs(
                ids, commands, max(scale.jobs, 6 * studies * length), dt.datetime.now(dt.UTC)
            )
            await _insert(connection, ProcessingJob.__table__, jobs, returning=False)
            study_ids, prep_ids = await _studies(
                connection, ids, (big_study, big_prep), studies, tag
            )
            artifacts = await _chains(connection, ids, (study_ids, prep_ids), length, jobs)
    finally:
        await engine.dispose()
    running = [job["id"] for job in jobs if job["status"] == "running"]
    return Bulk(study_ids, artifacts, running, round(time.perf_counter() - started, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--data-dir", type=Path, default=Path("."))
    parser.add_argument("--big-study", type=int, required=True)
    parser.add_argument("--big-prep", type=int, required=True)
    parser.add_argument("--owner", default="demo-admin@example.org")
    parser.add_argument("--studies", type=int, default=100)
    parser.add_argument("--artifacts", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--plugins", type=int, default=50)
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir, database_url=args.database_url)
    scale = Scale(args.studies, args.artifacts, args.jobs, args.plugins)
    bulk = asyncio.run(build(settings, scale, args.big_study, args.big_prep, args.owner))
    print(f"{len(bulk.study_ids)} studies, {len(bulk.artifact_ids)} artifacts in {bulk.seconds} s")


if __name__ == "__main__":
    main()
