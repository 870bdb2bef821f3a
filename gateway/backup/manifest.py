"""The backup folder's layout and its manifest."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_DUMP = "database.sqlite"
POSTGRES_DUMP = "database.dump"
DATA = "data"
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
TOOL_TIMEOUT = 3600


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class Manifest:
    format: int
    version: str
    migration: str | None
    created_at: str
    database: str
    counts: dict[str, int]
    files: int
    bytes: int
    excluded: list[str] = field(default_factory=list)

    def save(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text())
            manifest = cls(**data)
        except FileNotFoundError:
            raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}") from None
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} is not a valid backup manifest: {exc}") from None
        if manifest.format != FORMAT:
            raise BackupError(
                f"{path}: backup format {manifest.format} is not supported (expected {FORMAT})"
            )
        return manifest


def package_version() -> str:
    try:
        return version("qiita-gateway")
    except PackageNotFoundError:
        return "unknown"


def summary(manifest: Manifest) -> str:
    """One line for the commands' output."""
    return (
        f"{manifest.database} database at migration {manifest.migration}, "
        f"{sum(manifest.counts.values())} rows, {manifest.files} data files "
        f"({manifest.bytes} bytes), taken {manifest.created_at}"
    )
