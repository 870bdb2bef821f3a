"""The OpenAPI document matches the route table, validates, and /docs serves it offline."""

from __future__ import annotations

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from db.settings import Settings
from rest_compat.api_docs import CONTENT_SECURITY_POLICY
from rest_compat.openapi import UndocumentedRoute, openapi_document, openapi_path, route_operations
from rest_compat.route_docs import ROUTE_DOCS
from rest_compat.routes import build_routes
from tests.frontends.client_for import ClientFor


@pytest.fixture
def backend() -> str:
    """The document does not depend on the database."""
    return "sqlite"


def documented(document: dict[str, object]) -> set[tuple[str, str]]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {(method.upper(), path) for path, item in paths.items() for method in item}


def table(test_mode: bool) -> set[tuple[str, str]]:
    routes = build_routes(Settings(test_mode=test_mode))
    return {(method, openapi_path(path)) for method, path in route_operations(routes)}


async def test_the_document_names_exactly_the_routes_of_the_table(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert documented(document) == table(test_mode=True)
    assert ("POST", "/apitest/reset/") in documented(document)
    assert ("GET", "/api/v1/study/{study_id}/samples/categories={categories}") in documented(
        document
    )
    validate(document)


async def test_without_test_mode_apitest_routes_are_not_documented(
    client_for: ClientFor,
) -> None:
    async with client_for(test_mode=False) as http:
        document = (await http.get("/openapi.json")).json()
    assert documented(document) == table(test_mode=False)
    assert not any(path.startswith("/apitest/") for _, path in documented(document))
    validate(document)


def test_every_description_belongs_to_a_route() -> None:
    routes = build_routes(Settings(test_mode=True))
    assert set(ROUTE_DOCS) == set(route_operations(routes))


def test_a_route_without_a_description_stops_the_generator() -> None:
    async def endpoint(request: object) -> None: ...

    routes = [*build_routes(Settings()), Route("/qiita_db/new/", endpoint, methods=["GET"])]
    with pytest.raises(UndocumentedRoute, match="GET /qiita_db/new/"):
        openapi_document(routes, "1")


def test_operations_carry_parameters_bodies_and_error_statuses() -> None:
    document = openapi_document(build_routes(Settings(test_mode=True)), "1")
    validate(document)
    sample = document["paths"]["/api/v1/study/{study_id}/sample/{sample}/status"]["get"]
    assert [(p["name"], p["schema"]) for p in sample["parameters"]] == [
        ("study_id", {"type": "integer", "minimum": 0}),
        ("sample", {"type": "string", "pattern": "^[A-Za-z0-9.-]+$"}),
    ]
    create = document["paths"]["/api/v1/study"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"][0] == "title"
    assert set(create["responses"]) == {"201", "400", "403", "409"}
    heartbeat = document["paths"]["/qiita_db/jobs/{job_id}/heartbeat/"]["post"]
    oauth = heartbeat["responses"]["400"]["content"]["application/json"]["schema"]
    assert oauth["required"] == ["error", "error_description"]
    assert "content" not in heartbeat["responses"]["200"]
    token = document["paths"]["/qiita_db/authenticate/"]["post"]
    assert token["security"] == []


async def test_docs_page_is_served_with_a_strict_policy(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "<script>" not in page.text
    assert 'src="/docs/static/swagger-ui-bundle.js"' in page.text
    assert 'data-spec="/openapi.json"' in page.text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "docs.js", "LICENSE.swagger-ui"):
        asset = await client.get(f"/docs/static/{name}")
        assert asset.status_code == 200, name


def test_answers_the_fuzzing_found_undocumented_are_documented() -> None:
    """JSON study-API replies are application/json, the 403/400 the routes send are listed,
    and `path` captures exclude the line feed no route matches."""
    document = openapi_document(build_routes(Settings(test_mode=True)), "test")
    paths = document["paths"]
    samples = "/api/v1/study/{study_id}/samples"
    for path, method in [
        (samples, "get"),
        (samples + "/info", "get"),
        (samples + "/status", "post"),
        ("/api/v1/study/{study_id}/sample/{sample}/status", "get"),
        (samples + "/categories={categories}", "get"),
    ]:
        assert list(paths[path][method]["responses"]["200"]["content"]) == ["application/json"]
    people = paths["/api/v1/person{anything}"]["get"]["responses"]["200"]["content"]
    assert people["application/json"]["schema"]["oneOf"][0]["type"] == "array"
    assert "403" in paths["/qiita_db/studies/{visibility}"]["get"]["responses"]
    assert "400" in paths["/qiita_db/prep_template/{prep_id}/data/"]["get"]["responses"]
    job = paths["/qiita_db/jobs/{job_id}"]["get"]["parameters"][0]
    assert job["schema"] == {"type": "string", "pattern": "^[^\\n]*$"}
