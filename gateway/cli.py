"""The `qiita-gateway` command line.

The only code that parses argv, configures logging or calls `sys.exit`.
Every command is one `cmd_*` function taking the parsed arguments and the
effective settings and returning the exit code; `build_parser` registers it
in a subcommand group. A known user error (bad input, bad setting, an
unusable database) prints one line and exits with 2; anything else is a bug,
logged once with its traceback, exit 1.

To add a command: write `cmd_<name>(args, settings) -> int`, then register it
with `add_command(<group>, "<name>", cmd_<name>, "<help>")` in the `_register_*`
function of its group (`db`, `demo`, `user`, `client`, ...). A new group gets its
own `_register_<group>` (using `add_group`) listed in `REGISTRARS`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from db.migrate import pending_revisions, upgrade_database
from db.session import check_database_url, create_engine, create_session_factory
from db.settings import Settings, SettingsError, load_settings
from gateway.logs import logging_config
from gateway.progress import SILENT, Progress
from resolvers.context import SYSTEM, Context, Services, unit_of_work
from resolvers.errors import DomainError

logger = logging.getLogger(__name__)

PROG = "qiita-gateway"
USAGE_ERROR = 2
BUG = 1


Handler = Callable[[argparse.Namespace, Settings], int]
T = TypeVar("T")


class CommandError(Exception):
    """A known user error: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """Reports bad arguments in one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- shared steps -------------------------------------------------------------------------


def _database_label(settings: Settings) -> str:
    return str(settings.as_redacted_dict()["database_url"])


def ensure_database(settings: Settings, progress: Progress = SILENT) -> None:
    """Create the data dir and the database, and migrate it to the newest revision."""
    check_database_url(settings.effective_database_url)
    try:
        settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            f"cannot create the data dir {settings.resolved_data_dir}: {exc}"
        ) from None
    try:
        asyncio.run(_connect(settings))
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CommandError(
            f"cannot open the database {_database_label(settings)}: {reason} "
            "(check QIITA_DATABASE_URL / --database-url)"
        ) from None
    revisions = asyncio.run(_pending_revisions(settings))
    if progress.total is not None:
        progress.total += len(revisions)
    for revision in revisions:
        progress.step(f"migrating to revision {revision}")
        upgrade_database(settings, revision)


async def _pending_revisions(settings: Settings) -> list[str]:
    engine = create_engine(settings, pool=False)
    try:
        return await pending_revisions(engine)
    finally:
        await engine.dispose()


async def _connect(settings: Settings) -> None:
    """Open one connection: an unreachable or unusable database fails here, before migrating."""
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def _in_unit_of_work(settings: Settings, work: Callable[[Context], Awaitable[T]]) -> T:
    engine = create_engine(settings, pool=False)
    try:
        services = Services(settings=settings, sessions=create_session_factory(engine))
        async with unit_of_work(services, SYSTEM) as ctx:
            return await work(ctx)
    finally:
        await engine.dispose()


def run_in_database(settings: Settings, work: Callable[[Context], Awaitable[T]]) -> T:
    """Migrate if needed, then run `work` in one transaction acting as the system."""
    ensure_database(settings)
    return asyncio.run(_in_unit_of_work(settings, work))


# -- serve ----------------------------------------------------------------------------------


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _settings_environment(settings: Settings, port: int, config: Path | None) -> dict[str, str]:
    """QIITA_* variables that make worker processes load the same settings as this one."""
    env = {
        "QIITA_DATA_DIR": str(settings.resolved_data_dir),
        "QIITA_HOST": settings.host,
        "QIITA_PORT": str(port),
        "QIITA_WORKERS": str(settings.workers),
    }
    if settings.database_url:
        env["QIITA_DATABASE_URL"] = settings.database_url
    if config is not None:
        env["QIITA_CONFIG"] = str(config.resolve())
    if settings.tls_cert and settings.tls_key:
        env["QIITA_TLS_CERT"] = str(settings.tls_cert)
        env["QIITA_TLS_KEY"] = str(settings.tls_key)
    return env


def _stop_quietly(signum: int, frame: object) -> None:
    """SIGTERM handler in force once uvicorn has shut down gracefully (it re-raises the signal)."""
    logger.info("stopped by signal %d", signum)


def _print_banner(settings: Settings, demo: bool) -> None:
    """Demo credentials (with --demo), then the URL line scripts wait for."""
    if demo:
        from gateway.demo import credentials_text

        print(credentials_text(), flush=True)
    base = settings.effective_public_url
    print(f"qiita-gateway serving on {base} (GraphiQL at {base}/graphql)", flush=True)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from gateway.app import create_app
    from gateway.memory import restart_with_system_allocator

    restart_with_system_allocator()
    ssl: dict[str, Any] = {}
    if settings.tls_cert and settings.tls_key:
        for option, path in (("certificate", settings.tls_cert), ("key", settings.tls_key)):
            if not path.expanduser().is_file():
                raise CommandError(f"TLS {option} file {path} does not exist")
        ssl = {"ssl_certfile": str(settings.tls_cert), "ssl_keyfile": str(settings.tls_key)}
    ensure_database(settings)
    if args.demo:
        from gateway.demo import load_demo

        if asyncio.run(_in_unit_of_work(settings, load_demo)):
            print(f"Demo data loaded into {_database_label(settings)}.", flush=True)
    sock = _listen(settings.host, settings.port)
    port = int(sock.getsockname()[1])
    settings = settings.replace(port=port)
    common: dict[str, Any] = {
        "host": settings.host,
        "port": port,
        "log_config": logging_config(settings.log_level, settings.log_format),
        "lifespan": "on",
        # Subscription pushes are small JSON messages: per-message deflate would cost CPU on
        # every push and a compressor per socket for next to no bytes saved.
        "ws_per_message_deflate": False,
        **ssl,
    }
    _print_banner(settings, args.demo)
    signal.signal(signal.SIGTERM, _stop_quietly)
    if settings.workers > 1:
        os.environ.update(_settings_environment(settings, port, args.config))
        config = uvicorn.Config(
            "gateway.app:create_app_from_env", factory=True, workers=settings.workers, **common
        )
        Multiprocess(config, sockets=[sock]).run()
        return 0
    server = uvicorn.Server(uvicorn.Config(create_app(settings, warm_pool=True), **common))
    server.run(sockets=[sock])
    if not server.started:
        raise CommandError("the server did not start; see the log above")
    return 0


# -- db, config -------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    with Progress("db upgrade", total=0) as progress:
        ensure_database(settings, progress)
        progress.finish()
    print(f"Database {_database_label(settings)} is up to date.")
    return 0


def _format_value(value: Any) -> str:
    if value is None:
        return '""'
    return json.dumps(value)


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    values = settings.as_redacted_dict()
    if args.json:
        print(json.dumps(values, indent=2, sort_keys=True))
        return 0
    for key in sorted(values):
        print(f"{key} = {_format_value(values[key])}")
    return 0


def cmd_import_qiita(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.qiita_import import ImportOptions, ImportRefused, run_import

    ensure_database(settings)
    options = ImportOptions(
        source_url=args.source_url,
        source_data_dir=args.source_data_dir,
        link_files=args.files == "link",
        dry_run=args.dry_run,
    )
    try:
        report = asyncio.run(run_import(settings, options))
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    print(report.render())
    return 0


# -- demo, user, client ---------------------------------------------------------------------


def cmd_demo_load(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.demo import credentials_text, load_demo

    with Progress("demo load", total=0) as progress:
        ensure_database(settings, progress)

        async def work(ctx: Context) -> bool:
            return await load_demo(ctx, progress)

        loaded = asyncio.run(_in_unit_of_work(settings, work))
        progress.finish()
    where = _database_label(settings)
    print(f"Demo data loaded into {where}." if loaded else f"Demo data already in {where}.")
    print(credentials_text())
    return 0


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.accounts import create_user

    async def work(ctx: Context) -> str:
        account = await create_user(
            ctx, args.email, args.password, args.level, args.name, args.affiliation
        )
        return f"Created {account.level} account {account.email} (id {account.id})."

    print(run_in_database(settings, work))
    return 0


def cmd_client_add(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.accounts import create_client, find_software_id

    async def work(ctx: Context) -> tuple[str, str | None]:
        software_id = None
        if args.plugin is not None:
            software_id = await find_software_id(ctx, *args.plugin)
        return await create_client(
            ctx,
            software_id=software_id,
            client_id=args.id,
            secret=args.secret,
            password_grant=args.password_grant,
        )

    client_id, secret = run_in_database(settings, work)
    if args.json:
        print(json.dumps({"client_id": client_id, "client_secret": secret}))
    else:
        print(f"client_id = {client_id}")
        print(f"client_secret = {secret if secret is not None else '(none: password grant)'}")
    return 0


# -- fsck ------------------------------------------------------------------------------------


def cmd_fsck(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when rows and files agree (after repairs), 1 when problems remain."""
    from resolvers.files.fsck import FsckReport, run_fsck

    async def work(ctx: Context) -> FsckReport:
        return await run_fsck(ctx, repair=args.repair)

    report = run_in_database(settings, work)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.clean else 1


