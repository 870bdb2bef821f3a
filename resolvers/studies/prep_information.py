"""What plugins read about a preparation: details, its files on disk, and its metadata.

plugin-api.md §4.6, §4.7, §4.9. The prep-file and sample-file handed out are tab-separated
files under `<data dir>/templates/`, regenerated only when the metadata changed after the
newest file was written (domain.md §3.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select

from db.models import (
    DataDirectory,
    FilepathType,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
)
from resolvers.auth.access import readable_studies_filter
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.statements import restricted
from resolvers.studies.preparations import (
    PREPARATION_NOT_FOUND,
    find_preparation,
    preparation_statuses,
)
from resolvers.studies.studies import find_study, is_storable_id
from resolvers.studies.template_files import regenerate_prep_file, regenerate_sample_file

Values = dict[str, str | None]
NO_SAMPLE_INFORMATION = "Study does not have sample information"


@dataclass(frozen=True)
class PrepDetails:
    prep: PrepTemplate
    data_type: str
    status: str
    sample_file: Path
    prep_file: Path


async def _newest_file(
    ctx: Context, owner: ColumnElement[bool], filepath_type: str, *, skip_qiime: bool = False
) -> tuple[Path, dt.datetime] | None:
    query = (
        select(StoredFile.relpath, StoredFile.created_at, DataDirectory.mountpoint)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .where(owner, FilepathType.name == filepath_type)
        .order_by(StoredFile.id.desc())
    )
    for relpath, created_at, mountpoint in await ctx.session.execute(query):
        if skip_qiime and "qiime" in Path(relpath).name:
            continue
        return ctx.files.root / mountpoint / relpath, created_at
    return None


async def _current_file(
    ctx: Context,
    owner: ColumnElement[bool],
    filepath_type: str,
    modified_at: dt.datetime,
    regenerate: Callable[[], Awaitable[StoredFile]],
) -> Path:
    """The newest file if it is newer than the metadata and still on disk; else a new one."""
    newest = await _newest_file(ctx, owner, filepath_type, skip_qiime=True)
    if newest is not None:
        path, written_at = newest
        if written_at >= modified_at and path.is_file():
            return path
    await regenerate()
    fresh = await _newest_file(ctx, owner, filepath_type, skip_qiime=True)
    assert fresh is not None
    return fresh[0]


async def get_prep_details(ctx: Context, prep_id: int) -> PrepDetails:
    """The preparation with its status and current sample and prep files (§4.6)."""
    prep = await find_preparation(ctx, prep_id)
    status, data_type = (await preparation_statuses(ctx, [prep.id]))[prep.id]
    template = await ctx.session.get(SampleTemplate, prep.study_id)
    if template is None:
        raise NotFound(NO_SAMPLE_INFORMATION)
    sample_file = await _current_file(
        ctx,
        StoredFile.sample_template_study_id == prep.study_id,
        "sample_template",
        template.modified_at,
        lambda: regenerate_sample_file(ctx, prep.study_id),
    )
    prep_file = await _current_file(
        ctx,
        StoredFile.prep_id == prep.id,
        "prep_template",
        prep.modified_at,
        lambda: regenerate_prep_file(ctx, prep.id),
    )
    return PrepDetails(prep, data_type, status, sample_file, prep_file)


def _table(
    columns: list[Any], rows: Iterable[Any], id_column: str, owner_id: int
) -> dict[str, Values]:
    """{name: {column: value}} in the template's column order, then `id_column`; one pass
    over rows read with Core (the session's connection: no ORM result processing)."""
    names = [str(column) for column in columns]
    owner = str(owner_id)
    table: dict[str, Values] = {}
    for name, values in rows:
        row: Values = dict(zip(names, map(values.get, names), strict=True))
        row[id_column] = owner
        table[name] = row
    return table


_PREP = (
    select(PrepTemplate.id, PrepTemplate.study_id, PrepTemplate.columns.label("names"))
    .join(Study, Study.id == PrepTemplate.study_id)
    .where(PrepTemplate.id == bindparam("prep"))
)
_PREP_ROWS = (
    select(Sample.sample_name, PrepSample.values)
    .join(Sample, Sample.id == PrepSample.sample_id)
    .where(PrepSample.prep_id == bindparam("prep"))
    .order_by(Sample.sample_name)
)


async def _readable_prep(ctx: Context, prep_id: int) -> Any:
    """Id, study and columns of a preparation, in one statement, under `find_preparation`'s
    rule: `Preparation not found` unless its study is readable."""
    if not is_storable_id(prep_id):
        raise NotFound(PREPARATION_NOT_FOUND)
    query = restricted(_PREP, readable_studies_filter(ctx.principal))
    connection = await ctx.session.connection()
    row = (await connection.execute(query, {"prep": prep_id})).first()
    if row is None:
        raise NotFound(PREPARATION_NOT_FOUND)
    return row


async def read_prep_information(ctx: Context, prep_id: int) -> dict[str, Values]:
    """{sample: {column: value}} of the preparation, with `qiita_prep_id` (§4.7)."""
    prep = await _readable_prep(ctx, prep_id)
    rows = await (await ctx.session.connection()).execute(_PREP_ROWS, {"prep": prep.id})
    return _table(prep.names, rows, "qiita_prep_id", prep.id)


async def read_sample_information(
    ctx: Context, study_id: int, *, prep_id: int | None = None
) -> dict[str, Values]:
    """{sample: {column: value}} of the study, with `qiita_study_id` (§4.9).

    With `prep_id`, only the preparation's samples (§4.7 `sample_information`).
    """
    await find_study(ctx, study_id)
    template = await ctx.session.get(SampleTemplate, study_id)
    if template is None:
        raise NotFound(NO_SAMPLE_INFORMATION)
    query = select(Sample.sample_name, Sample.values).where(Sample.study_id == study_id)
    if prep_id is not None:
        query = query.join(PrepSample, PrepSample.sample_id == Sample.id).where(
            PrepSample.prep_id == prep_id
        )
    rows = await (await ctx.session.connection()).execute(query.order_by(Sample.sample_name))
    return _table(template.columns, rows, "qiita_study_id", study_id)


async def read_prep_sample_information(ctx: Context, prep_id: int) -> dict[str, Values]:
    """The study's sample information restricted to the preparation's samples (§4.7)."""
    prep = await _readable_prep(ctx, prep_id)
    return await read_sample_information(ctx, prep.study_id, prep_id=prep.id)
