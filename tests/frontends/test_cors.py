"""CORS: off by default, on for the configured origins; credentials never with `*`."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from db.settings import Settings, load_settings
from gateway.app import create_app
from tests.builders.accounts import token_for
from tests.frontends.client_for import ClientFor
from tests.graphql_transport.live_server import serve
from tests.graphql_transport.ws import PROTOCOL, bearer_payload, receive

FRONTEND = "https://frontend.example.org"
PREFLIGHT = {
    "origin": FRONTEND,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


@pytest.fixture
def backend() -> str:
    return "sqlite"


async def test_without_origins_no_cors_headers_are_sent(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/graphql", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": FRONTEND}
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_preflight_from_a_configured_origin_is_allowed(client_for: ClientFor) -> None:
    async with client_for(cors_origins=f"{FRONTEND}, https://other.example.org") as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == FRONTEND
        assert preflight.headers["access-control-allow-credentials"] == "true"
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed
        assert "content-type" in allowed
        response = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": FRONTEND}
        )
        assert response.json() == {"data": {"__typename": "Query"}}
        assert response.headers["access-control-allow-origin"] == FRONTEND
        rest = await http.get("/qiita_db/users/", headers={"origin": FRONTEND})
        assert rest.headers["access-control-allow-origin"] == FRONTEND


async def test_preflight_from_another_origin_is_refused(client_for: ClientFor) -> None:
    async with client_for(cors_origins=FRONTEND) as http:
        preflight = await http.options(
            "/graphql", headers={**PREFLIGHT, "origin": "https://evil.example.net"}
        )
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers
        response = await http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": "https://evil.example.net"},
        )
        assert "access-control-allow-origin" not in response.headers


async def test_a_wildcard_allows_every_origin_without_credentials(client_for: ClientFor) -> None:
    async with client_for(cors_origins="*") as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in preflight.headers


def test_origins_are_read_from_the_environment() -> None:
    settings = load_settings(
        {"QIITA_CORS_ORIGINS": " https://a.example.org/ ,https://b.example.org"}
    )
    assert settings.cors_origin_list == ("https://a.example.org", "https://b.example.org")


async def test_pages_of_a_configured_origin_may_open_subscription_sockets(
    settings: Settings,
) -> None:
    async with serve(create_app(settings.replace(cors_origins=FRONTEND))) as live:
        token = await token_for(live.services, "user")
        async with connect(
            live.ws_url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            origin=FRONTEND,  # type: ignore[arg-type]
            open_timeout=10,
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": bearer_payload(token)}))
            assert await receive(ws) == {"type": "connection_ack"}
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                live.ws_url,
                subprotocols=[PROTOCOL],  # type: ignore[list-item]
                origin="https://evil.example.net",  # type: ignore[arg-type]
                open_timeout=10,
            ):
                pass
        assert refused.value.response.status_code == 403
