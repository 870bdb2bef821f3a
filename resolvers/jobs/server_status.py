"""Figures for `qiita-gateway status`: jobs by status and what the launchers hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from db.models import JOB_STATUSES, ProcessingJob
from resolvers.context import Context
from resolvers.jobs.submission import AWAITING_LAUNCH


@dataclass(frozen=True)
class LauncherQueue:
    awaiting_launch: int
    """Queued jobs no worker has claimed yet."""
    by_launcher: dict[str, dict[str, int]] = field(default_factory=dict)
    """Launcher name to status (`queued`, `running`) to number of jobs it owns."""


async def jobs_by_status(ctx: Context) -> dict[str, int]:
    """Every job status with its number of jobs (zero included)."""
    rows = await ctx.session.execute(
        select(ProcessingJob.status, func.count()).group_by(ProcessingJob.status)
    )
    counts: dict[str, int] = dict.fromkeys(JOB_STATUSES, 0)
    for status, count in rows.all():
        counts[status] = int(count)
    return counts


async def launcher_queue(ctx: Context) -> LauncherQueue:
    rows = await ctx.session.execute(
        select(ProcessingJob.launcher, ProcessingJob.status, func.count())
        .where(
            ProcessingJob.status.in_(("queued", "running")),
            ProcessingJob.launcher.is_not(None),
        )
        .group_by(ProcessingJob.launcher, ProcessingJob.status)
    )
    awaiting = 0
    by_launcher: dict[str, dict[str, int]] = {}
    for launcher, status, count in rows.all():
        if launcher == AWAITING_LAUNCH:
            awaiting += int(count) if status == "queued" else 0
            continue
        by_launcher.setdefault(str(launcher), {"queued": 0, "running": 0})[status] = int(count)
    return LauncherQueue(awaiting_launch=awaiting, by_launcher=by_launcher)
