"""Run as `python -m tests.rest_compat.crashing_completion SETTINGS_JSON JOB_ID BODY MOMENT`.

Completes a job in this process, as the REST route does, and kills the process with
SIGKILL at MOMENT: `before-commit` (all rows written, the commit not sent) or
`after-<n>-moves` (committed, n files moved into the artifact folder).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.session import create_engine, create_session_factory
from db.settings import Settings
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.jobs.completion import complete_job


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def kill_before_commit() -> None:
    async def commit(self: AsyncSession) -> None:
        die()

    AsyncSession.commit = commit  # type: ignore[method-assign]


def kill_after_moves(count: int) -> None:
    rename = os.rename
    done = 0

    def counting_rename(source: Any, destination: Any) -> None:
        nonlocal done
        if done == count:
            die()
        rename(source, destination)
        done += 1

    os.rename = counting_rename


async def main(settings: Settings, job_id: str, body: str) -> None:
    engine = create_engine(settings)
    services = Services(settings=settings, sessions=create_session_factory(engine))
    async with unit_of_work(services, SYSTEM) as ctx:
        await complete_job(ctx, job_id, json.loads(body))


if __name__ == "__main__":
    raw_settings, job, body_file, moment = sys.argv[1:]
    if moment == "before-commit":
        kill_before_commit()
    else:
        kill_after_moves(int(moment.split("-")[1]))
    values = json.loads(raw_settings)
    settings = Settings(data_dir=Path(values["data_dir"]), database_url=values["database_url"])
    asyncio.run(main(settings, job, Path(body_file).read_text()))
    sys.exit("the completion ended without being killed")
