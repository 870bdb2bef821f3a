"""Sample and preparation information from Qiita's per-template tables
(`qiita.sample_<study>`, `qiita.prep_<prep>`): one JSON object per sample, kept value for
value; the column list comes from the template's `qiita_sample_column_names` row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import FromClause

from db.models import PrepSample, PrepTemplate, Sample, SampleTemplate
from gateway.qiita_import.state import ImportRun, Row, naive_utc

COLUMN_ROW = "qiita_sample_column_names"


async def _columns(run: ImportRun, table: str) -> list[str]:
    values = await run.source.value(
        f"SELECT sample_values FROM qiita.{table} WHERE sample_id = $1", COLUMN_ROW
    )
    return list((values or {}).get("columns", []))


async def _insert_numbered(
    run: ImportRun, resource: str, table: FromClause, query: str, args: tuple[Any, ...],
    next_id: int, row: Callable[[Any, int], Row | None],
) -> int:  # fmt: skip
    """Stream `query`, turn each record into a row numbered from `next_id` on (None: skipped,
    `row` warned), insert them in batches; returns the next free id."""
    async for records in run.source.batches(query, *args):
        rows = []
        for record in records:
            mapped = row(record, next_id)
            if mapped is not None:
                rows.append(mapped)
                next_id += 1
        run.report.found(resource, len(records))
        run.report.imported(resource, await run.insert(table, rows))
    return next_id


async def import_samples(run: ImportRun) -> None:
    studies = [r[0] for r in await run.source.fetch("SELECT study_id FROM qiita.study ORDER BY 1")]
    run.progress.start("samples", len(studies))
    next_id = 1
    for study_id in studies:
        table = f"sample_{int(study_id)}"
        if await run.source.has_table(table):
            next_id = await _study_samples(run, study_id, table, next_id)
        run.progress.advance(1)
    run.progress.finish()


async def _study_samples(run: ImportRun, study_id: int, table: str, next_id: int) -> int:
    run.report.found("sample templates", 1)
    await run.insert(
        SampleTemplate.__table__,
        [{"study_id": study_id, "columns": await _columns(run, table),
          "created_at": run.started_at, "modified_at": run.started_at}],
    )  # fmt: skip
    run.report.imported("sample templates")

    def sample(r: Any, id_: int) -> Row:
        run.ids.samples[r["name"]] = id_
        if r["sample_values"] is None:
            run.report.warn("samples", f"{r['name']}: no row in qiita.{table}")
        return {"id": id_, "study_id": study_id, "sample_name": r["name"],
                "ebi_sample_accession": r["ebi_sample_accession"],
                "biosample_accession": r["biosample_accession"],
                "values": r["sample_values"] or {}}  # fmt: skip

    query = (
        "SELECT coalesce(s.sample_id, t.sample_id) AS name, s.ebi_sample_accession, "
        f"s.biosample_accession, t.sample_values FROM qiita.{table} t FULL JOIN "
        "(SELECT * FROM qiita.study_sample WHERE study_id = $1) s USING (sample_id) "
        "WHERE coalesce(t.sample_id, '') <> $2 ORDER BY 1"
    )
    return await _insert_numbered(
        run, "samples", Sample.__table__, query, (study_id, COLUMN_ROW), next_id, sample
    )


async def import_preparations(run: ImportRun) -> None:
    preps = await run.source.fetch(
        "SELECT p.*, sp.study_id FROM qiita.prep_template p LEFT JOIN qiita.study_prep_template "
        "sp USING (prep_template_id) ORDER BY prep_template_id"
    )
    templates = {r[0] for r in await run.source.fetch("SELECT study_id FROM qiita.study")}
    run.report.found("preparations", len(preps))
    run.progress.start("preparations", len(preps))
    next_id = 1
    for prep in preps:
        prep_id = prep["prep_template_id"]
        table = f"prep_{int(prep_id)}"
        if prep["study_id"] not in templates or not await run.source.has_table(
            f"sample_{int(prep['study_id'] or 0)}"
        ):
            run.report.warn("preparations", f"prep {prep_id}: its study has no sample information")
            continue
        has_table = await run.source.has_table(table)
        columns = await _columns(run, table) if has_table else []
        await run.insert(PrepTemplate.__table__, [_prep_row(run, prep, columns)])
        run.report.imported("preparations")
        if not has_table:
            run.report.warn("preparations", f"prep {prep_id}: no table qiita.{table}")
            continue
        next_id = await _prep_samples(run, prep_id, table, next_id)
        run.progress.advance(1)
    run.progress.finish()


async def _prep_samples(run: ImportRun, prep_id: int, table: str, next_id: int) -> int:
    def prep_sample(r: Any, id_: int) -> Row | None:
        sample_id = run.ids.samples.get(r["sample_id"])
        if sample_id is None:
            run.report.warn("preparation samples", f"prep {prep_id}: {r['sample_id']} not a sample")
            return None
        return {"id": id_, "prep_id": prep_id, "sample_id": sample_id,
                "ebi_experiment_accession": r["ebi_experiment_accession"],
                "values": r["sample_values"] or {}}  # fmt: skip

    query = (
        "SELECT t.sample_id, t.sample_values, s.ebi_experiment_accession "
        f"FROM qiita.{table} t LEFT JOIN qiita.prep_template_sample s "
        "ON s.sample_id = t.sample_id AND s.prep_template_id = $1 "
        "WHERE t.sample_id <> $2 ORDER BY t.sample_id"
    )
    return await _insert_numbered(
        run, "preparation samples", PrepSample.__table__, query, (prep_id, COLUMN_ROW), next_id,
        prep_sample,
    )  # fmt: skip


def _prep_row(run: ImportRun, prep: Any, columns: list[str]) -> dict[str, Any]:
    creation, reprocess = prep["creation_job_id"], prep["reprocess_job_id"]
    if prep["artifact_id"] is not None:
        run.ids.prep_roots[prep["prep_template_id"]] = prep["artifact_id"]
    return {
        "id": prep["prep_template_id"], "study_id": prep["study_id"],
        "data_type_id": run.ids.data_types[prep["data_type_id"]],
        "investigation_type": prep["investigation_type"],
        "name": prep["name"] or "Default Name", "deprecated": bool(prep["deprecated"]),
        "current_human_filtering": bool(prep["current_human_filtering"]),
        "creation_job_id": str(creation) if creation else None,
        "reprocess_job_id": str(reprocess) if reprocess else None,
        "columns": columns,
        "created_at": naive_utc(prep["creation_timestamp"]) or run.started_at,
        "modified_at": naive_utc(prep["modification_timestamp"]) or run.started_at,
    }  # fmt: skip
