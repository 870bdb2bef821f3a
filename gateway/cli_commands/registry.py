"""How a command is registered: its group, its parser, its handler."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from db.settings import Settings

USAGE_ERROR = 2

Handler = Callable[[argparse.Namespace, Settings], int]
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandError(Exception):
    """A known user error: printed as one line, exit code 2."""


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings (override QIITA_* and the settings file)")
    group.add_argument("--config", type=Path, metavar="FILE", help="TOML settings file")
    group.add_argument("--data-dir", type=Path, metavar="DIR", help="data directory")
    group.add_argument("--database-url", metavar="URL", help="SQLAlchemy database URL")
    return common


_COMMON = _common_options()


def add_group(subparsers: Commands, name: str, help_text: str) -> Commands:
    """A command group (`qiita-gateway <name> <command>`); returns where to add its commands."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


def add_command(
    subparsers: Commands, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    """Register `handler` as a command; returns its parser for the command's own options."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text, parents=[_COMMON])
    parser.set_defaults(handler=handler)
    return parser
