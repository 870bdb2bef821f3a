"""`db upgrade`, `fsck`, `status` and `config`: looking after an installation."""

from __future__ import annotations

import argparse
import json
from typing import Any

from db.session import check_database_url
from db.settings import Settings
from gateway.cli_commands.database import database_label, ensure_database, run_in_database
from gateway.cli_commands.registry import CommandError, Commands, add_command, add_group
from gateway.progress import Progress
from resolvers.context import Context


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    with Progress("db upgrade", total=0) as progress:
        ensure_database(settings, progress)
        progress.finish()
    print(f"Database {database_label(settings)} is up to date.")
    return 0


def cmd_fsck(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when rows and files agree (after repairs), 1 when problems remain."""
    from resolvers.files.fsck import FsckReport, run_fsck

    async def work(ctx: Context) -> FsckReport:
        return await run_fsck(ctx, repair=args.repair)

    report = run_in_database(settings, work)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.clean else 1


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.status import StatusError, collect_status, format_status

    check_database_url(settings.effective_database_url)
    try:
        report = collect_status(settings)
    except StatusError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps(report, indent=2) if args.json else format_status(report))
    return 0


def _format_value(value: Any) -> str:
    if value is None:
        return '""'
    return json.dumps(value)


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    values = settings.as_redacted_dict()
    if args.json:
        print(json.dumps(values, indent=2, sort_keys=True))
        return 0
    for key in sorted(values):
        print(f"{key} = {_format_value(values[key])}")
    return 0


def register_db(commands: Commands) -> None:
    db = add_group(commands, "db", "database maintenance")
    add_command(
        db, "upgrade", cmd_db_upgrade, "create or migrate the database to the newest schema"
    )


def register_fsck(commands: Commands) -> None:
    fsck = add_command(
        commands, "fsck", cmd_fsck,
        "check file rows against the files on disk (exit 1 when problems remain)",
    )  # fmt: skip
    fsck.add_argument(
        "--repair", action="store_true",
        help="finish planned file moves, move unnamed files to lost+found",
    )  # fmt: skip
    fsck.add_argument("--json", action="store_true", help="print JSON for scripts")


def register_status(commands: Commands) -> None:
    status = add_command(
        commands, "status", cmd_status,
        "print the database, data dir, plugins, jobs by status and the launch queue",
    )  # fmt: skip
    status.add_argument("--json", action="store_true", help="print JSON for scripts")


def register_config(commands: Commands) -> None:
    config = add_command(commands, "config", cmd_config, "print the effective settings")
    config.add_argument("--json", action="store_true", help="print JSON")
