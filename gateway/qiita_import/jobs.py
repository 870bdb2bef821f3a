"""Log entries, workflows and processing jobs (every status), then the links between jobs
and artifacts once the artifacts are in: inputs, parents, validators, workflow roots."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from db.models import (
    JOB_STATUSES,
    SEVERITIES,
    LogEntry,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    ProcessingJobValidator,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
)
from gateway.qiita_import.state import ImportRun, naive_utc

TARGETING_COMMANDS = ("complete_job", "release_validators")

JOBS = """
WITH RECURSIVE wf(job, workflow) AS (
    SELECT processing_job_id, processing_job_workflow_id FROM qiita.processing_job_workflow_root
    UNION
    SELECT p.child_id, wf.workflow
    FROM qiita.parent_processing_job p JOIN wf ON p.parent_id = wf.job
)
SELECT j.*, c.name AS command_name, w.workflow AS workflow_id
FROM qiita.processing_job j
LEFT JOIN qiita.software_command c USING (command_id)
LEFT JOIN (SELECT job, min(workflow) AS workflow FROM wf GROUP BY job) w
    ON w.job = j.processing_job_id
"""


def _log_info(text: str | None) -> list[Any]:
    if not text:
        return []
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return [text]
    return value if isinstance(value, list) else [value]


async def import_logs(run: ImportRun) -> None:
    def entry(r: asyncpg.Record) -> dict[str, Any]:
        severity = run.ids.name("severity", r["severity_id"])
        if severity not in SEVERITIES:
            run.report.warn("log entries", f"entry {r['logging_id']}: severity {severity!r}")
            severity = "Runtime"
        return {
            "id": r["logging_id"], "created_at": naive_utc(r["time"]) or run.started_at,
            "severity": severity, "msg": r["msg"] or "", "info": _log_info(r["information"]),
        }  # fmt: skip

    await run.copy_table(
        "log entries", LogEntry.__table__, "SELECT * FROM qiita.logging ORDER BY logging_id", entry
    )


async def import_jobs(run: ImportRun) -> None:
    def workflow(r: asyncpg.Record) -> dict[str, Any] | None:
        account = run.ids.accounts.get(r["email"])
        if account is None:
            run.report.warn("workflows", f"workflow {r[0]}: owner {r['email']} unknown")
            return None
        return {"id": r[0], "account_id": account, "name": r["name"] or "",
                "created_at": run.started_at}  # fmt: skip

    await run.copy_table(
        "workflows", ProcessingWorkflow.__table__,
        "SELECT * FROM qiita.processing_job_workflow ORDER BY 1", workflow,
    )  # fmt: skip

    not_objects: list[str] = []

    def job(r: asyncpg.Record) -> dict[str, Any] | None:
        job_id = str(r["processing_job_id"])
        account = run.ids.accounts.get(r["email"])
        status = run.ids.name("job_status", r["processing_job_status_id"])
        if account is None or status not in JOB_STATUSES:
            run.report.warn("jobs", f"{job_id}: owner {r['email']!r} or status {status!r} unknown")
            run.ids.skipped_jobs.add(job_id)
            return None
        parameters = r["command_parameters"]
        if not isinstance(parameters, dict):
            not_objects.append(job_id)
            parameters = {}
        target = parameters.get("job_id") if r["command_name"] in TARGETING_COMMANDS else None
        pending = r["pending"]
        if pending is not None and not isinstance(pending, dict):
            run.report.warn("jobs", f"{job_id}: pending {str(pending)[:40]!r} is not an object")
            pending = None
        heartbeat = naive_utc(r["heartbeat"])
        return {
            "id": job_id, "account_id": account, "command_id": r["command_id"],
            "parameters": parameters, "status": status, "hidden": bool(r["hidden"]),
            "heartbeat": heartbeat, "step": r["step"], "pending": pending,
            "external_id": r["external_job_id"], "error_log_id": r["logging_id"],
            "workflow_id": r["workflow_id"],
            "target_job_id": str(target) if isinstance(target, str) else None,
            "created_at": heartbeat or run.started_at, "updated_at": heartbeat or run.started_at,
        }  # fmt: skip

    await run.copy_table(
        "jobs", ProcessingJob.__table__, JOBS, job,
        count_query="SELECT count(*) FROM qiita.processing_job",
    )  # fmt: skip
    if not_objects:
        run.report.warn(
            "jobs",
            f"{len(not_objects)} jobs have parameters that are not a JSON object "
            f"(e.g. {not_objects[0]}); imported with empty parameters",
        )
    run.report.note(
        "jobs: Qiita keeps no creation time; created_at is the heartbeat, else the import time"
    )


def _known_jobs(run: ImportRun, *job_ids: Any) -> bool:
    return not any(str(j) in run.ids.skipped_jobs for j in job_ids)


async def import_job_links(run: ImportRun) -> None:
    await run.copy_table(
        "job inputs", ProcessingJobInput.__table__,
        "SELECT processing_job_id, artifact_id FROM qiita.artifact_processing_job",
        lambda r: {"job_id": str(r[0]), "artifact_id": r[1]} if _known_jobs(run, r[0]) else None,
    )  # fmt: skip
    await run.copy_table(
        "job parents", ProcessingJobParent.__table__,
        "SELECT parent_id, child_id FROM qiita.parent_processing_job",
        lambda r: {"parent_id": str(r[0]), "child_id": str(r[1])}
        if _known_jobs(run, r[0], r[1]) else None,
    )  # fmt: skip
    await run.copy_table(
        "job validators", ProcessingJobValidator.__table__,
        "SELECT * FROM qiita.processing_job_validator",
        lambda r: {"job_id": str(r[0]), "validator_id": str(r[1]), "artifact_info": r[2]}
        if _known_jobs(run, r[0], r[1]) else None,
    )  # fmt: skip
    await run.copy_table(
        "workflow roots", ProcessingWorkflowRoot.__table__,
        "SELECT processing_job_workflow_id, processing_job_id "
        "FROM qiita.processing_job_workflow_root",
        lambda r: {"workflow_id": r[0], "job_id": str(r[1])} if _known_jobs(run, r[1]) else None,
    )  # fmt: skip
