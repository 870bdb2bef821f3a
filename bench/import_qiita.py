"""Time `qiita-gateway import-qiita` on a large synthetic Qiita database.

The source is Qiita's own test database (shared/fixtures/qiita-2026.01) grown with generated
rows in its own schema: STUDIES studies of SAMPLES samples with COLUMNS metadata columns each
(one `qiita.sample_<id>` table per study), PREPS preparations over half their study's samples
(one `qiita.prep_<id>` table each), ARTIFACTS artifacts (one root per preparation, the rest its
children) and JOBS processing jobs in every status (one producing each generated artifact).
The import runs as a separate process into a fresh PostgreSQL (or SQLite) database; its wall
time and peak resident memory are printed.

    python bench/import_qiita.py                      # the full scale
    python bench/import_qiita.py --studies 20 --jobs 10000 --artifacts 500 --preps 40
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT.parent / "shared" / "fixtures" / "qiita-2026.01"
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
OWNER = "test@foo.bar"
FIRST_STUDY, FIRST_PREP, FIRST_ARTIFACT = 2, 3, 10


def server(name: str) -> str:
    return ADMIN.rsplit("/", 1)[0] + "/" + name


async def admin(*statements: str) -> None:
    connection = await asyncpg.connect(ADMIN)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def load_fixture(name: str) -> None:
    dump = subprocess.run(
        ["gunzip", "-c", str(FIXTURE / "qiita_test_db.sql.gz")], check=True, capture_output=True
    ).stdout
    subprocess.run(
        ["psql", server(name), "-q", "-v", "ON_ERROR_STOP=1"], input=dump, check=True,
        capture_output=True,
    )  # fmt: skip


async def copied_row_insert(
    connection: asyncpg.Connection, table: str, replace: dict[str, str], where: str, series: str
) -> None:
    """Insert one row per value of `series` (as g), copying the row `where` but for `replace`."""
    columns = [
        r[0]
        for r in await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'qiita' "
            "AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
    ]
    values = ", ".join(replace.get(c, f"t.{c}") for c in columns)
    await connection.execute(
        f"INSERT INTO qiita.{table} ({', '.join(columns)}) SELECT {values} "
        f"FROM qiita.{table} t, {series} AS g WHERE {where}"
    )


async def grow(name: str, args: argparse.Namespace) -> None:
    connection = await asyncpg.connect(server(name))
    try:
        last_study = FIRST_STUDY + args.studies - 1
        await copied_row_insert(
            connection, "study",
            {"study_id": "g", "study_title": "'Bench study ' || g", "ebi_study_accession": "NULL",
             "email": f"'{OWNER}'"},
            "t.study_id = 1", f"generate_series({FIRST_STUDY}, {last_study})",
        )  # fmt: skip
        keys = ", ".join(f"'col_{k}'" for k in range(args.columns))
        for study in range(FIRST_STUDY, last_study + 1):
            await connection.execute(
                f"CREATE TABLE qiita.sample_{study} (sample_id varchar PRIMARY KEY, "
                "sample_values jsonb)"
            )
            await connection.execute(
                f"INSERT INTO qiita.study_sample (sample_id, study_id) "
                f"SELECT '{study}.S' || n, {study} FROM generate_series(1, {args.samples}) n"
            )
            await connection.execute(
                f"INSERT INTO qiita.sample_{study} VALUES ('qiita_sample_column_names', "
                f"jsonb_build_object('columns', jsonb_build_array({keys})))"
            )
            await connection.execute(
                f"INSERT INTO qiita.sample_{study} SELECT '{study}.S' || n, "
                f"(SELECT jsonb_object_agg('col_' || k, 'value ' || n || '.' || k) "
                f"FROM generate_series(0, {args.columns - 1}) k) "
                f"FROM generate_series(1, {args.samples}) n"
            )
        last_prep = FIRST_PREP + args.preps - 1
        await copied_row_insert(
            connection, "prep_template",
            {"prep_template_id": "g", "artifact_id": "NULL", "creation_job_id": "NULL",
             "reprocess_job_id": "NULL"},
            "t.prep_template_id = 1", f"generate_series({FIRST_PREP}, {last_prep})",
        )  # fmt: skip
        prep_samples = args.samples // 2
        prep_keys = ", ".join(f"'prep_col_{k}'" for k in range(15))
        for index, prep in enumerate(range(FIRST_PREP, last_prep + 1)):
            study = FIRST_STUDY + index % args.studies
            await connection.execute(
                f"INSERT INTO qiita.study_prep_template VALUES ({study}, {prep})"
            )
            await connection.execute(
                f"CREATE TABLE qiita.prep_{prep} (sample_id varchar PRIMARY KEY, "
                "sample_values jsonb)"
            )
            await connection.execute(
                f"INSERT INTO qiita.prep_{prep} VALUES ('qiita_sample_column_names', "
                f"jsonb_build_object('columns', jsonb_build_array({prep_keys})))"
            )
            await connection.execute(
                f"INSERT INTO qiita.prep_template_sample (prep_template_id, sample_id) "
                f"SELECT {prep}, '{study}.S' || n FROM generate_series(1, {prep_samples}) n"
            )
            await connection.execute(
                f"INSERT INTO qiita.prep_{prep} SELECT '{study}.S' || n, "
                f"(SELECT jsonb_object_agg('prep_col_' || k, 'p' || n || '.' || k) "
                f"FROM generate_series(0, 14) k) FROM generate_series(1, {prep_samples}) n"
            )
        await grow_processing(connection, args, last_prep)
    finally:
        await connection.close()


async def grow_processing(
    connection: asyncpg.Connection, args: argparse.Namespace, last_prep: int
) -> None:
    last_artifact = FIRST_ARTIFACT + args.artifacts - 1
    await copied_row_insert(
        connection, "artifact",
        {"artifact_id": "g", "name": "'bench artifact ' || g", "command_id": "NULL",
         "command_parameters": "NULL"},
        "t.artifact_id = 1", f"generate_series({FIRST_ARTIFACT}, {last_artifact})",
    )  # fmt: skip
    preps = last_prep - FIRST_PREP + 1
    # artifact a belongs to prep FIRST_PREP + (a - FIRST_ARTIFACT) % preps; the first is its root
    prep_of = f"({FIRST_PREP} + (g - {FIRST_ARTIFACT}) % {preps})"
    await connection.execute(
        f"INSERT INTO qiita.preparation_artifact SELECT {prep_of}, g "
        f"FROM generate_series({FIRST_ARTIFACT}, {last_artifact}) g"
    )
    await connection.execute(
        "INSERT INTO qiita.study_artifact SELECT sp.study_id, pa.artifact_id "
        "FROM qiita.preparation_artifact pa JOIN qiita.study_prep_template sp "
        f"USING (prep_template_id) WHERE pa.artifact_id >= {FIRST_ARTIFACT}"
    )
    await connection.execute(
        f"UPDATE qiita.prep_template SET artifact_id = {FIRST_ARTIFACT} + prep_template_id - "
        f"{FIRST_PREP} WHERE prep_template_id >= {FIRST_PREP}"
    )
    await connection.execute(
        f"INSERT INTO qiita.parent_artifact SELECT g, {FIRST_ARTIFACT} + (g - {FIRST_ARTIFACT}) "
        f"% {preps} FROM generate_series({FIRST_ARTIFACT + preps}, {last_artifact}) g"
    )
    await connection.execute(
        "INSERT INTO qiita.processing_job (processing_job_id, email, command_id, "
        "command_parameters, processing_job_status_id, heartbeat, step, hidden) "
        f"SELECT gen_random_uuid(), '{OWNER}', 1, jsonb_build_object('input_data', g % 1000, "
        "'barcode_type', 'golay_12', 'rev_comp', false), 1 + g % 6, "
        "CASE WHEN g % 6 = 1 THEN now() END, CASE WHEN g % 6 = 1 THEN 'step ' || g END, false "
        f"FROM generate_series(1, {args.jobs}) g"
    )
    await connection.execute(
        "INSERT INTO qiita.artifact_output_processing_job (artifact_id, processing_job_id, "
        "command_output_id) SELECT a.artifact_id, j.processing_job_id, 1 FROM "
        "(SELECT artifact_id, row_number() OVER (ORDER BY artifact_id) AS n FROM qiita.artifact "
        f"WHERE artifact_id >= {FIRST_ARTIFACT}) a JOIN (SELECT processing_job_id, row_number() "
        "OVER (ORDER BY processing_job_id) AS n FROM qiita.processing_job "
        "WHERE processing_job_status_id = 3) j USING (n)"
    )
    await connection.execute("ANALYZE")


def run_import(
    target_url: str, data_dir: Path, source: str, source_data: Path, log: IO[str]
) -> float:
    """Run the import; its per-phase progress lines go to `log`."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gateway.cli", "import-qiita", "--database-url", target_url,
         "--data-dir", str(data_dir), "--source-url", server(source),
         "--source-data-dir", str(source_data)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        env=os.environ | {"QIITA_LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=60)
    parser.add_argument("--preps", type=int, default=400)
    parser.add_argument("--artifacts", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--target", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:8]
    source, target = f"qg_bench_qiita_{tag}", f"qg_bench_target_{tag}"
    asyncio.run(admin(f'CREATE DATABASE "{source}"'))
    try:
        started = time.perf_counter()
        load_fixture(source)
        asyncio.run(grow(source, args))
        print(f"source generated in {time.perf_counter() - started:.1f} s", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(FIXTURE / "qiita_test_data.tar.gz") as archive:
                archive.extractall(folder, filter="data")
            data_dir = Path(folder) / "gateway"
            if args.target == "postgresql":
                asyncio.run(admin(f'CREATE DATABASE "{target}"'))
                target_url = server(target)
            else:
                target_url = f"sqlite:///{data_dir}/qiita.sqlite"
            seconds = run_import(
                target_url, data_dir, source, Path(folder) / "test_data", sys.stdout
            )
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"import into {args.target}: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB "
            f"({args.studies} studies x {args.samples} samples x {args.columns} columns, "
            f"{args.preps} preps, {args.artifacts} artifacts, {args.jobs} jobs)"
        )
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)',
                          f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
