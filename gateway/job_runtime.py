"""Everything that runs jobs in a worker: launcher, dispatcher, watchdog, plugin loading.

The app factory builds one `JobRuntime`; its launcher goes into `Services`, and
the lifespan starts it (after the event bus) and stops it (before). Start-up
order: reconcile the jobs left from the previous run, start the dispatcher and
the watchdog, load the plugin configuration files, then — in the background,
once the server answers — run the plugins' registrations.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from db.settings import Settings
from gateway.dispatcher import Dispatcher
from gateway.launchers import build_launcher
from gateway.launchers.exits import ProcessExit
from gateway.plugin_loader import LoadReport, load_plugins, register_when_serving
from gateway.watchdog import Watchdog
from resolvers.context import Services
from resolvers.jobs.launching import Launcher

logger = logging.getLogger(__name__)


class JobRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.launcher: Launcher = build_launcher(settings, self._on_exit)
        self.dispatcher: Dispatcher | None = None
        self.watchdog: Watchdog | None = None
        self.plugins: LoadReport | None = None
        self._registration: asyncio.Task[None] | None = None

    def bind(self, services: Services) -> None:
        self.dispatcher = Dispatcher(services, self.launcher)
        self.watchdog = Watchdog(services, self.launcher)
        self._services = services

    async def _on_exit(self, exit: ProcessExit) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.on_process_exit(exit)

    async def start(self) -> None:
        assert self.dispatcher is not None, "bind() first"
        assert self.watchdog is not None, "bind() first"
        if self.settings.launch_jobs:
            try:
                await self.watchdog.reconcile(startup=True)
            except Exception:
                logger.exception("reconciling the jobs of the previous run failed")
            self.dispatcher.start()
            self.watchdog.start()
        try:
            self.plugins = await load_plugins(self._services)
        except Exception:
            logger.exception("loading the plugin configuration files failed")
            return
        if self.plugins.loaded:
            self._registration = asyncio.create_task(self._register(self.plugins))

    async def _register(self, report: LoadReport) -> None:
        try:
            await register_when_serving(self._services, report)
        except Exception:
            logger.exception("registering the plugins failed")

    async def registration_finished(self) -> LoadReport | None:
        """Wait for the start-up registration runs; the load report (None: nothing loaded)."""
        if self._registration is not None:
            await asyncio.shield(self._registration)
        return self.plugins

    async def stop(self) -> None:
        if self._registration is not None:
            self._registration.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._registration
        if self.watchdog is not None:
            await self.watchdog.stop()
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        close = getattr(self.launcher, "close", None)
        if close is not None:
            await close()
