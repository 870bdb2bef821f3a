"""Route matching of study-api.md §1.2: exact paths, no slash redirects, methods, HEAD."""

from __future__ import annotations

import httpx
import pytest

from tests.builders.callers import Caller


@pytest.fixture
def backend() -> str:
    """Routing does not depend on the database: SQLite only, to keep the suite fast."""
    return "sqlite"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/study/{sid}/",
        "/api/v1/study/{sid}/status/",
        "/api/v1/study/{sid}/associations/",
        "/api/v1/study/{sid}/samples/info/",
        "/api/v1/study/{sid}/sample/x/status/",
        "/api/v1/study/{sid}/sample//status",
        "/api/v1/study/-1/samples",
        "/api/v1/study/1.5/status",
        "/api/v1/studies",
    ],
)
async def test_unrouted_get_is_the_404_page(
    client: httpx.AsyncClient, owner: Caller, study_id: int, path: str
) -> None:
    response = await client.get(path.format(sid=study_id), headers=owner.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/study/{sid}/samples"),
        ("DELETE", "/api/v1/study/{sid}"),
        ("POST", "/api/v1/study/{sid}/status"),
        ("GET", "/api/v1/study/{sid}/samples/status"),
        ("GET", "/api/v1/study/{sid}/preparation"),
        ("PATCH", "/api/v1/study/{sid}/samples/"),
        ("POST", "/api/v1/study/{sid}/samples/categories=a"),
    ],
)
async def test_wrong_method_or_unrouted_non_get_is_an_empty_405(
    client: httpx.AsyncClient, owner: Caller, study_id: int, method: str, path: str
) -> None:
    response = await client.request(method, path.format(sid=study_id), headers=owner.headers)
    assert response.status_code == 405
    assert response.content == b""


async def test_head_answers_like_get_without_a_body(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.head(f"/api/v1/study/{study_id}", headers=owner.headers)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
