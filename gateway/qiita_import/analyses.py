"""Analyses, their sharing, selected samples and jobs."""

from __future__ import annotations

from typing import Any

import asyncpg

from db.models import Analysis, AnalysisJob, AnalysisSample, AnalysisShare
from gateway.qiita_import.state import ImportRun, naive_utc


async def import_analyses(run: ImportRun) -> None:
    def analysis(r: asyncpg.Record) -> dict[str, Any] | None:
        owner = run.ids.accounts.get(r["email"])
        if owner is None:
            run.report.warn("analyses", f"analysis {r['analysis_id']}: owner {r['email']} unknown")
            return None
        run.ids.analyses.add(r["analysis_id"])
        return {
            "id": r["analysis_id"], "owner_id": owner, "name": r["name"] or "",
            "description": r["description"] or "", "pmid": r["pmid"],
            "created_at": naive_utc(r["timestamp"]) or run.started_at,
            "is_default": bool(r["dflt"]), "error_log_id": r["logging_id"],
            "slurm_reservation": r["slurm_reservation"] or "",
        }  # fmt: skip

    await run.copy_table(
        "analyses", Analysis.__table__, "SELECT * FROM qiita.analysis ORDER BY 1", analysis
    )

    def share(r: asyncpg.Record) -> dict[str, Any] | None:
        account = run.ids.accounts.get(r["email"])
        if account is None or r["analysis_id"] not in run.ids.analyses:
            run.report.warn("analysis sharing", f"analysis {r[0]}: {r['email']} unknown")
            return None
        return {"analysis_id": r["analysis_id"], "account_id": account}

    await run.copy_table(
        "analysis sharing", AnalysisShare.__table__, "SELECT * FROM qiita.analysis_users", share
    )


async def import_analysis_links(run: ImportRun) -> None:
    def sample(r: asyncpg.Record) -> dict[str, Any] | None:
        sample_id = run.ids.samples.get(r["sample_id"])
        if sample_id is None or r["analysis_id"] not in run.ids.analyses:
            run.report.warn(
                "analysis samples", f"analysis {r['analysis_id']}: {r['sample_id']} unknown"
            )
            return None
        return {"analysis_id": r["analysis_id"], "artifact_id": r["artifact_id"],
                "sample_id": sample_id}  # fmt: skip

    await run.copy_table(
        "analysis samples", AnalysisSample.__table__, "SELECT * FROM qiita.analysis_sample",
        sample,
    )  # fmt: skip
    await run.copy_table(
        "analysis jobs", AnalysisJob.__table__,
        "SELECT analysis_id, processing_job_id FROM qiita.analysis_processing_job",
        lambda r: {"analysis_id": r[0], "job_id": str(r[1])}
        if str(r[1]) not in run.ids.skipped_jobs and r[0] in run.ids.analyses else None,
    )  # fmt: skip
