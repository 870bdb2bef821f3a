"""Memory of a streamed zip download: a public artifact holding a sparse file of N GiB.

Starts `qiita-gateway serve --demo --port 0` in a temporary data dir, puts a sparse file of
`--gib` GiB next to the files of the demo's first public artifact that has files and registers
it, then downloads `/public/artifacts/<id>.zip` over loopback, checks the sparse member's size in
the zip's central directory,
and prints the bytes received, the time, and the server's peak resident memory (VmHWM)
before and after. Not run by CI; see bench/RESULTS.md.

    python bench/zip_download.py --gib 2
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from graphql_studies import start_server


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc")


def add_sparse_file(data_dir: Path, gib: int) -> int:
    """Register a sparse file with the first public artifact that has files; its id."""
    with sqlite3.connect(data_dir / "qiita.sqlite") as db:
        row = db.execute(
            "SELECT f.artifact_id, f.data_directory_id, f.relpath, f.filepath_type_id, d.mountpoint"
            " FROM stored_file f JOIN artifact a ON a.id = f.artifact_id"
            " JOIN data_directory d ON d.id = f.data_directory_id"
            " WHERE a.visibility = 'public' ORDER BY f.id LIMIT 1"
        ).fetchone()
        if row is None:
            raise SystemExit("the demo has no public artifact with files")
        artifact_id, mount_id, relpath, type_id, mountpoint = row
        relative = str(Path(relpath).parent / "sparse.bin")
        path = data_dir / mountpoint / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(gib * 1024**3)
        db.execute(
            "INSERT INTO stored_file (data_directory_id, relpath, filepath_type_id, checksum,"
            " checksum_algorithm, size, created_at, artifact_id)"
            " VALUES (?, ?, ?, '0', 'crc32', ?, CURRENT_TIMESTAMP, ?)",
            (mount_id, relative, type_id, gib * 1024**3, artifact_id),
        )
    return int(artifact_id)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gib", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qg-zip-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        process, url = start_server(data_dir, 1, None, [])
        try:
            artifact_id = add_sparse_file(data_dir, args.gib)
            before = peak_rss_mib(process.pid)
            received = 0
            download = Path(tmp) / "download.zip"
            started = time.perf_counter()
            with (
                httpx.Client(base_url=url, timeout=600) as http,
                http.stream("GET", f"/public/artifacts/{artifact_id}.zip") as response,
                download.open("wb") as out,
            ):
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    out.write(chunk)
            elapsed = time.perf_counter() - started
            after = peak_rss_mib(process.pid)
            with zipfile.ZipFile(download) as archive:
                sizes = {info.filename: info.file_size for info in archive.infolist()}
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(30)
    if args.gib * 1024**3 not in sizes.values():
        raise SystemExit(f"the sparse file is not in the zip: {sizes}")
    print(
        f"sparse file: {args.gib} GiB; zip received: {received / 1024**2:.1f} MiB "
        f"in {elapsed:.1f} s"
    )
    print(f"server peak RSS: {before:.1f} MiB before, {after:.1f} MiB after")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
