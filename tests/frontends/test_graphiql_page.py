"""The GraphiQL page's sign-in panel: its built-in client, and the welcome examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from graphql import parse, validate

from db.settings import Settings
from resolvers.auth.graphiql_client import GRAPHIQL_CLIENT_ID
from resolvers.context import Services
from schema import build_schema
from tests.builders.accounts import DEFAULT_PASSWORD, bearer, make_user, token_for

START_JS = Path(__file__).resolve().parents[2] / "schema" / "graphiql" / "static" / "start.js"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def welcome_document() -> str:
    """The `defaultQuery` of start.js: the JS string literals of its array, joined."""
    source = START_JS.read_text()
    block = source[source.index("var defaultQuery = [") : source.index('].join("\\n")')]
    literals = re.findall(r'^\s*("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'),$', block, re.M)
    lines = [json.loads(lit) if lit.startswith('"') else lit[1:-1] for lit in literals]
    return "\n".join(lines)


def test_the_welcome_examples_are_valid_operations() -> None:
    document = parse(welcome_document())
    assert validate(build_schema(Settings())._schema, document) == []
    names = [definition.name.value for definition in document.definitions]  # type: ignore[attr-defined]
    assert names == ["StudyWithSamples", "JobSteps", "FollowJob"]


async def test_the_page_names_the_built_in_client_and_the_token_endpoint(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert f'data-client-id="{GRAPHIQL_CLIENT_ID}"' in page.text
    assert 'data-token-endpoint="/qiita_db/authenticate/"' in page.text
    assert "<script>" not in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]


async def test_the_built_in_client_is_back_after_a_test_mode_reset(
    client: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "system")
    assert (await client.post("/apitest/reset/", headers=bearer(token))).status_code == 200
    user = await make_user(services)
    granted = await client.post(
        "/qiita_db/authenticate/",
        data={
            "grant_type": "password",
            "client_id": GRAPHIQL_CLIENT_ID,
            "username": user.email,
            "password": DEFAULT_PASSWORD,
        },
    )
    assert granted.status_code == 200


async def test_the_built_in_client_grants_tokens_for_passwords_only(
    client: httpx.AsyncClient, services: Services
) -> None:
    user = await make_user(services)
    granted = await client.post(
        "/qiita_db/authenticate/",
        data={
            "grant_type": "password",
            "client_id": GRAPHIQL_CLIENT_ID,
            "username": user.email,
            "password": DEFAULT_PASSWORD,
        },
    )
    assert granted.status_code == 200
    assert granted.json()["expires_in"] == 3600
    refused = await client.post(
        "/qiita_db/authenticate/",
        data={"grant_type": "client", "client_id": GRAPHIQL_CLIENT_ID, "client_secret": "x"},
    )
    assert refused.status_code == 400
    assert refused.json()["error_description"] == "Oauth2 error: invalid client information"
