"""What the gateway has no place for: listed in the report with the source row counts, plus
messages (which it does model)."""

from __future__ import annotations

from typing import Any

import asyncpg

from db.models import Message, MessageRecipient
from gateway.qiita_import.state import ImportRun, naive_utc

# table -> why it is not imported
NOT_MODELLED = {
    "slurm_resource_allocations": "launcher statistics of past Slurm jobs",
    "allocation_equations": "Slurm resource formulas (launcher settings configure resources)",
    "stats_daily": "daily statistics (recomputed, not stored)",
    "download_link": "short-lived download links",
    "controlled_vocab": "controlled vocabularies of template columns",
    "controlled_vocab_values": "controlled vocabularies of template columns",
    "column_controlled_vocabularies": "controlled vocabularies of template columns",
    "column_ontology": "ontology links of template columns",
    "ontology": "ontologies (the gateway keeps investigation types only)",
    "term": "ontology terms (the gateway keeps investigation types only)",
    "mixs_field_description": "MIxS field descriptions",
    "prep_template_processing_job": "legacy prep processing links",
    "map_sample_idx": "integer sample indexes (the gateway numbers samples itself)",
    "map_prep_sample_idx": "integer prep-sample indexes (the gateway numbers them itself)",
    "map_artifact_sample_idx": "integer artifact-sample indexes",
    "restrictions": "Qiita's column restrictions (the gateway seeds its own)",
}

COLUMNS = [
    "prep_template.preprocessing_status (unused by Qiita's API)",
    "user_level.slurm_parameters and description (launcher settings take their place)",
    "filepath.checksum_algorithm_id (always CRC32 in the gateway)",
]


async def list_not_modelled(run: ImportRun) -> None:
    await _messages(run)
    for table, why in NOT_MODELLED.items():
        if not await run.source.has_table(table):
            continue
        count = await run.source.count(table)
        if count:
            run.report.left_out(f"qiita.{table}: {count} row(s): {why}")
    for column in COLUMNS:
        run.report.left_out(f"column {column}")


async def _messages(run: ImportRun) -> None:
    await run.copy_table(
        "messages", Message.__table__, "SELECT * FROM qiita.message ORDER BY message_id",
        lambda r: {
            "id": r["message_id"], "body": r["message"] or "",
            "created_at": naive_utc(r["message_time"]) or run.started_at,
            "expires_at": naive_utc(r["expiration"]),
        },
    )  # fmt: skip

    def recipient(r: asyncpg.Record) -> dict[str, Any] | None:
        account = run.ids.accounts.get(r["email"])
        if account is None:
            run.report.warn("message recipients", f"message {r['message_id']}: {r['email']}")
            return None
        return {"message_id": r["message_id"], "account_id": account, "read": bool(r["read"])}

    await run.copy_table(
        "message recipients", MessageRecipient.__table__, "SELECT * FROM qiita.message_user",
        recipient,
    )  # fmt: skip
