"""Artifacts with their homes (study, preparation, analysis), producing job, parents, EBI run
accessions and the feature archive; preparations get their root artifact."""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy import update

from db.models import (
    VISIBILITIES,
    ArchiveFeatureValue,
    ArchiveMergingScheme,
    Artifact,
    ArtifactParent,
    EbiRunAccession,
    PrepTemplate,
)
from gateway.qiita_import.state import ImportRun, naive_utc, positional, table_of

ARTIFACTS = """
SELECT a.*, coalesce(sa.study_id, spt.study_id) AS study_id, pa.prep_id, aa.analysis_id,
       o.processing_job_id AS job_id, o.command_output_id
FROM qiita.artifact a
LEFT JOIN (SELECT artifact_id, min(study_id) AS study_id FROM qiita.study_artifact
           GROUP BY artifact_id) sa USING (artifact_id)
LEFT JOIN (SELECT artifact_id, min(prep_template_id) AS prep_id FROM qiita.preparation_artifact
           GROUP BY artifact_id) pa USING (artifact_id)
LEFT JOIN qiita.study_prep_template spt ON spt.prep_template_id = pa.prep_id
LEFT JOIN (SELECT artifact_id, min(analysis_id) AS analysis_id FROM qiita.analysis_artifact
           GROUP BY artifact_id) aa USING (artifact_id)
LEFT JOIN (SELECT DISTINCT ON (artifact_id) * FROM qiita.artifact_output_processing_job
           ORDER BY artifact_id, processing_job_id) o USING (artifact_id)
ORDER BY a.artifact_id
"""


LINKS = {
    "studies": "SELECT artifact_id FROM qiita.study_artifact GROUP BY 1 HAVING count(*) > 1",
    "preparations": "SELECT artifact_id FROM qiita.preparation_artifact GROUP BY 1 "
    "HAVING count(*) > 1",
    "analyses": "SELECT artifact_id FROM qiita.analysis_artifact GROUP BY 1 HAVING count(*) > 1",
    "producing jobs": "SELECT artifact_id FROM qiita.artifact_output_processing_job "
    "GROUP BY 1 HAVING count(*) > 1",
}


async def _warn_extra_links(run: ImportRun) -> None:
    """The gateway gives an artifact one study, preparation, analysis and producing job."""
    for what, query in LINKS.items():
        ids = [r[0] for r in await run.source.fetch(query + " ORDER BY 1 LIMIT 20")]
        if ids:
            run.report.warn(
                "artifacts",
                f"artifacts linked to several {what} keep the lowest-numbered one: "
                + ", ".join(str(i) for i in ids),
            )


def _artifact_row(run: ImportRun, r: asyncpg.Record) -> dict[str, Any] | None:
    artifact_id = r["artifact_id"]
    visibility = run.ids.name("visibility", r["visibility_id"])
    if visibility not in VISIBILITIES:
        run.report.warn("artifacts", f"artifact {artifact_id}: visibility {visibility!r}")
        return None
    study_id, analysis_id = r["study_id"], r["analysis_id"]
    if study_id is not None and analysis_id is not None:
        run.report.warn(
            "artifacts",
            f"artifact {artifact_id}: in study {study_id} and analysis {analysis_id}; "
            "kept in the study",
        )
        analysis_id = None
    job_id = str(r["job_id"]) if r["job_id"] else None
    if job_id in run.ids.skipped_jobs:
        job_id = None
    return {
        "id": artifact_id, "name": r["name"] or "noname",
        "artifact_type_id": run.ids.artifact_types[r["artifact_type_id"]],
        "data_type_id": run.ids.data_types[r["data_type_id"]], "visibility": visibility,
        "generated_at": naive_utc(r["generated_timestamp"]) or run.started_at,
        "command_id": r["command_id"], "command_parameters": r["command_parameters"],
        "study_id": study_id, "prep_id": r["prep_id"], "analysis_id": analysis_id,
        "produced_by_job_id": job_id, "command_output_id": r["command_output_id"],
        "submitted_to_vamps": bool(r["submitted_to_vamps"]),
        "archive_data": r["archive_data"],
        "human_reads_filter_method_id": run.ids.filter_methods.get(
            r["human_reads_filter_method_id"]
        ),
    }  # fmt: skip


async def import_artifacts(run: ImportRun) -> None:
    await _warn_extra_links(run)
    await run.copy_table(
        "artifacts", table_of(Artifact), ARTIFACTS, lambda r: _artifact_row(run, r),
        count_query="SELECT count(*) FROM qiita.artifact",
    )  # fmt: skip
    await run.copy_table(
        "artifact parents", table_of(ArtifactParent),
        "SELECT artifact_id, parent_id FROM qiita.parent_artifact",
        positional("artifact_id", "parent_id"),
    )  # fmt: skip
    for prep_id, artifact_id in run.ids.prep_roots.items():
        await run.target.execute(
            update(table_of(PrepTemplate))
            .where(table_of(PrepTemplate).c.id == prep_id)
            .values(artifact_id=artifact_id)
        )
    await _accessions_and_archive(run)


async def _accessions_and_archive(run: ImportRun) -> None:
    def accession(r: asyncpg.Record) -> dict[str, Any] | None:
        sample_id = run.ids.samples.get(r["sample_id"])
        if sample_id is None:
            run.report.warn("EBI run accessions", f"{r['sample_id']}: not a sample")
            return None
        return {"artifact_id": r["artifact_id"], "sample_id": sample_id,
                "accession": r["ebi_run_accession"]}  # fmt: skip

    await run.copy_table(
        "EBI run accessions", table_of(EbiRunAccession),
        "SELECT * FROM qiita.ebi_run_accession", accession,
    )  # fmt: skip
    await run.copy_table(
        "merging schemes", table_of(ArchiveMergingScheme),
        "SELECT * FROM qiita.archive_merging_scheme ORDER BY 1",
        lambda r: {"id": r[0], "scheme": r[1]},
    )  # fmt: skip
    await run.copy_table(
        "archive features", table_of(ArchiveFeatureValue),
        "SELECT * FROM qiita.archive_feature_value",
        lambda r: {"merging_scheme_id": r[0], "feature": r[1], "value": r[2] or ""},
    )  # fmt: skip
