"""Requests generated from `/openapi.json` (schemathesis) never answer a 5xx.

Every documented REST operation is sent a bounded number of generated requests against a
real uvicorn on 127.0.0.1 serving a copy of the demo data on SQLite and on PostgreSQL (test
mode, so the `/apitest` routes are served too): each with a token of the kind its route
expects (a system client's for the plugin API, the demo admin's for `/api/v1`), without
one, and with its integer ids folded onto the demo's rows.
4xx answers are fine; a 5xx is not, nor is an answer whose status, content type or JSON
body the document does not describe for that operation.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from db.settings import Settings
from gateway.app import create_app
from gateway.demo import load_demo
from resolvers.auth import issue_token
from resolvers.context import SYSTEM, Services, unit_of_work
from tests import databases
from tests.conftest import BACKENDS
from tests.factories import make_system_client

EXAMPLES_PER_OPERATION = 8
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 20.0
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
DEMO_IDS = 6
RESETS_THE_DATABASE = "/apitest/reset/"


def _point_at_demo_rows(case: Any) -> bool:
    """Replace integer path parameters by small ids the demo holds; False when there are none."""
    ids = {
        name: value
        for name, value in (case.path_parameters or {}).items()
        if isinstance(value, int)
    }
    if not ids or all(value < DEMO_IDS for value in ids.values()):
        return False
    case.path_parameters = {**case.path_parameters, **{n: v % DEMO_IDS for n, v in ids.items()}}
    return True


def _flat(found: BaseException) -> list[BaseException]:
    if isinstance(found, BaseExceptionGroup):
        return [leaf for inner in found.exceptions for leaf in _flat(inner)]
    return [found]


class FuzzServer:
    """uvicorn in a thread with its own event loop; the demo loaded, an admin and a client token."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning")
        )
        self.admin_token = ""
        self.client_token = ""
        self.thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)
        self.ready = threading.Event()

    async def _run(self) -> None:
        task = asyncio.create_task(self.server.serve())
        for _ in range(int(START_TIMEOUT / 0.05)):
            if self.server.started or task.done():
                break
            await asyncio.sleep(0.05)
        if self.server.started:
            services: Services = self.app.state.services
            async with unit_of_work(services, SYSTEM) as ctx:
                await load_demo(ctx)
            self.admin_token = (
                await issue_token(services, client_id="qiita-demo-password-client", account_id=1)
            ).access_token
            client = await make_system_client(services)
            self.client_token = (
                await issue_token(services, client_id=client.client_id)
            ).access_token
        self.ready.set()
        await task

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def token_for(self, path: str) -> str:
        return self.admin_token if path.startswith("/api/v1/") else self.client_token

    def __enter__(self) -> FuzzServer:
        self.thread.start()
        if not self.ready.wait(START_TIMEOUT) or not self.admin_token:
            raise RuntimeError("the fuzzing server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_server(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FuzzServer]:
    folder = tmp_path_factory.mktemp("rest-fuzz")
    database_name = None
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, folder / "qiita.sqlite")
        database_url = f"sqlite+aiosqlite:///{folder / 'qiita.sqlite'}"
    else:
        template = request.getfixturevalue("postgres_template")
        if template is None:
            pytest.skip(
                "PostgreSQL is not available (set QIITA_REQUIRE_POSTGRES=1 to fail instead)"
            )
        database_name = databases.clone_postgres(template)
        database_url = databases.url_for_database(database_name)
    fuzz_settings = Settings(
        data_dir=folder / "data",
        database_url=database_url,
        plugins_dir=folder / "plugins",
        test_mode=True,
        launch_jobs=False,
    )
    try:
        with FuzzServer(fuzz_settings) as server:
            yield server
    finally:
        if database_name is not None:
            databases.drop_postgres(database_name)


def test_generated_requests_never_fail_on_the_server(fuzz_server: FuzzServer) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    failures: list[tuple[str, str, int, str]] = []
    undocumented: list[str] = []
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: operation.path == RESETS_THE_DATABASE,
    )
    assert len(operations) > 40
    sent = 0
    started = time.monotonic()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            nonlocal sent
            with_token = {"Authorization": f"Bearer {fuzz_server.token_for(case.path)}"}
            for headers, remap in ((with_token, False), ({}, False), (with_token, True)):
                if remap and not _point_at_demo_rows(case):
                    break
                response = case.call(headers=headers, timeout=REQUEST_TIMEOUT)
                sent += 1
                try:
                    case.validate_response(response, checks=CONFORMANCE)
                except (Failure, FailureGroup) as found:
                    titles = [str(getattr(failure, "title", failure)) for failure in _flat(found)]
                    undocumented.append(
                        f"{case.method} {case.formatted_path} {response.status_code} "
                        f"{titles}: {response.text[:200]}"
                    )
                if response.status_code >= 500:
                    failures.append(
                        (
                            case.method,
                            case.formatted_path,
                            response.status_code,
                            f"{case.query} {str(case.body)[:200]} -> {response.text[:200]}",
                        )
                    )

        try:
            check()
        except Unsatisfiable:
            pass
    print(f"{len(operations)} operations, {sent} requests, {time.monotonic() - started:.1f} s")
    assert failures == []
    print("\n".join(undocumented))
    assert undocumented == []
