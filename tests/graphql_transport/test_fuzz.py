"""Generated GraphQL operations (schemathesis over the live schema) never answer a 5xx.

Every root query and mutation field is sent a bounded number of generated documents, as
the demo admin, against a real uvicorn on 127.0.0.1 serving a copy of the demo data on
SQLite. Errors are fine; a resolver error without a code, an INTERNAL_SERVER_ERROR or a 5xx
is not.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from db.settings import Settings
from tests.fuzz_server import FuzzServer

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
    headers = {"Authorization": f"Bearer {fuzz_server.admin_token}"}
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
