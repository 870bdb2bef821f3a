"""`qiita-gateway status`: the database, the data dir, plugins, jobs and the launch queue.

It reads and never migrates: a database behind the newest revision is reported as such
(and its tables are not read).
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from db.migrate import current_revision, head_revision
from db.session import create_engine, create_session_factory
from db.settings import Settings
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.jobs.server_status import jobs_by_status, launcher_queue
from resolvers.plugins.registration import list_plugins


class StatusError(RuntimeError):
    """The database cannot be read; the message says why."""


def _free_space(path: Path) -> dict[str, Any]:
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    usage = shutil.disk_usage(existing)
    return {"path": str(path), "exists": path.is_dir(), "free_bytes": usage.free,
            "total_bytes": usage.total}  # fmt: skip


async def _database_part(settings: Settings) -> dict[str, Any]:
    engine = create_engine(settings, pool=False)
    try:
        revision = await current_revision(engine)
        head = head_revision()
        report: dict[str, Any] = {
            "database": {
                "url": settings.as_redacted_dict()["database_url"],
                "revision": revision,
                "head": head,
                "up_to_date": revision == head,
            }
        }
        if revision != head:
            return report
        services = Services(settings=settings, sessions=create_session_factory(engine))
        async with unit_of_work(services, SYSTEM) as ctx:
            report["plugins"] = [asdict(plugin) for plugin in await list_plugins(ctx)]
            report["jobs"] = await jobs_by_status(ctx)
            report["launch_queue"] = asdict(await launcher_queue(ctx))
        return report
    finally:
        await engine.dispose()


def collect_status(settings: Settings) -> dict[str, Any]:
    try:
        report = asyncio.run(_database_part(settings))
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        url = settings.as_redacted_dict()["database_url"]
        raise StatusError(f"cannot read the database {url}: {reason}") from None
    report["data_dir"] = _free_space(settings.resolved_data_dir)
    report["launcher"] = settings.launcher
    return report


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"


def format_status(report: dict[str, Any]) -> str:
    database = report["database"]
    level = database["revision"] or "empty"
    state = "up to date" if database["up_to_date"] else f"behind {database['head']}: run db upgrade"
    data_dir = report["data_dir"]
    lines = [
        f"database:  {database['url']}",
        f"migration: {level} ({state})",
        f"data dir:  {data_dir['path']}"
        + ("" if data_dir["exists"] else " (missing)")
        + f", {_size(data_dir['free_bytes'])} free of {_size(data_dir['total_bytes'])}",
    ]
    if "plugins" in report:
        lines.append(f"plugins:   {len(report['plugins'])}")
        for plugin in report["plugins"]:
            active = "active" if plugin["active"] else "inactive"
            lines.append(f"  {plugin['name']} {plugin['version']}  {plugin['type']}  {active}")
        jobs = ", ".join(f"{status} {count}" for status, count in report["jobs"].items())
        lines.append(f"jobs:      {jobs}")
        queue = report["launch_queue"]
        lines.append(
            f"launcher:  {report['launcher']}; {queue['awaiting_launch']} job(s) awaiting launch"
        )
        for name, counts in sorted(queue["by_launcher"].items()):
            lines.append(f"  {name}: {counts['queued']} queued, {counts['running']} running")
    return "\n".join(lines)
