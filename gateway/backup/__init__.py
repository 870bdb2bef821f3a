"""`qiita-gateway backup DEST` and `restore SRC`: the database and the data dir, consistent.

A backup is a folder holding:

- `manifest.json`: format, package version, migration level, time, database kind,
  row counts per table and the number and size of the data files;
- `database.sqlite` (SQLite, written with SQLite's online backup API, so the server
  may keep running) or `database.dump` (PostgreSQL, `pg_dump --format=custom` run in
  the snapshot the row counts were taken in);
- `data/`: the data dir's files, the SQLite database file excepted.

The database is copied first, then the files: a file written meanwhile is copied
too (no row names it), a file deleted meanwhile is missing (`qiita-gateway fsck`).
Restore refuses a target that already holds data unless forced, restores a backup
of the same database kind, checks the row counts and files against the manifest,
then migrates the database when the backup comes from an older version.
"""

from gateway.backup.create import create_backup
from gateway.backup.manifest import BackupError, Manifest, summary
from gateway.backup.restore import restore_backup

__all__ = ["BackupError", "Manifest", "create_backup", "restore_backup", "summary"]
