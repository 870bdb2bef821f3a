"""Studies with their persons, sharing, publications, tags and environmental packages.
Portals are not modelled: the report lists which studies and analyses belonged to which."""

from __future__ import annotations

from typing import Any

import asyncpg

from db.models import (
    Study,
    StudyEnvironmentalPackage,
    StudyPerson,
    StudyPublication,
    StudyShare,
    StudyTag,
    StudyTagLink,
)
from gateway.qiita_import.state import ImportRun, naive_utc, renamed


def _study_row(run: ImportRun, r: asyncpg.Record) -> dict[str, Any] | None:
    owner = run.ids.accounts.get(r["email"])
    if owner is None:
        run.report.warn("studies", f"study {r['study_id']}: owner {r['email']} not imported")
        return None
    return {
        "id": r["study_id"], "owner_id": owner, "title": r["study_title"],
        "alias": r["study_alias"] or "", "description": r["study_description"] or "",
        "abstract": r["study_abstract"] or "",
        "principal_investigator_id": r["principal_investigator_id"],
        "lab_person_id": r["lab_person_id"],
        "timeseries_type_id": run.ids.timeseries_types.get(r["timeseries_type_id"], 1),
        "metadata_complete": r["metadata_complete"], "mixs_compliant": r["mixs_compliant"],
        "reprocess": bool(r["reprocess"]), "spatial_series": r["spatial_series"],
        "first_contact": naive_utc(r["first_contact"]) or run.started_at,
        "most_recent_contact": naive_utc(r["most_recent_contact"]),
        "funding": r["funding"], "vamps_id": r["vamps_id"],
        "ebi_study_accession": r["ebi_study_accession"],
        "public_raw_download": bool(r["public_raw_download"]), "notes": r["notes"] or "",
        "autoloaded": bool(r["autoloaded"]),
    }  # fmt: skip


async def import_studies(run: ImportRun) -> None:
    await run.copy_table(
        "study persons", StudyPerson.__table__,
        "SELECT * FROM qiita.study_person ORDER BY study_person_id",
        lambda r: {
            "id": r["study_person_id"], "name": r["name"], "email": r["email"] or "",
            "affiliation": r["affiliation"] or "", "address": r["address"], "phone": r["phone"],
        },
    )  # fmt: skip
    await run.copy_table(
        "studies",
        Study.__table__,
        "SELECT * FROM qiita.study ORDER BY study_id",
        lambda r: _study_row(run, r),
    )

    def share(r: asyncpg.Record) -> dict[str, Any] | None:
        account = run.ids.accounts.get(r["email"])
        if account is None:
            run.report.warn("study sharing", f"study {r['study_id']}: {r['email']} unknown")
            return None
        return {"study_id": r["study_id"], "account_id": account}

    await run.copy_table(
        "study sharing", StudyShare.__table__, "SELECT * FROM qiita.study_users", share
    )
    await run.copy_table(
        "study publications", StudyPublication.__table__, "SELECT * FROM qiita.study_publication",
        lambda r: {"study_id": r[0], "publication": r[1], "is_doi": r[2]},
    )  # fmt: skip

    def tag(r: asyncpg.Record) -> dict[str, Any] | None:
        account = run.ids.accounts.get(r["email"])
        if account is None:
            run.report.warn("study tags", f"tag {r['study_tag']!r}: creator {r['email']} unknown")
            return None
        return {"tag": r["study_tag"], "created_by": account}

    await run.copy_table("study tags", StudyTag.__table__, "SELECT * FROM qiita.study_tags", tag)
    await run.copy_table(
        "study tag links", StudyTagLink.__table__, "SELECT * FROM qiita.per_study_tags",
        renamed(study_id="study_id", tag="study_tag"),
    )  # fmt: skip
    await run.copy_table(
        "study environmental packages", StudyEnvironmentalPackage.__table__,
        "SELECT * FROM qiita.study_environmental_package",
        lambda r: {"study_id": r[0], "package": r[1]},
    )  # fmt: skip
    await _portals(run)
    await _investigations(run)


async def _portals(run: ImportRun) -> None:
    for kind, table, key in (
        ("studies", "study_portal", "study_id"),
        ("analyses", "analysis_portal", "analysis_id"),
    ):
        rows = await run.source.fetch(
            f"SELECT p.portal, array_agg(t.{key} ORDER BY t.{key}) FROM qiita.{table} t "
            "JOIN qiita.portal_type p USING (portal_type_id) GROUP BY p.portal ORDER BY p.portal"
        )
        for portal, ids in rows:
            shown = ", ".join(str(i) for i in ids[:50]) + (" ..." if len(ids) > 50 else "")
            run.report.note(f"portal {portal}: {kind} {shown}")
    if await run.source.count("portal_type"):
        run.report.left_out("portals (not modelled; every study is served by the one portal)")


async def _investigations(run: ImportRun) -> None:
    count = await run.source.count("investigation")
    if count:
        run.report.left_out(f"qiita.investigation: {count} row(s): study groupings, not modelled")
