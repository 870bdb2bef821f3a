"""The `qiita-gateway` command line.

The only code that parses argv, configures logging or calls `sys.exit`.
Every command is one `cmd_*` function taking the parsed arguments and the
effective settings and returning the exit code; its module in
`gateway/cli_commands/` registers it in a subcommand group (see that package's
docstring for how to add one). A known user error (bad input, bad setting, an
unusable database) prints one line and exits with 2; anything else is a bug,
logged once with its traceback, exit 1.
"""

from __future__ import annotations

import argparse
import logging
import logging.config
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn, cast

from db.settings import Settings, SettingsError, load_settings
from gateway.cli_commands import accounts, data, graphql, maintenance, plugins, serve
from gateway.cli_commands.registry import USAGE_ERROR, CommandError, Commands, Handler
from gateway.logs import logging_config
from resolvers.errors import DomainError

logger = logging.getLogger(__name__)

PROG = "qiita-gateway"
BUG = 1


class Parser(argparse.ArgumentParser):
    """Reports bad arguments in one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# In the order of `qiita-gateway --help`.
REGISTRARS: list[Callable[[Commands], None]] = [
    serve.register_serve,
    maintenance.register_db,
    maintenance.register_fsck,
    data.register_demo,
    accounts.register_user,
    accounts.register_client,
    accounts.register_token,
    plugins.register_plugin,
    graphql.register_graphql,
    maintenance.register_status,
    maintenance.register_config,
    data.register_backup,
    data.register_import_qiita,
]


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="GraphQL gateway over Qiita's resources.")
    commands = cast(
        "Commands", parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    )
    for register in REGISTRARS:
        register(commands)
    return parser


SETTING_OPTIONS = ("data_dir", "database_url", "host", "port", "workers", "tls_cert", "tls_key")


def settings_from(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    overrides = {name: getattr(args, name, None) for name in SETTING_OPTIONS}
    return load_settings(environ, getattr(args, "config", None), **overrides)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        logging.config.dictConfig(logging_config(settings.log_level, settings.log_format))
    except SettingsError as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(f"QIITA_LOG_LEVEL: {exc}")
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except (CommandError, SettingsError, DomainError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception:
        logger.exception("%s %s failed unexpectedly", PROG, args.command)
        return BUG


if __name__ == "__main__":
    sys.exit(main())
