"""Files: every `qiita.filepath` row, found below the source data dir through its data
directory, placed (copied or hard-linked) where the gateway expects it, CRC32 checked.

A missing or mismatching file is a warning, never an abort. A filepath row linked to
several owners becomes one stored file per owner (the gateway gives each file one owner);
the later copies get new ids and a name prefixed with that id.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import asyncpg

from db.files import content_size, crc32_checksum
from db.models import StoredFile
from gateway.qiita_import.state import ImportRun

FILES = """
SELECT f.filepath_id, f.filepath, f.filepath_type_id, f.checksum, f.fp_size,
       f.data_directory_id, o.kind, o.owner_id, o.data_type_id
FROM qiita.filepath f
LEFT JOIN (
    SELECT filepath_id, 'artifact' AS kind, artifact_id AS owner_id, NULL::bigint AS data_type_id
    FROM qiita.artifact_filepath
    UNION ALL SELECT filepath_id, 'study', study_id, NULL FROM qiita.sample_template_filepath
    UNION ALL SELECT filepath_id, 'prep', prep_template_id, NULL FROM qiita.prep_template_filepath
    UNION ALL SELECT filepath_id, 'analysis', analysis_id, data_type_id FROM qiita.analysis_filepath
    UNION ALL SELECT sequence_filepath, 'reference', reference_id, NULL FROM qiita.reference
    UNION ALL SELECT taxonomy_filepath, 'reference', reference_id, NULL FROM qiita.reference
    UNION ALL SELECT tree_filepath, 'reference', reference_id, NULL FROM qiita.reference
) o ON o.filepath_id = f.filepath_id
ORDER BY f.filepath_id, o.kind, o.owner_id
"""

OWNER_COLUMN = {
    "artifact": "artifact_id",
    "study": "sample_template_study_id",
    "prep": "prep_id",
    "analysis": "analysis_id",
    "reference": "reference_id",
}
RESOURCE = "files"


def place(source: Path, destination: Path, link: bool) -> None:
    """Copy (or hard-link, copying across file systems) a file or folder."""
    destination.parent.mkdir(parents=True, exist_ok=True)

    def one(src: str, dst: str) -> None:
        if link:
            try:
                os.link(src, dst)
                return
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
        shutil.copy2(src, dst)

    if source.is_dir():
        shutil.copytree(source, destination, copy_function=one)
    else:
        one(os.fspath(source), os.fspath(destination))


class FilePlacer:
    def __init__(self, run: ImportRun, next_id: int) -> None:
        self.run = run
        self.next_id = next_id
        self.seen_ids: set[int] = set()
        self.taken: set[tuple[int, str]] = set()

    def row(self, r: asyncpg.Record) -> dict[str, Any] | None:
        run = self.run
        fp_id, name = r["filepath_id"], r["filepath"]
        mount = run.ids.mounts.get(r["data_directory_id"])
        if mount is None:
            run.report.warn(RESOURCE, f"filepath {fp_id}: unknown data directory")
            return None
        kind, owner = r["kind"], r["owner_id"]
        if kind == "analysis" and owner not in run.ids.analyses:
            kind = owner = None
        below = f"{owner}/{name}" if mount.subdirectory and kind == "artifact" else name
        file_id = fp_id
        if fp_id in self.seen_ids:
            file_id, self.next_id = self.next_id, self.next_id + 1
            run.report.note(
                f"filepath {fp_id} is shared by several owners; {kind} {owner} gets "
                f"its own copy as stored file {file_id}"
            )
        self.seen_ids.add(fp_id)
        relpath = below
        if (mount.id, relpath) in self.taken:
            relpath = str(Path(below).parent / f"{file_id}_{Path(below).name}")
            if kind is not None:
                run.report.note(f"filepath {fp_id} ({below}): name taken, stored as {relpath}")
        self.taken.add((mount.id, relpath))
        source = run.source_data_dir / mount.source_mountpoint / below
        checksum = self._check(fp_id, source, r["checksum"] or "")
        if not run.dry_run and source.exists():
            destination = run.files.absolute(mount.mountpoint, relpath)
            if destination.exists():
                run.report.warn(RESOURCE, f"filepath {fp_id}: {destination} exists, kept")
            else:
                place(source, destination, run.link_files)
                run.placed.append(destination)
        values: dict[str, Any] = {
            "id": file_id, "data_directory_id": mount.id, "relpath": relpath,
            "filepath_type_id": run.ids.filepath_types[r["filepath_type_id"]],
            "checksum": checksum, "checksum_algorithm": "crc32",
            "size": content_size(source) if source.exists() else (r["fp_size"] or 0),
            "created_at": run.started_at, "analysis_data_type_id": None,
        }  # fmt: skip
        for column in OWNER_COLUMN.values():
            values[column] = None
        if kind is not None:
            values[OWNER_COLUMN[kind]] = owner
            if kind == "analysis" and r["data_type_id"] is not None:
                values["analysis_data_type_id"] = run.ids.data_types[r["data_type_id"]]
        else:
            run.report.note(f"filepath {fp_id} ({name}) has no owner; imported unowned")
        return values

    def _check(self, fp_id: int, source: Path, recorded: str) -> str:
        if not source.exists():
            self.run.report.warn(RESOURCE, f"filepath {fp_id}: {source} is missing")
            return recorded
        actual = crc32_checksum(source)
        if source.is_dir():
            return actual
        if recorded and recorded != actual:
            self.run.report.warn(
                RESOURCE,
                f"filepath {fp_id}: {source} has CRC32 {actual}, Qiita recorded {recorded}",
            )
        return actual


async def import_files(run: ImportRun) -> None:
    largest = await run.source.value("SELECT coalesce(max(filepath_id), 0) FROM qiita.filepath")
    placer = FilePlacer(run, int(largest) + 1)
    await run.copy_table(
        RESOURCE, StoredFile.__table__, FILES, placer.row,
        count_query=f"SELECT count(*) FROM ({FILES}) AS q",
    )  # fmt: skip
    run.report.resource(RESOURCE).source = await run.source.count("filepath")


def remove_placed(paths: list[Path]) -> None:
    """Undo: remove every file or folder this import placed."""
    for path in reversed(paths):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
