"""Hot statements are built once, at import, with `bindparam`s for the request's values:
building a SELECT from ORM attributes costs more CPU than running it on SQLite.

    _JOB = select(...).where(ProcessingJob.id == bindparam("job_id"))
    query = restricted(_JOB, access.readable_jobs_filter(ctx.principal))
    row = (await connection.execute(query, {"job_id": job_id})).first()

`restricted` adds the caller's access predicate, unless it allows everything (admins and
system clients), in which case the prebuilt statement is used as is.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, Select, Update
from sqlalchemy.sql.elements import True_

Statement = TypeVar("Statement", Select, Update)  # type: ignore[type-arg]


def restricted(statement: Statement, predicate: ColumnElement[bool] | None) -> Statement:
    """`statement` with `predicate` in its WHERE clause, unless the predicate is `true()`."""
    if predicate is None or isinstance(predicate, True_):
        return statement
    return statement.where(predicate)
