"""`POST /qiita_db/authenticate/`: every row of plugin-api.md §2.4, with exact bodies."""

from __future__ import annotations

import base64

import httpx
import pytest
from sqlalchemy import select

from db.models import Account, OAuthToken
from db.settings import SettingsError, load_settings
from resolvers.auth.credentials import hash_token
from resolvers.context import Services
from tests.builders.accounts import (
    DEFAULT_PASSWORD,
    ClientCredentials,
    make_password_client,
    make_plugin_client,
    make_system_client,
    make_user,
)

URL = "/qiita_db/authenticate/"
JSON = "application/json; charset=UTF-8"

INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"


def basic_header(value: str) -> dict[str, str]:
    return {"Authorization": f"Basic {base64.urlsafe_b64encode(value.encode()).decode()}"}


def assert_oauth_error(response: httpx.Response, error: str, description: str) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == {"error": error, "error_description": description}


async def stored_token(services: Services, token: str) -> OAuthToken | None:
    async with services.sessions() as session:
        return await session.get(OAuthToken, hash_token(token))


async def assert_token(services: Services, response: httpx.Response, grant: str) -> OAuthToken:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in"]
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    token = body["access_token"]
    assert len(token) == 55
    assert token.isascii()
    assert token.isalnum()
    row = await stored_token(services, token)
    assert row is not None
    assert row.grant_type == grant
    return row


@pytest.fixture
async def plugin(services: Services) -> ClientCredentials:
    return await make_plugin_client(services)


@pytest.fixture
async def password_client(services: Services) -> ClientCredentials:
    return await make_password_client(services)


@pytest.fixture
async def user(services: Services) -> Account:
    return await make_user(services, email="Someone@Example.org")


def client_form(credentials: ClientCredentials, grant_type: str = "client") -> dict[str, str]:
    assert credentials.client_secret is not None
    return {
        "grant_type": grant_type,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    }


def password_form(client: ClientCredentials, **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "password",
        "client_id": client.client_id,
        "username": "someone@example.org",
        "password": DEFAULT_PASSWORD,
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value != "<absent>"}


# --- client grant, form fields (what qiita_client sends) ---------------------------------


@pytest.mark.parametrize("grant_type", ["client", "client_credentials"])
async def test_client_grant_with_form_fields_issues_a_token(
    client: httpx.AsyncClient, services: Services, plugin: ClientCredentials, grant_type: str
) -> None:
    response = await client.post(URL, data=client_form(plugin, grant_type))
    row = await assert_token(services, response, "client")
    assert row.client_id == plugin.client_id
    assert row.account_id is None


async def test_client_not_linked_to_a_plugin_gets_a_token(
    client: httpx.AsyncClient, services: Services
) -> None:
    system = await make_system_client(services)
    response = await client.post(URL, data=client_form(system))
    await assert_token(services, response, "client")


async def test_every_request_issues_a_new_token_and_old_ones_stay_valid(
    client: httpx.AsyncClient, services: Services, plugin: ClientCredentials
) -> None:
    first = (await client.post(URL, data=client_form(plugin))).json()["access_token"]
    second = (await client.post(URL, data=client_form(plugin))).json()["access_token"]
    assert first != second
    assert await stored_token(services, first) is not None
    assert await stored_token(services, second) is not None


async def test_token_is_stored_only_as_its_hash(
    client: httpx.AsyncClient, services: Services, plugin: ClientCredentials
) -> None:
    token = (await client.post(URL, data=client_form(plugin))).json()["access_token"]
    async with services.sessions() as session:
        hashes = (await session.execute(select(OAuthToken.token_hash))).scalars().all()
    assert hash_token(token) in hashes
    assert token not in hashes


