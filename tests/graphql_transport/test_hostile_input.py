"""Hostile GraphQL requests are 4xx or GraphQL errors with a code, never a 500."""

from __future__ import annotations

import base64

import httpx
import pytest

from resolvers.context import Services
from tests.builders.accounts import bearer, make_user, token_for

JSON_HEADERS = {"content-type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ __typename \xff }"}',
        b'{"query": "{ __typename }", "variables": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"query": "{ __typename }", "variables": {"v": ' + b'{"a":' * 999 + b"1" + b"}" * 1000,
        b"[" * 5000 + b"]" * 5000,
    ],
    ids=["invalid-utf8", "deep-list", "deep-object", "very-deep"],
)
async def test_undecodable_bodies_are_400_with_a_message(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post("/graphql", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


async def test_deep_variables_by_get_are_400(client: httpx.AsyncClient) -> None:
    variables = "[" * 1000 + "]" * 1000
    response = await client.get(
        "/graphql", params={"query": "{ __typename }", "variables": variables}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def node_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "raw",
    ["Study:99999999999999999999999", "User:99999999999999999999999", "Study:9223372036854775808",
     "Study:\u00b2", "Artifact:-1"],
)  # fmt: skip
async def test_out_of_range_node_ids_are_not_found(
    client: httpx.AsyncClient, services: Services, raw: str
) -> None:
    account = await make_user(services, level="admin")
    headers = bearer(await token_for(services, "user", account=account))
    response = await client.post(
        "/graphql",
        json={
            "query": "query($id: ID!) { node(id: $id) { id } }",
            "variables": {"id": node_id(raw)},
        },
        headers=headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"node": None}
    for error in body.get("errors", []):
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR"


@pytest.mark.parametrize("raw", ["9" * 30, node_id("Command:" + "9" * 30), "\u00b2"])
async def test_out_of_range_ids_in_arguments_are_not_found_errors(
    client: httpx.AsyncClient, raw: str
) -> None:
    query = "query($id: ID!) { command(commandId: $id) { name } }"
    response = await client.post("/graphql", json={"query": query, "variables": {"id": raw}})
    body = response.json()
    assert response.status_code == 200, body
    assert body["data"] == {"command": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]
