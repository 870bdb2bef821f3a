"""An analysis' merged mapping file, as plugins read it (plugin-api.md §4.14)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from db.models import Analysis, DataDirectory, FilepathType, StoredFile
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound

INDEX_COLUMN = "#SampleID"
MAPPING_FILE_TYPE = "plain_text"


async def read_analysis_metadata(ctx: Context, analysis_id: int) -> dict[str, dict[str, str]]:
    """{sample: {column: value}} from the analysis mapping file, indexed by `#SampleID`."""
    await access.require_read_analysis(ctx, analysis_id)
    analysis = await ctx.session.get(Analysis, analysis_id)
    assert analysis is not None
    row = (
        await ctx.session.execute(
            select(DataDirectory.mountpoint, StoredFile.relpath)
            .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
            .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
            .where(StoredFile.analysis_id == analysis.id, FilepathType.name == MAPPING_FILE_TYPE)
            .order_by(StoredFile.id.desc())
        )
    ).first()
    if row is None:
        raise NotFound(f"Analysis {analysis_id} has no mapping file yet.")
    path = ctx.files.root / row[0] / row[1]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFound(
            f"The mapping file of analysis {analysis_id} cannot be read: {exc}"
        ) from None
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if reader.fieldnames is None or INDEX_COLUMN not in reader.fieldnames:
        raise Invalid(f"The mapping file of analysis {analysis_id} has no {INDEX_COLUMN} column.")
    return {
        record[INDEX_COLUMN]: {k: v for k, v in record.items() if k != INDEX_COLUMN}
        for record in reader
    }
