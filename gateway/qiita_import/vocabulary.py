"""Lookup tables: matched by name onto the seeded vocabulary, missing ones added with
Qiita's id when it is free. Qiita's closed vocabularies (levels, visibilities, statuses,
severities, software types, portals) become name maps for the other phases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from db.models import (
    ArtifactType,
    ArtifactTypeFilepathType,
    DataDirectory,
    DataType,
    EnvironmentalPackage,
    FilepathType,
    HumanReadsFilterMethod,
    TimeseriesType,
)
from gateway.qiita_import.state import ImportRun, Mount, table_of

NAME_LOOKUPS = {
    "user_level": "SELECT user_level_id, name FROM qiita.user_level",
    "visibility": "SELECT visibility_id, visibility FROM qiita.visibility",
    "job_status": "SELECT processing_job_status_id, processing_job_status "
    "FROM qiita.processing_job_status",
    "severity": "SELECT severity_id, severity FROM qiita.severity",
    "software_type": "SELECT software_type_id, software_type FROM qiita.software_type",
    "portal": "SELECT portal_type_id, portal FROM qiita.portal_type",
}


async def _match_by_key(
    run: ImportRun,
    resource: str,
    table: Table,
    key: Any,
    source_rows: list[dict[str, Any]],
) -> dict[int, int]:
    """Source id -> target id; rows whose key is missing are inserted (Qiita's id if free)."""
    existing = {
        tuple(row[:-1]): row[-1] for row in await run.target.execute(select(*key, table.c.id))
    }
    taken = set(existing.values())
    mapping: dict[int, int] = {}
    run.report.found(resource, len(source_rows))
    for row in source_rows:
        source_id = row.pop("id")
        identity = tuple(row[c.name] for c in key)
        if identity in existing:
            mapping[source_id] = existing[identity]
            run.report.imported(resource)
            if existing[identity] != source_id:
                run.report.warn(
                    resource, f"{identity[0]!r}: Qiita id {source_id} is {existing[identity]} here"
                )
            continue
        values = dict(row)
        if source_id not in taken:
            values["id"] = source_id
        result = await run.target.execute(table.insert().values(values).returning(table.c.id))
        new_id = result.scalar_one()
        taken.add(new_id)
        existing[identity] = new_id
        mapping[source_id] = new_id
        run.report.imported(resource)
        if new_id != source_id:
            run.report.warn(resource, f"{identity[0]!r}: Qiita id {source_id} is now {new_id}")
    return mapping


async def _match_names(run: ImportRun, resource: str, model: Any, query: str) -> dict[int, int]:
    """Qiita's (id, name) lookup rows matched by name with the target's, the missing added."""
    rows = [{"id": r[0], "name": r[1]} for r in await run.source.fetch(query)]
    table = table_of(model)
    return await _match_by_key(run, resource, table, [table.c.name], rows)


async def import_vocabulary(run: ImportRun) -> None:
    run.progress.start("vocabulary")
    source = run.source
    for lookup, query in NAME_LOOKUPS.items():
        run.ids.names[lookup] = {key: name for key, name in await source.fetch(query)}

    run.ids.data_types = await _match_names(
        run, "data types", DataType, "SELECT data_type_id, data_type FROM qiita.data_type"
    )
    run.ids.filepath_types = await _match_names(
        run, "filepath types", FilepathType,
        "SELECT filepath_type_id, filepath_type FROM qiita.filepath_type",
    )  # fmt: skip
    artifact_types = [
        {
            "id": r["artifact_type_id"], "name": r["artifact_type"],
            "description": r["description"] or "",
            "can_be_submitted_to_ebi": r["can_be_submitted_to_ebi"],
            "can_be_submitted_to_vamps": r["can_be_submitted_to_vamps"],
            "is_user_uploadable": r["is_user_uploadable"],
        }
        for r in await source.fetch("SELECT * FROM qiita.artifact_type")
    ]  # fmt: skip
    run.ids.artifact_types = await _match_by_key(
        run, "artifact types", table_of(ArtifactType), [table_of(ArtifactType).c.name],
        artifact_types,
    )  # fmt: skip
    await _artifact_type_filepath_types(run)
    await _timeseries_types(run)
    await _missing_by_name(
        run, "environmental packages", table_of(EnvironmentalPackage), "name",
        [
            {"name": r[0], "metadata_table": r[1]}
            for r in await source.fetch(
                "SELECT environmental_package_name, metadata_table "
                "FROM qiita.environmental_package"
            )
        ],
    )  # fmt: skip
    run.ids.filter_methods = await _match_names(
        run, "human reads filter methods", HumanReadsFilterMethod,
        "SELECT human_reads_filter_method_id, human_reads_filter_method "
        "FROM qiita.human_reads_filter_method",
    )  # fmt: skip
    await _data_directories(run)
    run.progress.finish()


async def _missing_by_name(
    run: ImportRun, resource: str, table: Table, key: str, rows: list[dict[str, Any]]
) -> None:
    existing = set((await run.target.execute(select(table.c[key]))).scalars())
    run.report.found(resource, len(rows))
    missing = [row for row in rows if row[key] not in existing]
    await run.insert(table, missing)
    run.report.imported(resource, len(rows))


async def _artifact_type_filepath_types(run: ImportRun) -> None:
    table = table_of(ArtifactTypeFilepathType)
    existing = {
        (a, f) for a, f in await run.target.execute(select(table.c.artifact_type_id,
                                                           table.c.filepath_type_id))
    }  # fmt: skip
    rows = await run.source.fetch("SELECT * FROM qiita.artifact_type_filepath_type")
    missing = []
    for r in rows:
        pair = (
            run.ids.artifact_types[r["artifact_type_id"]],
            run.ids.filepath_types[r["filepath_type_id"]],
        )
        if pair not in existing:
            missing.append(
                {
                    "artifact_type_id": pair[0],
                    "filepath_type_id": pair[1],
                    "required": r["required"],
                }
            )
            existing.add(pair)
    await run.insert(table, missing)


async def _timeseries_types(run: ImportRun) -> None:
    rows = [
        {"id": r[0], "timeseries_type": r[1], "intervention_type": r[2]}
        for r in await run.source.fetch(
            "SELECT timeseries_type_id, timeseries_type, intervention_type "
            "FROM qiita.timeseries_type"
        )
    ]
    table = table_of(TimeseriesType)
    seeded = {row.id: row.intervention_type for row in await run.target.execute(select(table))}
    same_id = [r for r in rows if seeded.get(r["id"]) == r["intervention_type"]]
    run.ids.timeseries_types = {r["id"]: r["id"] for r in same_id}
    run.report.found("timeseries types", len(same_id))
    run.report.imported("timeseries types", len(same_id))
    run.ids.timeseries_types |= await _match_by_key(
        run, "timeseries types", table, [table.c.timeseries_type, table.c.intervention_type],
        [r for r in rows if r not in same_id],
    )  # fmt: skip


async def _data_directories(run: ImportRun) -> None:
    """Active source mounts map onto the target's active mount of the same kind; inactive
    ones (older mounts still holding files) are added inactive under their own name."""
    table = table_of(DataDirectory)
    active = {
        row.kind: row for row in await run.target.execute(select(table).where(table.c.active))
    }
    rows = await run.source.fetch("SELECT * FROM qiita.data_directory ORDER BY data_directory_id")
    run.report.found("data directories", len(rows))
    for r in rows:
        kind, mountpoint = r["data_type"], r["mountpoint"]
        target = active.get(kind) if r["active"] else None
        if target is None:
            name = mountpoint.strip("/").replace("/", "_") or kind
            result = await run.target.execute(
                table.insert()
                .values(kind=kind, mountpoint=name, subdirectory=r["subdirectory"],
                        active=r["active"] and kind not in active)
                .returning(table.c.id, table.c.mountpoint, table.c.subdirectory)
            )  # fmt: skip
            target = result.one()
        run.ids.mounts[r["data_directory_id"]] = Mount(
            id=target.id,
            mountpoint=target.mountpoint,
            subdirectory=r["subdirectory"],
            source_mountpoint=mountpoint,
        )
        run.report.imported("data directories")
