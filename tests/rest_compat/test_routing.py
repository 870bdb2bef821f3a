"""Routing rules of plugin-api.md §1.2: order, greedy captures, slashes, 404/405, HEAD."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from db.settings import Settings
from gateway.app import create_app
from tests.builders.accounts import bearer
from tests.builders.world import World


async def test_unrouted_get_is_the_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/qiita_db/no_such_thing/")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404: Not Found" in response.text


async def test_unrouted_head_is_an_empty_404_and_other_methods_405(
    client: httpx.AsyncClient,
) -> None:
    head = await client.head("/qiita_db/no_such_thing/")
    assert (head.status_code, head.content) == (404, b"")
    post = await client.post("/qiita_db/no_such_thing/")
    assert (post.status_code, post.content) == (405, b"")


async def test_trailing_slash_is_significant_and_never_redirected(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/qiita_db/artifacts/types", headers=bearer(world.system_token))
    assert response.status_code == 404
    assert "404: Not Found" in response.text
    response = await client.get(
        f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}",
        headers=bearer(world.system_token),
    )
    assert response.status_code == 404


async def test_greedy_capture_with_a_slash_is_a_404_for_get_and_405_for_post(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/qiita_db/artifacts/1/type/", headers=bearer(world.system_token))
    assert response.status_code == 404
    assert response.json() == {"message": "Artifact not found: 1/type"}
    response = await client.post("/qiita_db/artifacts/1/type/", headers=bearer(world.system_token))
    assert (response.status_code, response.content) == (405, b"")


async def test_wrong_method_is_405_before_authentication(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("POST", "/qiita_db/jobs/8c2cd2f4-5a4d-4b3c-a1c5-4f7d1f2a9b10"),
        ("GET", "/qiita_db/jobs/8c2cd2f4-5a4d-4b3c-a1c5-4f7d1f2a9b10/heartbeat/"),
        ("DELETE", "/qiita_db/artifacts/types/"),
        ("GET", "/cloud/push_file_to_central/"),
    ]:
        response = await client.request(method, path)
        assert (response.status_code, response.content) == (405, b""), (method, path)


async def test_head_is_authenticated_like_get(client: httpx.AsyncClient, world: World) -> None:
    anonymous = await client.head("/qiita_db/artifacts/types/")
    assert anonymous.status_code == 400
    allowed = await client.head("/qiita_db/artifacts/types/", headers=bearer(world.system_token))
    assert allowed.status_code == 200


async def test_head_on_cloud_routes_is_405(client: httpx.AsyncClient, world: World) -> None:
    response = await client.head(
        "/cloud/fetch_file_from_central/tmp/x", headers=bearer(world.system_token)
    )
    assert response.status_code == 405


@pytest.fixture
async def production_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.replace(test_mode=False))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_apitest_routes_exist_only_in_test_mode(
    production_client: httpx.AsyncClient,
) -> None:
    for path in ("/apitest/processing_job/", "/apitest/artifact/", "/apitest/prep_template/"):
        response = await production_client.post(path)
        assert (response.status_code, response.content) == (405, b""), path
