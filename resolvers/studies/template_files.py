"""Sample- and prep-information files in the templates mount (domain.md §3.4).

Every regeneration writes a new tab-separated file and registers it as a stored file,
so the newest file of a template is the one with the highest stored-file id. Names
that would collide with an existing file get a `-2`, `-3`, ... suffix (domain.md §6.1 Q9).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.models import (
    DataDirectory,
    FilepathType,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
    StoredFile,
    utcnow,
)
from resolvers.context import Context
from resolvers.errors import Conflict, NotFound

logger = logging.getLogger(__name__)

TEMPLATES_KIND = "templates"
MAX_NAME_ATTEMPTS = 1000
NAME_CHUNK = 1000


def template_text(
    columns: Iterable[str],
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    id_column: str,
    id_value: int,
) -> str:
    """The file body: `sample_name`, then the columns and `id_column` sorted; rows by name."""
    header = sorted({*columns, id_column})
    lines = ["\t".join(["sample_name", *header])]
    ident, position = str(id_value), header.index(id_column)
    for name, values in sorted(rows, key=lambda row: row[0]):
        cells = [values.get(column) for column in header]
        text = ["" if cell is None else str(cell) for cell in cells]
        text[position] = ident
        lines.append(name + "\t" + "\t".join(text))
    return "\n".join(lines) + "\n"


async def _templates_mount(ctx: Context) -> DataDirectory:
    query = select(DataDirectory).where(
        DataDirectory.kind == TEMPLATES_KIND, DataDirectory.active.is_(True)
    )
    mount = (await ctx.session.execute(query)).scalar_one_or_none()
    if mount is None:
        raise NotFound("No active templates mount is configured.")
    return mount


async def _filepath_type_id(ctx: Context, name: str) -> int:
    query = select(FilepathType.id).where(FilepathType.name == name)
    type_id = (await ctx.session.execute(query)).scalar_one_or_none()
    if type_id is None:
        raise NotFound(f"Filepath type {name!r} is not defined.")
    return type_id


def _claim_and_write(folder: Path, stem: str, taken: set[str], data: bytes) -> str:
    """Create the first free `<stem>[-n].txt` exclusively (safe across workers) and fill it."""
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
        name = f"{stem}.txt" if attempt == 1 else f"{stem}-{attempt}.txt"
        if name in taken:
            continue
        try:
            with (folder / name).open("xb") as handle:
                handle.write(data)
        except FileExistsError:
            continue
        return name
    raise Conflict(f"Could not find a free file name for {stem}.txt; try again.")


async def _write_template_file(
    ctx: Context, stem: str, text: str, filepath_type: str, owner: dict[str, int]
) -> StoredFile:
    mount = await _templates_mount(ctx)
    folder = ctx.files.mount(mount.mountpoint)
    taken_query = select(StoredFile.relpath).where(
        StoredFile.data_directory_id == mount.id,
        StoredFile.relpath.startswith(stem, autoescape=True),
    )
    taken = set((await ctx.session.execute(taken_query)).scalars())
    data = text.encode("utf-8")
    name = await asyncio.to_thread(_claim_and_write, folder, stem, taken, data)
    path = folder / name
    ctx.on_rollback(lambda: path.unlink(missing_ok=True))
    stored = StoredFile(
        data_directory_id=mount.id,
        relpath=name,
        filepath_type_id=await _filepath_type_id(ctx, filepath_type),
        checksum=str(zlib.crc32(data) & 0xFFFFFFFF),
        size=len(data),
        **owner,
    )
    ctx.session.add(stored)
    await ctx.session.flush()
    logger.info("wrote template file %s", path)
    return stored


def _local_stamp(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y%m%d-%H%M%S")


async def _sample_rows(
    ctx: Context, study_id: int, known: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, Mapping[str, Any]]]:
    """Every sample's values; rows the caller already holds are not read (and decoded) again."""
    if not known:
        query = select(Sample.sample_name, Sample.values).where(Sample.study_id == study_id)
        return [(name, values) for name, values in await ctx.session.execute(query)]
    names_query = select(Sample.sample_name).where(Sample.study_id == study_id)
    names = list((await ctx.session.execute(names_query)).scalars())
    missing = [name for name in names if name not in known]
    rows: list[tuple[str, Mapping[str, Any]]] = [(n, known[n]) for n in names if n in known]
    for start in range(0, len(missing), NAME_CHUNK):
        query = select(Sample.sample_name, Sample.values).where(
            Sample.study_id == study_id, Sample.sample_name.in_(missing[start : start + NAME_CHUNK])
        )
        rows.extend((name, values) for name, values in await ctx.session.execute(query))
    return rows


async def regenerate_sample_file(
    ctx: Context, study_id: int, *, known: Mapping[str, Mapping[str, Any]] | None = None
) -> StoredFile:
    """Write `<study>_<YYYYmmdd-HHMMSS>.txt` from the stored sample information and register it.

    `known` may hold the current values of some samples (as just written) to save a re-read.
    """
    template = await ctx.session.get(SampleTemplate, study_id)
    if template is None:
        raise NotFound("Study does not have sample information")
    rows = await _sample_rows(ctx, study_id, known or {})
    text = template_text(template.columns, rows, id_column="qiita_study_id", id_value=study_id)
    stem = f"{study_id}_{_local_stamp(utcnow())}"
    owner = {"sample_template_study_id": study_id}
    return await _write_template_file(ctx, stem, text, "sample_template", owner)


async def regenerate_prep_file(ctx: Context, prep_id: int) -> StoredFile:
    """Bump the prep's modification time and write `<study>_prep_<prep>_<stamp>.txt` from it."""
    prep = await ctx.session.get(PrepTemplate, prep_id)
    if prep is None:
        raise NotFound("Preparation not found")
    prep.modified_at = utcnow()
    query = (
        select(Sample.sample_name, PrepSample.values)
        .join(Sample, Sample.id == PrepSample.sample_id)
        .where(PrepSample.prep_id == prep_id)
    )
    rows = [(name, values) for name, values in await ctx.session.execute(query)]
    text = template_text(prep.columns, rows, id_column="qiita_prep_id", id_value=prep_id)
    stem = f"{prep.study_id}_prep_{prep_id}_{_local_stamp(prep.modified_at)}"
    return await _write_template_file(ctx, stem, text, "prep_template", {"prep_id": prep_id})
