"""A qiita-gateway server in its own process, serving an inherited listening socket.

Several incarnations (restarts, or concurrent workers) can share one socket, so the
URL the plugin processes call back stays the same.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from db.settings import Settings

START_TIMEOUT = 30.0


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def server_environment(settings: Settings, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QIITA_")}
    environment.update(
        QIITA_DATA_DIR=str(settings.data_dir),
        QIITA_DATABASE_URL=settings.database_url,
        QIITA_PLUGINS_DIR=str(settings.plugins_dir),
        QIITA_PUBLIC_URL=settings.public_url,
        QIITA_PORT=str(settings.port),
        QIITA_LAUNCH_JOBS="1",
        QIITA_TEST_MODE="1",
        QIITA_LOG_LEVEL="INFO",
        **extra,
    )
    return environment


def start_server(
    sock: socket.socket, settings: Settings, log_path: Path, **extra: str
) -> ServerProcess:
    fd = sock.fileno()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "gateway.app:create_app_from_env",
            "--fd",
            str(fd),
            "--log-level",
            "info",
        ],
        env=server_environment(settings, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
        pass_fds=(fd,),
        cwd=Path(__file__).resolve().parents[2],
    )
    log.close()
    return ServerProcess(process, log_path)


async def wait_until_healthy(url: str, server: ServerProcess) -> None:
    """Poll `/healthz` until the server answers (bounded); fail early if it died."""
    async with httpx.AsyncClient(timeout=2.0) as client, asyncio.timeout(START_TIMEOUT):
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{server.log()}")
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
