"""`qiita-gateway serve --demo` as a real process on a free loopback port."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import queue
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.demo_data import DEMO_MARKER_TITLE

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
BANNER = re.compile(r"serving on (https?://127\.0\.0\.1:\d+)")
STUDIES = "query Studies { studies { totalCount nodes { studyId title } } }"


@dataclass
class Server:
    process: subprocess.Popen[str]
    base_url: str
    lines: list[str]


def _pump(stream: object, sink: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.put(line)
    sink.put(None)


def _wait_for_banner(process: subprocess.Popen[str], lines: list[str]) -> str:
    """Read stdout until the startup line names the URL; bounded by STARTUP_TIMEOUT."""
    sink: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, sink), daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = sink.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        lines.append(line)
        if match := BANNER.search(line):
            return match.group(1)
    raise AssertionError(f"no startup line within {STARTUP_TIMEOUT}s: {''.join(lines)}")


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[str], verify: ssl.SSLContext | bool
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with httpx.Client(base_url=base_url, timeout=5, verify=verify) as http:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited during startup"
            try:
                if http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # polling interval of a bounded loop, not a readiness guess
    raise AssertionError(f"/healthz did not answer within {STARTUP_TIMEOUT}s")


@contextmanager
def running_server(
    tmp_path: Path, *args: str, verify: ssl.SSLContext | bool = True
) -> Iterator[Server]:
    """`qiita-gateway serve --port 0 <args>` until healthy; killed at exit if still running."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    command = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", *command, *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    try:
        base_url = _wait_for_banner(process, lines)
        _wait_until_healthy(base_url, process, verify)
        yield Server(process, base_url, lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def served_demo(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Server]:
    args = ["--demo"]
    if backend == "postgresql":
        args += ["--database-url", request.getfixturevalue("database_url")]
    with running_server(tmp_path, *args) as server:
        yield server


def test_serve_demo_answers_health_and_graphql_then_stops_cleanly_on_sigterm(
    served_demo: Server,
) -> None:
    with httpx.Client(base_url=served_demo.base_url, timeout=10) as http:
        health = http.get("/healthz")
        studies = http.post("/graphql", json={"query": STUDIES})

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert studies.status_code == 200
    assert studies.json() == {
        "data": {
            "studies": {"totalCount": 1, "nodes": [{"studyId": 1, "title": DEMO_MARKER_TITLE}]}
        }
    }
    printed = "".join(served_demo.lines)
    assert f"GraphiQL at {served_demo.base_url}/graphql" in printed
    assert "demo@example.org / qiita-demo-user" in printed

    served_demo.process.send_signal(signal.SIGTERM)
    assert served_demo.process.wait(timeout=STOP_TIMEOUT) == 0


def test_serve_with_two_workers_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with running_server(tmp_path, "--workers", "2") as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            answers = [http.post("/graphql", json={"query": STUDIES}) for _ in range(4)]

        assert [a.status_code for a in answers] == [200] * 4
        assert answers[0].json() == {"data": {"studies": {"totalCount": 0, "nodes": []}}}
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=STOP_TIMEOUT) == 0


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_serve_with_tls_answers_https(tmp_path: Path) -> None:
    cert, key = _self_signed_certificate(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))

    with running_server(
        tmp_path, "--tls-cert", str(cert), "--tls-key", str(key), verify=trust
    ) as server:
        with httpx.Client(base_url=server.base_url, timeout=10, verify=trust) as http:
            health = http.get("/healthz")
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=STOP_TIMEOUT) == 0

    assert server.base_url.startswith("https://127.0.0.1:")
    assert health.json() == {"status": "ok"}
