"""`plugin ...`: plugin configuration files, registration and trust."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from db.settings import Settings
from gateway.cli_commands.database import run_in_database, with_services
from gateway.cli_commands.registry import (
    USAGE_ERROR,
    CommandError,
    Commands,
    Handler,
    add_command,
    add_group,
)
from gateway.progress import Progress
from resolvers.context import Context, Services


def _report_plugins(report: Any) -> int:
    for line in report.warnings:
        print(f"warning: {line}")
    for label in report.registered:
        print(f"registered: {label}")
    for line in report.errors:
        print(f"error: {line}")
    return USAGE_ERROR if report.errors else 0


def cmd_plugin_reload(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.plugin_loader import load_plugins, register_when_serving

    with Progress("plugin reload", total=1) as progress:

        async def work(services: Services) -> Any:
            progress.step(f"reading {settings.resolved_plugins_dir}")
            report = await load_plugins(services)
            await register_when_serving(services, report, within=args.wait, progress=progress)
            return report

        report = with_services(settings, work)
        progress.finish()
    return _report_plugins(report)


def cmd_plugin_add(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.plugin_loader import add_plugin

    if not args.file.is_file():
        raise CommandError(f"no such file: {args.file}")

    with Progress("plugin add", total=1) as progress:

        async def work(services: Services) -> Any:
            return await add_plugin(services, args.file, within=args.wait, progress=progress)

        report = with_services(settings, work)
        progress.finish()
    return _report_plugins(report)


def cmd_plugin_list(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.plugins.registration import list_plugins

    plugins = run_in_database(settings, list_plugins)
    if args.json:
        print(json.dumps([vars(plugin) for plugin in plugins], indent=2))
        return 0
    for plugin in plugins:
        state = "active" if plugin.active else "inactive"
        trust = "trusted" if plugin.trusted else "untrusted"
        print(
            f"{plugin.name} {plugin.version}  {plugin.type}  {state}  {trust}  "
            f"{plugin.commands} command(s)  {plugin.config_path or '-'}"
        )
    return 0


def _plugin_trust_handler(trusted: bool) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        from resolvers.plugins.registration import set_plugin_trust

        async def work(ctx: Context) -> str:
            await set_plugin_trust(ctx, args.name, args.version, trusted=trusted)
            if trusted:
                return (
                    f"Plugin {args.name} {args.version} is trusted: its client may write "
                    "through /api/v1 and GraphQL."
                )
            return f"Plugin {args.name} {args.version} is no longer trusted."

        print(run_in_database(settings, work))
        return 0

    return handler


cmd_plugin_trust = _plugin_trust_handler(trusted=True)
cmd_plugin_untrust = _plugin_trust_handler(trusted=False)


def register_plugin(commands: Commands) -> None:
    plugin = add_group(commands, "plugin", "plugins and their configuration files")
    reload = add_command(
        plugin, "reload", cmd_plugin_reload,
        "re-read every *.conf of the plugins dir, then register the plugins with the server",
    )  # fmt: skip
    add = add_command(
        plugin, "add", cmd_plugin_add,
        "copy a plugin configuration file into the plugins dir, load and register it",
    )  # fmt: skip
    add.add_argument("file", type=Path, metavar="FILE")
    for command in (reload, add):
        command.add_argument(
            "--wait", type=float, default=10.0, metavar="S",
            help="seconds to wait for the server to answer (default 10)",
        )  # fmt: skip
    listing = add_command(plugin, "list", cmd_plugin_list, "list the registered plugins")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    trust = add_command(
        plugin, "trust", cmd_plugin_trust,
        "let the plugin's client write through /api/v1 and GraphQL (an admin's rights)",
    )  # fmt: skip
    untrust = add_command(
        plugin, "untrust", cmd_plugin_untrust,
        "stop the plugin's client writing through /api/v1 and GraphQL",
    )  # fmt: skip
    for command in (trust, untrust):
        command.add_argument("name", metavar="NAME")
        command.add_argument("version", metavar="VERSION")