async def test_client_grant_without_client_information(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    for missing in ("client_id", "client_secret"):
        absent = {k: v for k, v in client_form(plugin).items() if k != missing}
        for form in (absent, client_form(plugin) | {missing: ""}):
            response = await client.post(URL, data=form)
            assert_oauth_error(
                response, INVALID_REQUEST, "Oauth2 error: missing client information"
            )


async def test_client_grant_with_wrong_secret(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    form = client_form(plugin) | {"client_secret": "x" * 255}
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_client_grant_with_unknown_client(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    form = client_form(plugin) | {"client_id": "nobody"}
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_client_grant_for_a_password_client_is_refused(
    client: httpx.AsyncClient, password_client: ClientCredentials
) -> None:
    form = {"grant_type": "client", "client_id": password_client.client_id, "client_secret": "s"}
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_form_fields_in_the_query_string_count_too(
    client: httpx.AsyncClient, services: Services, plugin: ClientCredentials
) -> None:
    response = await client.post(URL, params=client_form(plugin))
    await assert_token(services, response, "client")


# --- client grant, HTTP Basic header -----------------------------------------------------


@pytest.mark.parametrize("grant_type", ["client", "client_credentials"])
async def test_basic_header_issues_a_token(
    client: httpx.AsyncClient, services: Services, plugin: ClientCredentials, grant_type: str
) -> None:
    headers = basic_header(f"{plugin.client_id}:{plugin.client_secret}")
    response = await client.post(URL, data={"grant_type": grant_type}, headers=headers)
    row = await assert_token(services, response, "client")
    assert row.client_id == plugin.client_id


async def test_authorization_header_that_is_not_basic(client: httpx.AsyncClient) -> None:
    for header in ("Basic", "Bearer abc", "basic YTpi", "Basic YTpi extra", "Digest YTpi", ""):
        response = await client.post(
            URL, data={"grant_type": "client"}, headers={"Authorization": header}
        )
        assert_oauth_error(response, INVALID_REQUEST, "Oauth2 error: invalid token type")


async def test_basic_header_needs_the_client_grant(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    headers = basic_header(f"{plugin.client_id}:{plugin.client_secret}")
    for form in ({}, {"grant_type": "password"}, {"grant_type": "other"}):
        response = await client.post(URL, data=form, headers=headers)
        assert_oauth_error(response, INVALID_REQUEST, "Oauth2 error: invalid grant_type")


UNDECODABLE_BASIC = [
    "not-base64!",  # bad padding
    base64.urlsafe_b64encode(b"no-colon").decode(),
    base64.urlsafe_b64encode(b"a:b:c").decode(),
    base64.urlsafe_b64encode("é:x".encode()).decode(),  # not ASCII
]


async def test_basic_header_that_does_not_decode_to_id_and_secret(
    client: httpx.AsyncClient,
) -> None:
    for encoded in UNDECODABLE_BASIC:
        response = await client.post(
            URL, data={"grant_type": "client"}, headers={"Authorization": f"Basic {encoded}"}
        )
        assert_oauth_error(response, INVALID_REQUEST, "Oauth2 error: invalid base64 encoded info")


async def test_basic_header_with_empty_secret(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    headers = basic_header(f"{plugin.client_id}:")
    response = await client.post(URL, data={"grant_type": "client"}, headers=headers)
    assert_oauth_error(response, INVALID_REQUEST, "Oauth2 error: missing client information")


async def test_basic_header_with_wrong_secret(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    headers = basic_header(f"{plugin.client_id}:wrong")
    response = await client.post(URL, data={"grant_type": "client"}, headers=headers)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_basic_header_wins_over_form_credentials(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    headers = basic_header(f"{plugin.client_id}:wrong")
    response = await client.post(URL, data=client_form(plugin), headers=headers)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


# --- password grant ----------------------------------------------------------------------


async def test_password_grant_issues_a_token_for_the_user(
    client: httpx.AsyncClient,
    services: Services,
    password_client: ClientCredentials,
    user: Account,
) -> None:
    response = await client.post(URL, data=password_form(password_client))
    row = await assert_token(services, response, "password")
    assert row.account_id == user.id
    assert row.client_id == password_client.client_id


async def test_password_grant_matches_the_email_in_any_case(
    client: httpx.AsyncClient,
    services: Services,
    password_client: ClientCredentials,
    user: Account,
) -> None:
    form = password_form(password_client, username="SOMEONE@example.ORG")
    row = await assert_token(services, await client.post(URL, data=form), "password")
    assert row.account_id == user.id


async def test_password_grant_without_user_information(
    client: httpx.AsyncClient, password_client: ClientCredentials, user: Account
) -> None:
    for missing in ("username", "password", "client_id"):
        for how in ("<absent>", ""):
            form = password_form(password_client, **{missing: how})
            response = await client.post(URL, data=form)
            assert_oauth_error(response, INVALID_REQUEST, "Oauth2 error: missing user information")


async def test_password_grant_with_bad_user_information(
    client: httpx.AsyncClient, password_client: ClientCredentials, user: Account
) -> None:
    for username, password in [
        ("nobody@example.org", DEFAULT_PASSWORD),
        ("someone@example.org", "wrong-password"),
        ("not an e-mail", DEFAULT_PASSWORD),
        ("someone@example.org", "short"),  # fails the password policy
    ]:
        form = password_form(password_client, username=username, password=password)
        response = await client.post(URL, data=form)
        assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid user information")


async def test_unverified_user_gets_no_token(
    client: httpx.AsyncClient, services: Services, password_client: ClientCredentials
) -> None:
    await make_user(services, email="new@example.org", level="unverified")
    form = password_form(password_client, username="new@example.org")
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid user information")


async def test_password_grant_through_a_client_with_a_secret_is_refused(
    client: httpx.AsyncClient, plugin: ClientCredentials, user: Account
) -> None:
    response = await client.post(URL, data=password_form(plugin))
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_password_grant_through_an_unknown_client_is_refused(
    client: httpx.AsyncClient, password_client: ClientCredentials, user: Account
) -> None:
    form = password_form(password_client, client_id="unknown-client")
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid client information")


async def test_user_check_comes_before_client_check(
    client: httpx.AsyncClient, plugin: ClientCredentials, user: Account
) -> None:
    form = password_form(plugin, password="wrong-password")
    response = await client.post(URL, data=form)
    assert_oauth_error(response, INVALID_CLIENT, "Oauth2 error: invalid user information")


# --- grant type and routing --------------------------------------------------------------


async def test_missing_or_unknown_grant_type(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    credentials = {"client_id": plugin.client_id, "client_secret": plugin.client_secret or ""}
    for form in ({}, {"grant_type": ""}, {"grant_type": "authorization_code"}):
        response = await client.post(URL, data=credentials | form)
        assert_oauth_error(response, "unsupported_grant_type", "Oauth2 error: invalid grant_type")


async def test_get_is_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 405
    assert response.content == b""


async def test_path_without_trailing_slash_is_not_routed(
    client: httpx.AsyncClient, plugin: ClientCredentials
) -> None:
    response = await client.post(URL.rstrip("/"), data=client_form(plugin))
    assert response.status_code == 405
    assert response.content == b""


def test_token_lifetime_must_be_at_least_a_second() -> None:
    with pytest.raises(SettingsError, match="QIITA_TOKEN_TTL=0"):
        load_settings({"QIITA_TOKEN_TTL": "0"})
