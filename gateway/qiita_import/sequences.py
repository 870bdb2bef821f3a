"""Id counters moved past the imported ids, so new rows never take an imported id."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Base


async def advance_sequences(target: AsyncConnection) -> None:
    sqlite = target.dialect.name == "sqlite"
    for table in Base.metadata.sorted_tables:
        if (
            "id" not in table.c
            or not table.c.id.autoincrement
            or table.c.id.type.python_type is not int
        ):
            continue
        largest = (await target.execute(select(func.max(table.c.id)))).scalar_one()
        if largest is None:
            continue
        if sqlite:
            if not table.kwargs.get("sqlite_autoincrement"):
                continue
            updated = await target.execute(
                text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = :name"),
                {"seq": largest, "name": table.name},
            )
            if updated.rowcount == 0:
                await target.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                    {"seq": largest, "name": table.name},
                )
        else:
            await target.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:name, 'id'), :next, false) "
                    "WHERE pg_get_serial_sequence(:name, 'id') IS NOT NULL"
                ),
                {"name": table.name, "next": largest + 1},
            )
