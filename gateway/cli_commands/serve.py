"""`qiita-gateway serve`: migrate, optionally load the demo, then run uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

from db.settings import Settings
from gateway.cli_commands.database import database_label, ensure_database, in_unit_of_work
from gateway.cli_commands.registry import CommandError, Commands, add_command
from gateway.logs import logging_config

# The CLI's log lines keep the name they always had.
logger = logging.getLogger("gateway.cli")


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


def _tls_options(settings: Settings) -> dict[str, Any]:
    if not (settings.tls_cert and settings.tls_key):
        return {}
    for option, path in (("certificate", settings.tls_cert), ("key", settings.tls_key)):
        if not path.expanduser().is_file():
            raise CommandError(f"TLS {option} file {path} does not exist")
    return {"ssl_certfile": str(settings.tls_cert), "ssl_keyfile": str(settings.tls_key)}


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from gateway.app import create_app
    from gateway.memory import restart_with_system_allocator

    restart_with_system_allocator()
    ssl = _tls_options(settings)
    ensure_database(settings)
    if args.demo:
        from gateway.demo import load_demo

        if asyncio.run(in_unit_of_work(settings, load_demo)):
            print(f"Demo data loaded into {database_label(settings)}.", flush=True)
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


def register_serve(commands: Commands) -> None:
    serve = add_command(commands, "serve", cmd_serve, "run the server (migrates the database)")
    serve.add_argument("--demo", action="store_true", help="load the demo data if absent")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on (default 21174; 0: any)")
    serve.add_argument("--workers", type=_positive_int, metavar="N", help="worker processes")
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help="TLS private key (PEM)")
