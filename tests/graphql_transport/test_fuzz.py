"""Generated GraphQL operations (schemathesis over the live schema) never answer a 5xx.

Every root query and mutation field is sent a bounded number of generated documents, as
the demo admin, against a real uvicorn on 127.0.0.1 serving a copy of the demo data on
SQLite. Errors are fine; a resolver error without a code, an INTERNAL_SERVER_ERROR or a 5xx
is not.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from db.settings import Settings
from gateway.app import create_app
from gateway.demo import load_demo
from resolvers.auth import issue_token
from resolvers.context import SYSTEM, Services, unit_of_work

EXAMPLES_PER_FIELD = 10

_JSON_SCALARS = st.one_of(
    st.text(max_size=20).map(nodes.String),
    st.integers().map(nodes.Int),
    st.booleans().map(nodes.Boolean),
)
schemathesis.graphql.scalar("JSON", _JSON_SCALARS)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes().map(lambda moment: nodes.String(moment.isoformat())),
        st.text(max_size=20).map(nodes.String),
    ),
)
START_TIMEOUT = 30.0


class FuzzServer:
    """uvicorn in a thread with its own event loop; the demo loaded, an admin token."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning")
        )
        self.token = ""
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
            self.token = (
                await issue_token(services, client_id="qiita-demo-password-client", account_id=1)
            ).access_token
        self.ready.set()
        await task

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> FuzzServer:
        self.thread.start()
        if not self.ready.wait(START_TIMEOUT) or not self.token:
            raise RuntimeError("the fuzzing server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def fuzz_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzServer]:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copyfile(sqlite_template, folder / "qiita.sqlite")
    fuzz_settings = Settings(
        data_dir=folder / "data",
        database_url=f"sqlite+aiosqlite:///{folder / 'qiita.sqlite'}",
        plugins_dir=folder / "plugins",
        launch_jobs=False,
    )
    with FuzzServer(fuzz_settings) as server:
        yield server


def test_generated_operations_never_fail_on_the_server(fuzz_server: FuzzServer) -> None:
    schema = schemathesis.graphql.from_url(f"{fuzz_server.url}/graphql")
    headers = {"Authorization": f"Bearer {fuzz_server.token}"}
    failures: list[tuple[str, object]] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((str(case.body), response.text))
                return
            for error in response.json().get("errors") or []:
                code = (error.get("extensions") or {}).get("code")
                # Parse and validation errors (no path) carry no code; resolver errors must.
                if code == "INTERNAL_SERVER_ERROR" or (code is None and "path" in error):
                    failures.append((str(case.body), error))

        check()
    assert failures == []