# -- tokens, user levels and passwords, client listing ---------------------------------------


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth import tokens
    from resolvers.auth.account_admin import require_account

    async def work(ctx: Context) -> tuple[int, str]:
        if args.user is not None:
            account = await require_account(ctx, args.user)
            return await tokens.revoke_tokens(ctx, account_id=account.id), f"user {account.email}"
        return await tokens.revoke_tokens(ctx, client_id=args.client), f"client {args.client}"

    count, whose = run_in_database(settings, work)
    print(f"Revoked {count} token(s) of {whose}.")
    return 0


def cmd_client_list(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import ClientSummary, list_clients

    clients: list[ClientSummary] = run_in_database(settings, list_clients)
    if args.json:
        print(json.dumps([vars(client) for client in clients], indent=2))
        return 0
    for client in clients:
        bound = f" ({client.plugin})" if client.plugin else ""
        print(f"{client.client_id}  {client.kind}{bound}")
    return 0


def cmd_user_set_level(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import set_user_level

    async def work(ctx: Context) -> str:
        account = await set_user_level(ctx, args.email, args.level)
        return f"Account {account.email} is now {account.level}."

    print(run_in_database(settings, work))
    return 0


def read_new_password() -> str:
    """The first line of stdin when it is not a terminal; else a prompt, typed twice."""
    import getpass

    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
        return password
    password = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise CommandError("the two passwords differ")
    return password


def cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import set_user_password

    password = read_new_password()

    async def work(ctx: Context) -> str:
        account = await set_user_password(ctx, args.email, password)
        return f"Password of {account.email} changed; its tokens are revoked."

    print(run_in_database(settings, work))
    return 0


# -- plugins ----------------------------------------------------------------------------------


def _with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    """Migrate if needed, then run `work` with services of its own (no server needed)."""
    ensure_database(settings)

    async def run() -> T:
        engine = create_engine(settings, pool=False)
        try:
            return await work(Services(settings=settings, sessions=create_session_factory(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(run())


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

        report = _with_services(settings, work)
        progress.finish()
    return _report_plugins(report)


def cmd_plugin_add(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.plugin_loader import add_plugin

    if not args.file.is_file():
        raise CommandError(f"no such file: {args.file}")

    with Progress("plugin add", total=1) as progress:

        async def work(services: Services) -> Any:
            return await add_plugin(services, args.file, within=args.wait, progress=progress)

        report = _with_services(settings, work)
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


# -- graphql ---------------------------------------------------------------------------------


def cmd_graphql_persist(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.persist_queries import PersistError, persist_files
    from schema import build_schema

    schema = build_schema(settings)._schema

    async def work(services: Services) -> Any:
        return await persist_files(services, args.files, schema)

    try:
        stored = _with_services(settings, work)
    except PersistError as exc:
        raise CommandError(str(exc)) from None
    for operation, new in stored:
        state = "registered" if new else "already registered"
        print(f"{operation.sha256}  {operation.name}  {state}  ({operation.file})")
    return 0


# -- status ----------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.status import StatusError, collect_status, format_status

    check_database_url(settings.effective_database_url)
    try:
        report = collect_status(settings)
    except StatusError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps(report, indent=2) if args.json else format_status(report))
    return 0


# -- backup, restore --------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.backup import BackupError, create_backup, summary

    check_database_url(settings.effective_database_url)
    try:
        manifest = create_backup(settings, args.dest)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"Backup written to {args.dest}: {summary(manifest)}.")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.backup import BackupError, restore_backup, summary

    check_database_url(settings.effective_database_url)
    try:
        manifest = restore_backup(settings, args.src, force=args.force)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"Restored {args.src} into {_database_label(settings)}: {summary(manifest)}.")
    return 0


# -- parser -----------------------------------------------------------------------------------


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings (override QIITA_* and the settings file)")
    group.add_argument("--config", type=Path, metavar="FILE", help="TOML settings file")
    group.add_argument("--data-dir", type=Path, metavar="DIR", help="data directory")
    group.add_argument("--database-url", metavar="URL", help="SQLAlchemy database URL")
    return common


_COMMON = _common_options()


def add_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command group (`qiita-gateway <name> <command>`); returns where to add its commands."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


def add_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
) -> argparse.ArgumentParser:
    """Register `handler` as a command; returns its parser for the command's own options."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text, parents=[_COMMON])
    parser.set_defaults(handler=handler)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 0 and 65535, got {value}")
    return value


def _register_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = add_command(commands, "serve", cmd_serve, "run the server (migrates the database)")
    serve.add_argument("--demo", action="store_true", help="load the demo data if absent")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on (default 21174; 0: any)")
    serve.add_argument("--workers", type=_positive_int, metavar="N", help="worker processes")
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help="TLS private key (PEM)")


def _register_db(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = add_group(commands, "db", "database maintenance")
    add_command(
        db, "upgrade", cmd_db_upgrade, "create or migrate the database to the newest schema"
    )


def _register_fsck(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fsck = add_command(
        commands, "fsck", cmd_fsck,
        "check file rows against the files on disk (exit 1 when problems remain)",
    )  # fmt: skip
    fsck.add_argument(
        "--repair", action="store_true",
        help="finish planned file moves, move unnamed files to lost+found",
    )  # fmt: skip
    fsck.add_argument("--json", action="store_true", help="print JSON for scripts")


def _register_config(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = add_command(commands, "config", cmd_config, "print the effective settings")
    config.add_argument("--json", action="store_true", help="print JSON")


def _register_demo(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = add_group(commands, "demo", "the demo data set")
    add_command(demo, "load", cmd_demo_load, "load the demo data (does nothing if present)")


def _register_user(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from db.models import USER_LEVELS

    user = add_group(commands, "user", "accounts")
    add = add_command(user, "add", cmd_user_add, "create an account")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--password", required=True, metavar="PW")
    add.add_argument(
        "--level",
        default="user",
        help=f"user level (default user; one of: {', '.join(USER_LEVELS)})",
    )
    add.add_argument("--name", metavar="N")
    add.add_argument("--affiliation", metavar="A")
    set_level = add_command(user, "set-level", cmd_user_set_level, "change an account's level")
    set_level.add_argument("email", metavar="EMAIL")
    set_level.add_argument("level", metavar="LEVEL", help=f"one of: {', '.join(USER_LEVELS)}")
    set_password = add_command(
        user, "set-password", cmd_user_set_password,
        "set a password (read from stdin, else prompted); revokes the user's tokens",
    )  # fmt: skip
    set_password.add_argument("email", metavar="EMAIL")
    from gateway.cli_accounts import register_user_link

    register_user_link(user)


def _register_client(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    client = add_group(commands, "client", "OAuth2 clients")
    add = add_command(client, "add", cmd_client_add, "create a client; prints its id and secret")
    add.add_argument(
        "--plugin", nargs=2, metavar=("NAME", "VERSION"), help="bind to a registered plugin"
    )
    add.add_argument("--id", metavar="ID", help="client id (default: random)")
    add.add_argument("--secret", metavar="S", help="client secret (default: random)")
    add.add_argument(
        "--password-grant", action="store_true", help="a client without secret for user logins"
    )
    add.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing = add_command(client, "list", cmd_client_list, "list clients (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")


def _register_token(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = add_group(commands, "token", "access tokens")
    revoke = add_command(
        token, "revoke", cmd_token_revoke, "revoke every token of a client or user"
    )
    whose = revoke.add_mutually_exclusive_group(required=True)
    whose.add_argument("--client", metavar="ID", help="the client's id")
    whose.add_argument("--user", metavar="EMAIL", help="the user's e-mail")


def _register_plugin(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def _register_graphql(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    graphql = add_group(commands, "graphql", "GraphQL documents")
    persist = add_command(
        graphql, "persist", cmd_graphql_persist,
        "register the operations of .graphql files as persisted queries",
    )  # fmt: skip
    persist.add_argument("files", type=Path, nargs="+", metavar="FILE")


def _register_status(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = add_command(
        commands, "status", cmd_status,
        "print the database, data dir, plugins, jobs by status and the launch queue",
    )  # fmt: skip
    status.add_argument("--json", action="store_true", help="print JSON for scripts")


def _register_backup(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = add_command(
        commands, "backup", cmd_backup,
        "copy the database and the data dir into a new folder (the server may run)",
    )  # fmt: skip
    backup.add_argument("dest", type=Path, metavar="DEST", help="new or empty folder")
    restore = add_command(
        commands, "restore", cmd_restore,
        "restore a backup folder into an empty data dir and database (stop the server first)",
    )  # fmt: skip
    restore.add_argument("src", type=Path, metavar="SRC", help="a folder written by backup")
    restore.add_argument(
        "--force", action="store_true", help="replace the data and database already there"
    )


def _register_import_qiita(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = add_command(
        commands, "import-qiita", cmd_import_qiita,
        "import a Qiita site (database and data dir) into an empty, freshly migrated gateway",
    )  # fmt: skip
    command.add_argument(
        "--source-url",
        required=True,
        metavar="URL",
        help="Qiita's database, postgresql://USER@HOST:PORT/DB (read only)",
    )
    command.add_argument(
        "--source-data-dir", required=True, type=Path, metavar="DIR", help="Qiita's BASE_DATA_DIR"
    )
    command.add_argument(
        "--files",
        choices=("copy", "link"),
        default="copy",
        help="copy files (default) or hard-link them (copying across file systems)",
    )
    command.add_argument(
        "--dry-run", action="store_true", help="map everything, write nothing, print the report"
    )


REGISTRARS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _register_serve,
    _register_db,
    _register_fsck,
    _register_demo,
    _register_user,
    _register_client,
    _register_token,
    _register_plugin,
    _register_graphql,
    _register_status,
    _register_config,
    _register_backup,
    _register_import_qiita,
]


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="GraphQL gateway over Qiita's resources.")
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", required=True, metavar="COMMAND"),
    )
    for register in REGISTRARS:
        register(commands)
    return parser


# -- entry point ------------------------------------------------------------------------------

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
