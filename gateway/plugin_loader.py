"""Loading plugins from their configuration files and running their registration.

`load_plugins` reads every `*.conf` of the plugins folder (a broken file is
reported and skipped), creates or updates each plugin and its OAuth client,
activates it and deactivates the plugins whose file is gone. `register_plugins`
then runs each plugin's register command, type plugins first (plugin-lifecycle
§3.1): `<environment script>` then `<start script> <server url> register
ignored`, through `bash -c` with the values as separate arguments. The plugin
calls back over HTTP to create its artifact types and commands, so the server
must be answering by then.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.exc import IntegrityError

from gateway.launchers.local import shell_command
from gateway.plugin_config import PluginConfigError, read_plugin_config, scan_plugins_dir
from gateway.progress import SILENT, Progress
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.errors import DomainError
from resolvers.jobs.launching import LaunchRequest
from resolvers.plugins.registration import (
    PluginDefinition,
    activate_plugins,
    apply_plugin_definition,
    begin_registration,
    deactivate_plugins_except,
    end_registration,
    registration_in_progress,
)

logger = logging.getLogger(__name__)

REGISTER_TIMEOUT = 600.0
SERVER_WAIT_TIMEOUT = 60.0
OUTPUT_LIMIT = 4000


@dataclass(frozen=True)
class LoadedPlugin:
    software_id: int
    name: str
    version: str
    plugin_type: str
    environment_script: str
    start_script: str
    config_path: str | None


@dataclass
class LoadReport:
    loaded: list[LoadedPlugin] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """One line per problem: `file:line: reason` or `file: reason`."""
    warnings: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)
    """`name version` of every plugin whose register run succeeded."""


async def load_plugins(services: Services, *, update: bool = True) -> LoadReport:
    """Create or update every plugin of the plugins folder and activate it."""
    scan = scan_plugins_dir(services.settings.resolved_plugins_dir)
    report = LoadReport(errors=[str(error) for error in scan.errors])
    for error in scan.errors:
        logger.warning("plugin configuration skipped: %s", error)
    for definition in scan.definitions:
        await _load_one(services, definition, report, update=update)
    async with unit_of_work(services, SYSTEM) as ctx:
        await deactivate_plugins_except(ctx, [p.software_id for p in report.loaded])
    return report


async def add_plugin(
    services: Services, path: Path, *, within: float, progress: Progress = SILENT
) -> LoadReport:
    """Copy one configuration file into the plugins folder, load it and register it."""
    report = LoadReport()
    try:
        definition = read_plugin_config(path)
    except PluginConfigError as exc:
        report.errors.append(str(exc))
        return report
    progress.step(f"loading {definition.name} {definition.version}")
    target = await asyncio.to_thread(_copy_into, path, services.settings.resolved_plugins_dir)
    definition = read_plugin_config(target)
    await _load_one(services, definition, report, update=True)
    await register_when_serving(services, report, within=within, progress=progress)
    return report


async def _load_one(
    services: Services, definition: PluginDefinition, report: LoadReport, *, update: bool
) -> None:
    for attempt in range(2):
        try:
            async with unit_of_work(services, SYSTEM) as ctx:
                result = await apply_plugin_definition(ctx, definition, update_existing=update)
                await activate_plugins(ctx, [result.software.id])
        except DomainError as exc:
            line = f"{definition.config_path}: {exc.message}"
            logger.warning("plugin configuration skipped: %s", line)
            report.errors.append(line)
            return
        except IntegrityError:
            if attempt:
                raise
            logger.info("plugin %s was loaded concurrently; loading again", definition.name)
            continue
        break
    software = result.software
    report.loaded.append(
        LoadedPlugin(
            software_id=software.id,
            name=software.name,
            version=software.version,
            plugin_type=software.type,
            environment_script=software.environment_script,
            start_script=software.start_script,
            config_path=definition.config_path,
        )
    )
    report.warnings.extend(f"{definition.config_path}: {w}" for w in result.warnings)


async def register_plugins(
    services: Services, report: LoadReport, progress: Progress = SILENT
) -> None:
    """Run the register command of every loaded plugin, type plugins first.

    A failing registration is logged and recorded in `report.errors`; the others go on.
    A plugin another process is registering right now is left to it (a warning).
    """
    ordered = sorted(report.loaded, key=lambda p: p.plugin_type != "artifact definition")
    for plugin in ordered:
        label = f"{plugin.name} {plugin.version}"
        progress.step(f"registering {label}")
        async with unit_of_work(services, SYSTEM) as ctx:
            claimed = await begin_registration(ctx, plugin.software_id, seconds=REGISTER_TIMEOUT)
        if not claimed:
            # Wait for it: the plugins after this one may need what it defines.
            logger.info("plugin %s is being registered by another process", label)
            await _wait_for_other_registration(services, plugin.software_id)
            report.warnings.append(f"{label}: registered by another process")
            continue
        try:
            error = await run_register(services, plugin)
        finally:
            async with unit_of_work(services, SYSTEM) as ctx:
                await end_registration(ctx, plugin.software_id)
        if error is None:
            report.registered.append(label)
            logger.info("plugin %s registered", label)
        else:
            logger.warning("registration of plugin %s failed: %s", label, error)
            report.errors.append(f"{plugin.config_path}: registration failed: {error}")


async def _wait_for_other_registration(services: Services, software_id: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REGISTER_TIMEOUT
    while loop.time() < deadline:
        async with unit_of_work(services, SYSTEM) as ctx:
            if not await registration_in_progress(ctx, software_id):
                return
        await asyncio.sleep(0.2)


async def register_when_serving(
    services: Services,
    report: LoadReport,
    *,
    within: float = SERVER_WAIT_TIMEOUT,
    progress: Progress = SILENT,
) -> None:
    """Register the loaded plugins once the server answers (they call it back)."""
    if not report.loaded:
        return
    url = services.settings.effective_public_url
    if progress.total is not None:
        progress.total += 1 + len(report.loaded)
    progress.step(f"waiting for the server at {url}")
    if not await wait_until_serving(url, within=within):
        message = f"plugins not registered: the server does not answer at {url}"
        logger.warning("%s", message)
        report.errors.append(message)
        return
    await register_plugins(services, report, progress)


async def run_register(services: Services, plugin: LoadedPlugin) -> str | None:
    """Run one plugin's register command; None on success, else what went wrong.

    The caller marks the plugin as registering meanwhile (`begin_registration`), so the
    command definitions it sends replace the stored ones.
    """
    request = LaunchRequest(
        job_id="register",
        argv_setup=plugin.environment_script,
        argv=[plugin.start_script, services.settings.effective_public_url, "register", "ignored"],
        job_dir=services.settings.resolved_data_dir,
        log_path=services.settings.resolved_data_dir / "register.log",
    )
    argv = shell_command(request)
    shown = shlex.join(argv)
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot start {shown}: {exc}"
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), REGISTER_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        return f"{shown} did not finish within {REGISTER_TIMEOUT:.0f} s"
    if process.returncode != 0:
        return (
            f"{shown} exited with status {process.returncode}\n"
            f"stdout: {_clip(stdout)}\nstderr: {_clip(stderr)}"
        )
    return None


async def wait_until_serving(url: str, *, within: float = SERVER_WAIT_TIMEOUT) -> bool:
    """Poll `<url>/healthz` until it answers; False when it never did `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with httpx.AsyncClient(verify=False, timeout=2.0) as client:
        while loop.time() < deadline:
            try:
                response = await client.get(f"{url}/healthz")
                if response.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    return False


def _copy_into(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if path.resolve() != target:
        shutil.copyfile(path, target)
    return target


def _clip(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    return text if len(text) <= OUTPUT_LIMIT else "..." + text[-OUTPUT_LIMIT:]
