"""Creating an analysis from the caller's cart (domain.md §2.11 steps 2 and 3).

The cart's selections move to the new analysis; the selected BIOM artifacts are grouped
by data type and each group is merged (biom_merge.py) into one BIOM table, which becomes
an initial artifact of the analysis (no parents, the group's data type, sandbox) through
`create_artifact`. A mapping file of the selected samples' metadata is registered with
the analysis. Files are written below the working directory and moved into their mounts
once the transaction commits (db/file_journal.py); a failure leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from db.models import (
    Analysis,
    AnalysisSample,
    Artifact,
    DataDirectory,
    DataType,
    FilepathType,
    PrepSample,
    Sample,
    StoredFile,
    Study,
)
from resolvers.analyses import biom_merge
from resolvers.analyses.cart import Selection, default_analysis, selections
from resolvers.artifacts.artifacts import create_artifact, store_server_file
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound

BIOM_FILEPATH_TYPE = "biom"
MAPPING_FILE = "analysis_mapping.txt"
INDEX_COLUMN = "#SampleID"
MISSING_VALUE = "unknown"


@dataclass(frozen=True)
class _Source:
    selection: Selection
    data_type: str
    path: Path
    prep_id: int
    study_title: str


async def _sources(ctx: Context, chosen: Sequence[Selection]) -> list[_Source]:
    """The selected artifacts with their data type and BIOM file; NotFound for one the
    caller may no longer read, Invalid for one without a BIOM file."""
    sources: list[_Source] = []
    for selection in chosen:
        if not await access.can_read_artifact(ctx, selection.artifact_id):
            raise NotFound(f"Artifact not found: {selection.artifact_id}")
        row = (
            await ctx.session.execute(
                select(Artifact.prep_id, DataType.name, Study.title)
                .join(DataType, DataType.id == Artifact.data_type_id)
                .join(Study, Study.id == Artifact.study_id)
                .where(Artifact.id == selection.artifact_id)
            )
        ).one()
        file = (
            await ctx.session.execute(
                select(DataDirectory.mountpoint, StoredFile.relpath)
                .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
                .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
                .where(
                    StoredFile.artifact_id == selection.artifact_id,
                    FilepathType.name == BIOM_FILEPATH_TYPE,
                )
                .order_by(StoredFile.id)
            )
        ).first()
        if file is None:
            raise Invalid(f"Artifact {selection.artifact_id} has no BIOM file.")
        path = ctx.files.root / file[0] / file[1]
        assert row[0] is not None  # a cart holds samples of preparations' artifacts only
        sources.append(_Source(selection, row[1], path, row[0], row[2]))
    return sources


def _file_name(analysis_id: int, data_type: str) -> str:
    return f"{analysis_id}_analysis_{re.sub('[^0-9a-zA-Z]', '', data_type)}.biom"


async def _mapping_rows(
    ctx: Context, sources: Sequence[_Source], merge_duplicates: bool
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for source in sources:
        names = source.selection.sample_names
        query = (
            select(Sample.sample_name, Sample.values, PrepSample.values)
            .join(PrepSample, PrepSample.sample_id == Sample.id)
            .where(PrepSample.prep_id == source.prep_id, Sample.sample_name.in_(names))
        )
        for name, sample_values, prep_values in await ctx.session.execute(query):
            merged_id = (
                name
                if merge_duplicates
                else biom_merge.merged_sample_id(source.selection.artifact_id, name)
            )
            values: dict[str, Any] = dict(sample_values or {})
            for column, value in (prep_values or {}).items():
                values[f"{column}_prep" if column in values else column] = value
            values.update(
                original_SampleID=name,
                qiita_artifact_id=source.selection.artifact_id,
                qiita_study_title=source.study_title,
            )
            rows.setdefault(merged_id, {INDEX_COLUMN: merged_id, **values})
    return [rows[key] for key in sorted(rows)]


def _mapping_text(rows: Sequence[dict[str, Any]]) -> str:
    columns = [INDEX_COLUMN, *sorted({c for row in rows for c in row} - {INDEX_COLUMN})]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [MISSING_VALUE if row.get(c) in (None, "") else str(row[c]) for c in columns]
        )
    return buffer.getvalue()


def _scratch_folder(ctx: Context, analysis_id: int) -> Path:
    folder = ctx.files.working_dir / f"analysis_{analysis_id}_{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    ctx.on_rollback(lambda: shutil.rmtree(folder, ignore_errors=True))
    return folder


async def create_analysis(
    ctx: Context, name: str, description: str = "", *, merge_duplicates: bool = False
) -> Analysis:
    """A new analysis of the caller's selected samples, with one merged BIOM artifact per
    data type; the cart is emptied. Invalid for an empty cart or name."""
    account_id = access.require_analysis_creator(ctx)
    if not name.strip():
        raise Invalid("An analysis needs a name.", "name")
    cart = await default_analysis(ctx, account_id)
    chosen = await selections(ctx, cart.id)
    if not chosen:
        raise Invalid("Your cart is empty: select samples of BIOM artifacts first.")
    sources = await _sources(ctx, chosen)
    analysis = Analysis(owner_id=account_id, name=name.strip(), description=description)
    ctx.session.add(analysis)
    await ctx.session.flush()
    await ctx.session.execute(
        update(AnalysisSample)
        .where(AnalysisSample.analysis_id == cart.id)
        .values(analysis_id=analysis.id)
        .execution_options(synchronize_session=False)
    )
    folder = _scratch_folder(ctx, analysis.id)
    groups: dict[str, list[_Source]] = {}
    for source in sources:
        groups.setdefault(source.data_type, []).append(source)
    for data_type, members in sorted(groups.items()):
        path = folder / _file_name(analysis.id, data_type)
        await biom_merge.merge_into(
            (
                biom_merge.SourceTable(s.selection.artifact_id, s.path, s.selection.sample_names)
                for s in members
            ),
            path,
            merge_duplicates=merge_duplicates,
        )
        await create_artifact(
            ctx, artifact_type="BIOM", files=[(str(path), BIOM_FILEPATH_TYPE)],
            name=f"{data_type} table of analysis {analysis.id}", analysis_id=analysis.id,
            data_type=data_type, files_root=folder, written_by_server=True,
        )  # fmt: skip
    mapping = folder / MAPPING_FILE
    mapping.write_text(_mapping_text(await _mapping_rows(ctx, sources, merge_duplicates)))
    await store_server_file(
        ctx, mount_kind="analysis", owner={"analysis_id": analysis.id}, owner_id=analysis.id,
        source=mapping, filepath_type="plain_text",
    )  # fmt: skip
    ctx.plan_removal(folder)
    return analysis
