"""Accounts (bcrypt hashes kept; re-hashed at first sign-in) and OAuth clients."""

from __future__ import annotations

from typing import Any

import asyncpg

from db.models import USER_LEVELS, Account, OAuthClient
from gateway.qiita_import.state import ImportRun, naive_utc
from resolvers.auth.credentials import hash_client_secret

USERS = "SELECT * FROM qiita.qiita_user ORDER BY creation_timestamp NULLS FIRST, email"


async def import_accounts(run: ImportRun) -> None:
    seen_lower: set[str] = set()
    next_id = 1

    def account(r: asyncpg.Record) -> dict[str, Any] | None:
        nonlocal next_id
        email = r["email"]
        if email.lower() in seen_lower:
            run.report.warn("accounts", f"{email}: differs from another account only by case")
            return None
        level = run.ids.name("user_level", r["user_level_id"]) or "unverified"
        if level not in USER_LEVELS:
            run.report.warn("accounts", f"{email}: unknown level {level!r}, made unverified")
            level = "unverified"
        seen_lower.add(email.lower())
        account_id, next_id = next_id, next_id + 1
        run.ids.accounts[email] = account_id
        return {
            "id": account_id, "email": email, "email_lower": email.lower(), "level": level,
            "password_hash": r["password"] or "", "name": r["name"],
            "affiliation": r["affiliation"], "address": r["address"], "phone": r["phone"],
            "verify_code": r["user_verify_code"], "reset_code": r["pass_reset_code"],
            "reset_code_at": naive_utc(r["pass_reset_timestamp"]),
            "receive_processing_job_emails": bool(r["receive_processing_job_emails"]),
            "social_orcid": r["social_orcid"], "social_researchgate": r["social_researchgate"],
            "social_googlescholar": r["social_googlescholar"],
            "created_at": naive_utc(r["creation_timestamp"]) or run.started_at,
        }  # fmt: skip

    await run.copy_table("accounts", Account.__table__, USERS, account)


async def import_clients(run: ImportRun) -> None:
    """Clients keep their ids; secrets are stored hashed; a plugin's client becomes its own."""
    plugin_of: dict[str, int] = {}
    claimed: set[int] = set()
    for client_id, software_id in await run.source.fetch(
        "SELECT client_id, software_id FROM qiita.oauth_software ORDER BY software_id, client_id"
    ):
        if software_id in claimed:
            run.report.warn(
                "OAuth clients",
                f"{client_id}: plugin {software_id} already has a client; imported unlinked",
            )
            continue
        claimed.add(software_id)
        plugin_of[client_id] = software_id

    def client(r: asyncpg.Record) -> dict[str, Any]:
        secret = r["client_secret"]
        software_id = plugin_of.get(r["client_id"])
        return {
            "client_id": r["client_id"],
            "client_secret_hash": hash_client_secret(secret) if secret else None,
            "software_id": software_id,
            "description": "imported from Qiita"
            + (f" (plugin {software_id})" if software_id else ""),
            "created_at": run.started_at,
        }

    await run.copy_table(
        "OAuth clients",
        OAuthClient.__table__,
        "SELECT client_id, client_secret FROM qiita.oauth_identifiers ORDER BY client_id",
        client,
    )
