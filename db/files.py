"""The file store: the only code that joins client-supplied paths with the data directory."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024

FLAT_MOUNTS = (
    "analysis",
    "job",
    "preprocessed_data",
    "processed_data",
    "raw_data",
    "reference",
    "uploads",
    "working_dir",
    "templates",
)


class PathOutsideRoot(ValueError):
    """A client-supplied path resolves outside the root it must stay in."""

    def __init__(self, path: str | os.PathLike[str], root: Path) -> None:
        super().__init__(f"path {os.fspath(path)!r} is outside {root}")
        self.path = os.fspath(path)
        self.root = root


def resolve_client_path(base: Path, candidate: str | os.PathLike[str]) -> Path:
    """Resolve `candidate` (relative to `base`, or absolute) following `..` and symlinks.

    Raises PathOutsideRoot (for `base`) when the path cannot be resolved at all (NUL
    character, symlink loop); confinement is the caller's business.
    """
    real_base = base.resolve()
    text = os.fspath(candidate)
    if "\x00" in text:
        raise PathOutsideRoot(candidate, real_base)
    raw = Path(text)
    joined = raw if raw.is_absolute() else real_base / raw
    try:
        return joined.resolve()
    except (OSError, RuntimeError):
        raise PathOutsideRoot(candidate, real_base) from None


def is_below(path: Path, folder: Path) -> bool:
    """`path` lies strictly inside `folder` (both resolved)."""
    return path != folder and path.is_relative_to(folder)


def resolve_inside(root: Path, candidate: str | os.PathLike[str]) -> Path:
    """Resolve `candidate` (relative to `root`, or absolute) following `..` and symlinks.

    Raises PathOutsideRoot unless the result is `root` itself or lies below it.
    """
    real_root = root.resolve()
    resolved = resolve_client_path(real_root, candidate)
    if resolved != real_root and not resolved.is_relative_to(real_root):
        raise PathOutsideRoot(candidate, real_root)
    return resolved


def links_leaving(folder: Path) -> list[Path]:
    """Symbolic links inside `folder` (recursively) that point outside of it."""
    leaving: list[Path] = []
    for parent, directories, files in os.walk(folder, followlinks=False):
        for name in [*directories, *files]:
            entry = Path(parent) / name
            if not entry.is_symlink():
                continue
            try:
                target = entry.resolve()
            except (OSError, RuntimeError):
                leaving.append(entry)
                continue
            if not target.is_relative_to(folder):
                leaving.append(entry)
    return leaving


def _walk_sorted(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.is_file())


def crc32_checksum(path: Path) -> str:
    """CRC-32 as unsigned decimal text; folders chain over their files sorted by path."""
    crc = 0
    files = _walk_sorted(path) if path.is_dir() else iter([path])
    for file in files:
        with file.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                crc = zlib.crc32(chunk, crc)
    return str(crc & 0xFFFFFFFF)


def content_size(path: Path) -> int:
    """Size in bytes; for folders the total size of the files inside."""
    if path.is_dir():
        return sum(p.stat().st_size for p in _walk_sorted(path))
    return path.stat().st_size


@dataclass(frozen=True)
class FileStore:
    """Where things live below the data directory, and the jobs' working dir."""

    root: Path
    working_dir: Path

    @classmethod
    def at(cls, data_dir: Path, working_dir: Path | None = None) -> FileStore:
        root = data_dir.expanduser().resolve()
        working = working_dir.expanduser().resolve() if working_dir else root / "working_dir"
        return cls(root, working)

    def mount(self, mountpoint: str) -> Path:
        return resolve_inside(self.root, mountpoint)

    def absolute(self, mountpoint: str, relpath: str) -> Path:
        return resolve_inside(self.mount(mountpoint), relpath)

    def inside(self, candidate: str | os.PathLike[str]) -> Path:
        return resolve_inside(self.root, candidate)

    def uploads(self, study_id: int) -> Path:
        return self.mount("uploads") / str(study_id)

    def templates(self) -> Path:
        return self.mount("templates")

    def job_dir(self, job_id: str) -> Path:
        """The job's output folder, below the working dir (`QIITA_WORKING_DIR`)."""
        return resolve_inside(self.working_dir, job_id)

    def ensure_layout(self, mountpoints: list[str] | None = None) -> None:
        for name in mountpoints if mountpoints is not None else list(FLAT_MOUNTS):
            self.mount(name).mkdir(parents=True, exist_ok=True)
