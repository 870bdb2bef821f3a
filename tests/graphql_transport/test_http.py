"""GraphQL over HTTP: GET and POST, media-type negotiation, status codes, GraphiQL page."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from schema.view import GRAPHQL_RESPONSE_JSON, negotiate_media_type

TYPENAME = "query Probe { __typename }"
TYPE_BY_NAME = "query Probe($name: String!) { __type(name: $name) { name kind } }"
NEW_ONLY = {"accept": GRAPHQL_RESPONSE_JSON}


@pytest.fixture
def backend() -> str:
    """The HTTP transport does not depend on the database: SQLite keeps these tests short."""
    return "sqlite"


async def test_get_runs_a_query_with_variables(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": TYPE_BY_NAME, "variables": json.dumps({"name": "Query"})},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] == {"__type": {"name": "Query", "kind": "OBJECT"}}


async def test_post_json_runs_a_query(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPE_BY_NAME, "variables": {"name": "Query"}, "operationName": "Probe"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] == {"__type": {"name": "Query", "kind": "OBJECT"}}


async def test_get_mutation_is_405_with_allow_post(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation Change { __typename }"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"errors": [{"message": "Mutations are accepted only by POST."}]}


async def test_graphql_response_json_is_used_when_the_client_accepts_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME},
        headers={"accept": f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_parse_error_is_400_without_data_in_graphql_response_json(
    client: httpx.AsyncClient, method: str
) -> None:
    query = "query Broken { __typename"
    if method == "GET":
        response = await client.get("/graphql", params={"query": query}, headers=NEW_ONLY)
    else:
        response = await client.post("/graphql", json={"query": query}, headers=NEW_ONLY)
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Syntax Error: Expected Name, found <EOF>.",
            "locations": [{"line": 1, "column": 26}],
        }
    ]


async def test_validation_error_is_400_in_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ noSuchField }"}, headers=NEW_ONLY)
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"] == "Cannot query field 'noSuchField' on type 'Query'."


async def test_variable_error_is_400_in_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": TYPE_BY_NAME, "variables": {"name": 7}}, headers=NEW_ONLY
    )
    assert response.status_code == 400
    assert "data" not in response.json()


async def test_parse_error_stays_200_in_application_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ noSuchField }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Cannot query field 'noSuchField' on type 'Query'."


@pytest.mark.parametrize(
    ("content", "headers", "status", "message"),
    [
        (
            "{not json",
            {"content-type": "application/json"},
            400,
            "Unable to parse request body as JSON",
        ),
        ("{}", {"content-type": "application/json"}, 400, "No GraphQL query found in the request."),
        (
            "{ __typename }",
            {"content-type": "text/plain"},
            415,
            "Send GraphQL requests by POST as application/json.",
        ),
        (
            "query={ __typename }",
            {"content-type": "application/x-www-form-urlencoded"},
            415,
            "Send GraphQL requests by POST as application/json.",
        ),
    ],
    ids=["bad-json", "no-query", "text-plain", "form"],
)
@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE_JSON])
async def test_malformed_requests_are_4xx_with_a_graphql_error_body(
    client: httpx.AsyncClient,
    content: str,
    headers: dict[str, str],
    status: int,
    message: str,
    accept: str,
) -> None:
    response = await client.post("/graphql", content=content, headers={**headers, "accept": accept})
    assert response.status_code == status
    assert response.headers["content-type"] == accept
    assert response.json() == {"errors": [{"message": message}]}


async def test_subscription_over_http_points_to_websocket(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": 'subscription { jobUpdated(jobId: "x") { status } }'},
        headers=NEW_ONLY,
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "Subscriptions are served over WebSocket (graphql-transport-ws)."}]
    }


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, application/json", "application/json"),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        ("text/html", "application/json"),
        (f"{GRAPHQL_RESPONSE_JSON};q=bogus", "application/json"),
    ],
)
def test_negotiate_media_type(accept: str | None, expected: str) -> None:
    assert negotiate_media_type(accept) == expected


async def test_browsers_get_graphiql_with_local_assets_only(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    page = response.text
    assert "http://" not in page
    assert "https://" not in page
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assets = [link for link in links if link != "data:,"]  # the empty favicon
    assert sorted(assets) == [
        "/graphql/static/graphiql-plugin-explorer.css",
        "/graphql/static/graphiql-plugin-explorer.umd.js",
        "/graphql/static/graphiql.min.css",
        "/graphql/static/graphiql.min.js",
        "/graphql/static/page.css",
        "/graphql/static/react-dom.production.min.js",
        "/graphql/static/react.production.min.js",
        "/graphql/static/signin.js",
        "/graphql/static/start.js",
    ]
    for asset in assets:
        served = await client.get(asset)
        assert served.status_code == 200, asset
        expected_type = "text/css" if asset.endswith(".css") else "javascript"
        assert expected_type in served.headers["content-type"]


async def test_graphiql_licences_are_served_with_the_assets(client: httpx.AsyncClient) -> None:
    for name in (
        "LICENSE.graphiql",
        "LICENSE.react",
        "LICENSE.react-dom",
        "LICENSE.graphiql-plugin-explorer",
        "LICENSE.graphiql-explorer",
    ):
        response = await client.get(f"/graphql/static/{name}")
        assert response.status_code == 200
        assert "MIT License" in response.text


@pytest.mark.parametrize(
    ("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE_JSON, 400)]
)
async def test_unknown_operation_name_is_a_request_error(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME, "operationName": "Missing"},
        headers={"accept": accept},
    )
    assert response.status_code == status
    assert response.headers["content-type"] == accept
    body = response.json()
    assert body["errors"] == [{"message": 'Unknown operation named "Missing".'}]
    assert ("data" in body) is (accept == "application/json")


async def test_invalid_token_is_401_in_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME},
        headers={**NEW_ONLY, "authorization": "Bearer not-a-valid-token"},
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [
        {"message": "Oauth2 error: token has timed out", "extensions": {"code": "UNAUTHENTICATED"}}
    ]


async def test_invalid_token_stays_200_in_application_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME},
        headers={"accept": "application/json", "authorization": "Bearer not-a-valid-token"},
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_head_answers_like_get(client: httpx.AsyncClient) -> None:
    page = await client.head("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    query = await client.head("/graphql", params={"query": TYPENAME}, headers=NEW_ONLY)
    assert query.status_code == 200
    assert query.headers["content-type"] == GRAPHQL_RESPONSE_JSON
