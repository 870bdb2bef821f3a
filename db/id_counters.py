"""Id counters moved past the rows present, so new rows never take an id loaded with
explicit values (an import keeping Qiita's ids, a restored snapshot)."""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Base


def _counted(table: Table) -> bool:
    if "id" not in table.c or not table.c.id.autoincrement:
        return False
    try:
        return table.c.id.type.python_type is int
    except NotImplementedError:
        return False


async def advance_id_counters(connection: AsyncConnection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    for table in Base.metadata.sorted_tables:
        if not _counted(table):
            continue
        largest = (await connection.execute(select(func.max(table.c.id)))).scalar_one()
        if largest is None:
            continue
        if sqlite:
            if not table.kwargs.get("sqlite_autoincrement"):
                continue
            updated = await connection.execute(
                text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = :name"),
                {"seq": largest, "name": table.name},
            )
            if updated.rowcount == 0:
                await connection.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                    {"seq": largest, "name": table.name},
                )
        else:
            await connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:name, 'id'), :next, false) "
                    "WHERE pg_get_serial_sequence(:name, 'id') IS NOT NULL"
                ),
                {"name": table.name, "next": largest + 1},
            )
