"""`demo load`, `backup`, `restore` and `import-qiita`: bringing data in and out."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from db.session import check_database_url
from db.settings import Settings
from gateway.cli_commands.database import database_label, ensure_database, in_unit_of_work
from gateway.cli_commands.registry import CommandError, Commands, add_command, add_group
from gateway.progress import Progress
from resolvers.context import Context


def cmd_demo_load(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.demo import credentials_text, load_demo

    with Progress("demo load", total=0) as progress:
        ensure_database(settings, progress)

        async def work(ctx: Context) -> bool:
            return await load_demo(ctx, progress)

        loaded = asyncio.run(in_unit_of_work(settings, work))
        progress.finish()
    where = database_label(settings)
    print(f"Demo data loaded into {where}." if loaded else f"Demo data already in {where}.")
    print(credentials_text())
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.backup import BackupError, create_backup, summary

    check_database_url(settings.effective_database_url)
    try:
        manifest = create_backup(settings, args.dest)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"Backup written to {args.dest}: {summary(manifest)}.")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.backup import BackupError, restore_backup, summary

    check_database_url(settings.effective_database_url)
    try:
        manifest = restore_backup(settings, args.src, force=args.force)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"Restored {args.src} into {database_label(settings)}: {summary(manifest)}.")
    return 0


def cmd_import_qiita(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.qiita_import import ImportOptions, ImportRefused, run_import

    ensure_database(settings)
    options = ImportOptions(
        source_url=args.source_url,
        source_data_dir=args.source_data_dir,
        link_files=args.files == "link",
        dry_run=args.dry_run,
    )
    try:
        report = asyncio.run(run_import(settings, options))
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    print(report.render())
    return 0


def register_demo(commands: Commands) -> None:
    demo = add_group(commands, "demo", "the demo data set")
    add_command(demo, "load", cmd_demo_load, "load the demo data (does nothing if present)")


def register_backup(commands: Commands) -> None:
    backup = add_command(
        commands, "backup", cmd_backup,
        "copy the database and the data dir into a new folder (the server may run)",
    )  # fmt: skip
    backup.add_argument("dest", type=Path, metavar="DEST", help="new or empty folder")
    restore = add_command(
        commands, "restore", cmd_restore,
        "restore a backup folder into an empty data dir and database (stop the server first)",
    )  # fmt: skip
    restore.add_argument("src", type=Path, metavar="SRC", help="a folder written by backup")
    restore.add_argument(
        "--force", action="store_true", help="replace the data and database already there"
    )


def register_import_qiita(commands: Commands) -> None:
    command = add_command(
        commands, "import-qiita", cmd_import_qiita,
        "import a Qiita site (database and data dir) into an empty, freshly migrated gateway",
    )  # fmt: skip
    command.add_argument(
        "--source-url",
        required=True,
        metavar="URL",
        help="Qiita's database, postgresql://USER@HOST:PORT/DB (read only)",
    )
    command.add_argument(
        "--source-data-dir", required=True, type=Path, metavar="DIR", help="Qiita's BASE_DATA_DIR"
    )
    command.add_argument(
        "--files",
        choices=("copy", "link"),
        default="copy",
        help="copy files (default) or hard-link them (copying across file systems)",
    )
    command.add_argument(
        "--dry-run", action="store_true", help="map everything, write nothing, print the report"
    )
