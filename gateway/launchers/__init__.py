"""Job launchers; `build_launcher` picks the one `settings.launcher` names."""

from __future__ import annotations

import importlib

from db.settings import Settings
from gateway.launchers.exits import ExitHandler
from gateway.launchers.local import LocalLauncher
from resolvers.jobs.launching import Launcher


def build_launcher(settings: Settings, on_exit: ExitHandler | None = None) -> Launcher:
    """The configured launcher; `on_exit` hears about every job process that ends."""
    if settings.launcher == "slurm":
        slurm = importlib.import_module("gateway.launchers.slurm")
        launcher: Launcher = slurm.SlurmLauncher(settings, on_exit)
        return launcher
    return LocalLauncher(settings.effective_max_local_jobs, on_exit=on_exit)
