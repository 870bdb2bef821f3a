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

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from db.settings import Settings
from tests import databases
from tests.databases import BACKENDS
from tests.fuzz_server import FuzzServer

EXAMPLES_PER_OPERATION = 8
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


def token_for(server: FuzzServer, path: str) -> str:
    """The demo admin's token for the study API, a system client's for the plugin API."""
    return server.admin_token if path.startswith("/api/v1/") else server.client_token


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
            with_token = {"Authorization": f"Bearer {token_for(fuzz_server, case.path)}"}
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
