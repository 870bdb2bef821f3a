"""The same bearer token on `/graphql`: anonymous reads public data, a token adds what the
caller may see, a bad token is an UNAUTHENTICATED error (never a silent downgrade)."""

from __future__ import annotations

from typing import Any

import httpx

from resolvers.context import Services
from tests.builders.accounts import bearer, make_user, token_for
from tests.builders.studies import make_study

STUDY = "query Study($id: Int!) { study(studyId: $id) { studyId } }"


async def run(
    client: httpx.AsyncClient, study_id: int, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": STUDY, "variables": {"id": study_id}}, headers=headers or {}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_anonymous_reads_public_but_not_private_studies(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner = await make_user(services)
    public = await make_study(services, owner, public=True)
    private = await make_study(services, owner)
    assert (await run(client, public))["data"] == {"study": {"studyId": public}}
    body = await run(client, private)
    assert body["data"] == {"study": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_owner_token_reads_the_private_study(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner = await make_user(services)
    private = await make_study(services, owner)
    token = await token_for(services, "user", account=owner)
    body = await run(client, private, bearer(token))
    assert body == {"data": {"study": {"studyId": private}}}


async def test_unknown_token_is_unauthenticated(
    client: httpx.AsyncClient, services: Services
) -> None:
    public = await make_study(services, await make_user(services), public=True)
    body = await run(client, public, bearer("not-a-token"))
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("Oauth2 error: token has timed out", "UNAUTHENTICATED")
    ]


async def test_malformed_authorization_header_is_unauthenticated(
    client: httpx.AsyncClient, services: Services
) -> None:
    public = await make_study(services, await make_user(services), public=True)
    token = await token_for(services, "system")
    body = await run(client, public, {"Authorization": f"Basic {token}"})
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("Oauth2 error: invalid access token", "UNAUTHENTICATED")
    ]


async def test_graphql_get_with_bearer_header(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner = await make_user(services)
    private = await make_study(services, owner)
    token = await token_for(services, "user", account=owner)
    response = await client.get(
        "/graphql",
        params={"query": STUDY, "variables": f'{{"id": {private}}}'},
        headers=bearer(token) | {"Accept": "application/json"},
    )
    assert response.json() == {"data": {"study": {"studyId": private}}}
