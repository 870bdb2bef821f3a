"""/metrics, /readyz and request ids, through the ASGI app."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.settings import Settings
from gateway.app import create_app
from gateway.logs import JsonFormatter, RequestIdFilter
from gateway.metrics import RequestMetrics
from gateway.request_tracking import TrackedStarlette
from resolvers.context import Services
from tests.builders.accounts import make_software, make_user
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command


def sample(metrics: str, metric: str, **labels: str) -> float | None:
    """The value of one sample of the exposition text, None when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(f"{metric}{{{wanted}}}" if labels else metric) + r" (\S+)$"
    for line in metrics.splitlines():
        found = re.match(pattern, line)
        if found:
            return float(found.group(1))
    return None


async def test_metrics_count_requests_by_route_template_and_jobs_by_status(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner = await make_user(services)
    command_id = await make_command(services, await make_software(services))
    for status in ("queued", "running", "running", "success"):
        await make_job(services, command_id, owner, status=status)

    for job in ("00000000-0000-0000-0000-000000000001", "not-a-job", "x/y/z"):
        await client.get(f"/qiita_db/jobs/{job}/")
    before = (await client.get("/metrics")).text
    await client.post("/graphql", json={"query": "query Listing { studies { totalCount } }"})
    await client.post("/graphql", json={"query": "{ studies { totalCount } }"})
    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    metrics = response.text
    job_route = {"method": "GET", "route": "/qiita_db/jobs/{job_id:path}"}
    assert (
        sum(
            sample(metrics, "qiita_http_requests_total", **job_route, status=status) or 0
            for status in ("400", "401", "404")
        )
        == 3
    )
    assert "not-a-job" not in metrics
    assert "x/y/z" not in metrics
    assert sample(metrics, "qiita_http_request_duration_seconds_count", **job_route) == 3
    metrics_route = {"method": "GET", "route": "/metrics", "status": "200"}
    assert sample(before, "qiita_http_requests_total", **metrics_route) is None
    assert sample(metrics, "qiita_http_requests_total", **metrics_route) == 1
    graphql = {"method": "POST", "route": "/graphql", "status": "200"}
    assert sample(metrics, "qiita_http_requests_total", **graphql) == 2
    assert sample(metrics, "qiita_graphql_operations_total", type="query", name="Listing") == 1
    assert sample(metrics, "qiita_graphql_operations_total", type="query", name="anonymous") == 1
    assert sample(metrics, "qiita_jobs", status="running") == 2
    assert sample(metrics, "qiita_jobs", status="queued") == 1
    assert sample(metrics, "qiita_jobs", status="success") == 1
    assert sample(metrics, "qiita_jobs", status="error") == 0
    assert sample(metrics, "qiita_launcher_dispatching") == 0
    assert sample(metrics, "qiita_launcher_running", launcher="local") == 0
    assert sample(metrics, "qiita_db_pool_size") is not None
    assert sample(metrics, "qiita_db_pool_checked_out") is not None


async def test_unmatched_paths_share_one_label(client: httpx.AsyncClient) -> None:
    for path in ("/nothing/here", "/nor/here/either"):
        assert (await client.get(path)).status_code == 404
    metrics = (await client.get("/metrics")).text
    assert (
        sample(metrics, "qiita_http_requests_total", method="GET", route="unmatched", status="404")
        == 2
    )
    assert "/nothing/here" not in metrics


async def test_readyz_is_200_on_a_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_503_naming_migrations_when_the_database_is_behind(
    client: httpx.AsyncClient, services: Services
) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(text("UPDATE alembic_version SET version_num = '0001'"))

    response = await client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == "migrations"
    assert body["database_revision"] == "0001"
    assert "qiita-gateway db upgrade" in body["message"]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """JSON log lines of every logger, as QIITA_LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


@pytest.fixture
async def unreachable_client(tmp_path: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose PostgreSQL does not answer (nothing listens on port 1)."""
    settings = Settings(
        data_dir=tmp_path / "data",  # type: ignore[operator]
        database_url="postgresql://postgres@127.0.0.1:1/none",
        launch_jobs=False,
    )
    app: Starlette = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_readyz_is_503_naming_the_database_when_it_is_unreachable(
    unreachable_client: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    response = await unreachable_client.get("/readyz", headers={"X-Request-ID": "probe-7"})

    assert response.status_code == 503
    assert response.json()["failed"] == "database"
    assert response.headers["x-request-id"] == "probe-7"
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    warning = next(line for line in lines if line["logger"] == "gateway.readiness")
    assert warning["request_id"] == "probe-7"
    assert warning["level"] == "WARNING"
    assert {"time", "message"} <= set(warning)


async def test_request_id_is_echoed_when_sane_and_generated_otherwise(
    client: httpx.AsyncClient,
) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123_x.y"})
    generated = await client.get("/healthz")
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    not_found = await client.get("/no/such/route")

    assert echoed.headers["x-request-id"] == "abc-123_x.y"
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])
    assert not_found.headers["x-request-id"]
    assert generated.headers["x-request-id"] != not_found.headers["x-request-id"]


def test_json_formatter_writes_the_exception_text() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "failed %s", ("x",), exc_info=sys.exc_info()
        )
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed x"
    assert line["request_id"] is None
    assert "ValueError: broken" in line["exception"]


async def test_metrics_still_answer_when_the_database_does_not(
    unreachable_client: httpx.AsyncClient,
) -> None:
    response = await unreachable_client.get("/metrics")
    assert response.status_code == 200
    assert sample(response.text, "qiita_database_up") == 0
    assert "qiita_jobs{" not in response.text


async def test_an_unexpected_error_is_a_500_with_a_request_id_and_counted() -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("unexpected")

    app = TrackedStarlette(routes=[Route("/broken/{part}", broken)])
    app.request_metrics = RequestMetrics()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/broken/1", headers={"X-Request-ID": "failing-1"})

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "failing-1"
    assert app.request_metrics.requests == {("GET", "/broken/{part}", "500"): 1}
