"""What the test-mode routes (`/apitest/...`, plugin-api.md §7) do beyond the plugin API.

Only mounted when the server runs in test mode; they let plugin test suites build jobs
and artifacts directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from db.models import JOB_STATUSES, Account, Command, ProcessingJob, Software, utcnow
from resolvers.artifacts.artifacts import create_artifact
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.jobs.lifecycle import insert_job, load_job
from resolvers.jobs.parameter_checks import check_parameters

DEFAULT_TEST_USER = "test@foo.bar"


def _require_rights(ctx: Context) -> None:
    access.require_plugin_api(
        ctx, "Only plugin clients and administrators may use the test routes."
    )


async def create_test_job(
    ctx: Context,
    *,
    user_email: str,
    command: Any,
    parameters: Any,
    status: str | None = None,
) -> str:
    """A job of `[plugin name, version, command name]`, never launched; status forced."""
    _require_rights(ctx)
    if (
        not isinstance(command, list)
        or len(command) != 3
        or not all(isinstance(part, str) for part in command)
    ):
        raise Invalid("command must be [plugin name, plugin version, command name].", "command")
    if not isinstance(parameters, dict):
        raise Invalid("parameters must be a JSON object.", "parameters")
    if status is not None and status not in JOB_STATUSES:
        raise Invalid(f"Unknown job status: {status}", "status")
    account = (
        await ctx.session.execute(select(Account).where(Account.email_lower == user_email.lower()))
    ).scalar_one_or_none()
    if account is None:
        raise Invalid(f"Unknown user: {user_email}", "user")
    name, version, command_name = command
    row = (
        await ctx.session.execute(
            select(Command)
            .join(Software, Software.id == Command.software_id)
            .where(Software.name == name, Software.version == version, Command.name == command_name)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"Command {command_name!r} of plugin {name!r} {version!r} does not exist.")
    checked = await check_parameters(ctx, row, parameters)
    job = await insert_job(ctx, command_id=row.id, account_id=account.id, parameters=checked.values)
    if status is not None and status != job.status:
        await ctx.session.execute(
            update(ProcessingJob)
            .where(ProcessingJob.id == job.id)
            .values(status=status, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return job.id


async def create_test_artifact(
    ctx: Context,
    *,
    filepaths: Any,
    artifact_type: str,
    prep_id: int | None = None,
    analysis_id: int | None = None,
    name: str | None = None,
    data_type: str | None = None,
    parents: Sequence[int] = (),
    job_id: str | None = None,
) -> int:
    """An artifact made directly from files, without a Validate job (§7 `/apitest/artifact/`)."""
    _require_rights(ctx)
    if not isinstance(filepaths, list) or not all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(p, str | int) for p in item)
        for item in filepaths
    ):
        raise Invalid("filepaths must be a JSON list of [path, filepath type].", "filepaths")
    files = [(str(path), str(fp_type)) for path, fp_type in filepaths]
    origin: dict[str, Any]
    if parents:
        if job_id is None:
            raise Invalid("job_id is required with parents.", "job_id")
        job = await load_job(ctx, job_id)
        origin = {
            "parents": list(parents),
            "command_id": job.command_id,
            "command_parameters": job.parameters,
        }
    elif prep_id is not None:
        origin = {"prep_id": prep_id}
    else:
        origin = {"analysis_id": analysis_id, "data_type": data_type or "Job Output Folder"}
    artifact = await create_artifact(
        ctx, artifact_type=artifact_type, files=files, name=name, **origin
    )
    return artifact.id


def require_test_client(ctx: Context) -> None:
    """The test-mode routes are for plugin and system clients (and admins)."""
    _require_rights(ctx)


def check_plugin_reload(errors: Sequence[str]) -> None:
    """A reload whose files or register runs failed is refused, naming each problem (§7)."""
    if errors:
        raise Conflict("Reloading the plugins failed: " + "; ".join(errors))
