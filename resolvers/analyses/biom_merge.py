"""Merging BIOM tables for an analysis (domain.md §2.11 step 3), with biom-format.

Each source table is cut down to the selected samples, its samples are renamed
`<artifact id>.<sample name>` (unless duplicate sample ids are merged), and the tables
are merged: samples and observations are united, and counts of the same
(observation, sample) pair are summed. The result is written as BIOM 2.1 (HDF5).
biom-format (with numpy, scipy, pandas and h5py) is imported on first use, so that a server
that builds no analysis never loads it; the work runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolvers.errors import Invalid

GENERATED_BY = "qiita-gateway analysis"


@dataclass(frozen=True)
class SourceTable:
    """One artifact's BIOM file and the sample names selected from it."""

    artifact_id: int
    path: Path
    sample_names: Sequence[str]


def merged_sample_id(artifact_id: int, sample_name: str) -> str:
    """How a sample is named in an analysis whose duplicate sample ids are not merged."""
    return f"{artifact_id}.{sample_name}"


def _read(source: SourceTable) -> Any:
    import biom

    try:
        return biom.load_table(str(source.path))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise Invalid(
            f"The BIOM file of artifact {source.artifact_id} cannot be read: {exc}"
        ) from None


def _restricted(source: SourceTable, merge_duplicates: bool) -> Any:
    table = _read(source)
    present = [name for name in source.sample_names if table.exists(name, axis="sample")]
    table = table.filter(present, axis="sample", inplace=False)
    if not merge_duplicates:
        renamed = {name: merged_sample_id(source.artifact_id, name) for name in present}
        table = table.update_ids(renamed, axis="sample", inplace=False)
    table.remove_empty(axis="observation", inplace=True)
    return table


def merge_tables(sources: Iterable[SourceTable], *, merge_duplicates: bool = False) -> Any:
    """One table of the selected samples of every source; Invalid when none is left."""
    merged: Any = None
    for source in sources:
        table = _restricted(source, merge_duplicates)
        merged = table if merged is None else merged.merge(table)
    if merged is None or merged.is_empty():
        raise Invalid("None of the selected samples has data in the selected BIOM tables.")
    return merged


def write_table(table: Any, path: Path) -> None:
    import h5py

    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as handle:
        table.to_hdf5(handle, GENERATED_BY)


def _merge_to_file(sources: list[SourceTable], path: Path, merge_duplicates: bool) -> None:
    write_table(merge_tables(sources, merge_duplicates=merge_duplicates), path)


async def merge_into(
    sources: Iterable[SourceTable], path: Path, *, merge_duplicates: bool = False
) -> None:
    """Merge the sources (`merge_tables`) and write the table to `path`, in a thread."""
    await asyncio.to_thread(_merge_to_file, list(sources), path, merge_duplicates)
