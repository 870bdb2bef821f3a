"""The token endpoint's grant logic, built on Authlib's RFC 6749 / RFC 6750 classes.

Authlib's server is synchronous and framework-neutral; our storage is async. So the
caller (`resolvers.auth.tokens.request_token`) first loads, asynchronously, everything a
request can need (the named clients, and the user whose password it verified), and
`TokenServer` then runs Authlib's grant flow over that in-memory material. It does no
IO; a successful run returns the token to store, a failure raises `OAuthFailure`
carrying the contract's exact error and description (plugin-api.md §2.4).

Grants:

    QiitaClientGrant        grant_type=client (Qiita's name for client credentials)
    ClientCredentialsGrant  grant_type=client_credentials, the RFC 6749 name, an alias
    PasswordGrant           grant_type=password, for clients without a secret
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Request,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.grants import (
    ClientCredentialsGrant as RFCClientCredentialsGrant,
)
from authlib.oauth2.rfc6749.grants import (
    ResourceOwnerPasswordCredentialsGrant,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator

from resolvers.auth.credentials import new_token, verify_client_secret
from resolvers.auth.oauth_errors import (
    INVALID_BASE64,
    INVALID_CLIENT_INFORMATION,
    INVALID_GRANT_TYPE,
    INVALID_TOKEN_TYPE,
    INVALID_USER_INFORMATION,
    MISSING_CLIENT_INFORMATION,
    MISSING_USER_INFORMATION,
    OAuthFailure,
)

CLIENT_GRANT_TYPES = ("client", "client_credentials")
PASSWORD_GRANT_TYPE = "password"

BASIC_AUTH = "qiita_basic"
FORM_AUTH = "qiita_form"
PASSWORD_CLIENT_AUTH = "qiita_password_client"


@dataclass(frozen=True)
class TokenRequest:
    """A token request as a surface read it: form fields (last value of a name wins,
    already cleaned), the raw `Authorization` header, if any, and the client's address."""

    form: Mapping[str, str]
    authorization: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class KnownClient(ClientMixin):  # type: ignore[misc]
    """A row of `oauth_client`. No secret hash: a password-grant client."""

    client_id: str
    secret_hash: str | None = field(repr=False)
    software_id: int | None

    @property
    def is_password_client(self) -> bool:
        return self.secret_hash is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_allowed_scope(self, scope: str | None) -> str:
        return ""  # tokens carry no scope (plugin-api.md §2.2)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_hash is not None and verify_client_secret(
            client_secret, self.secret_hash
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint != "token":
            return False
        return (method == PASSWORD_CLIENT_AUTH) == self.is_password_client

    def check_grant_type(self, grant_type: str) -> bool:
        return (grant_type == PASSWORD_GRANT_TYPE) == self.is_password_client


@dataclass(frozen=True)
class KnownUser:
    """An account whose e-mail and password the caller has verified."""

    account_id: int
    email: str
    level: str


@dataclass(frozen=True)
class Credentials:
    """What a token request may refer to, loaded before the grant runs."""

    clients: Mapping[str, KnownClient]
    user: KnownUser | None = None
    """Set only when the request's username and password matched a verified account."""


@dataclass(frozen=True)
class GrantedToken:
    access_token: str = field(repr=False)
    expires_in: int
    client: KnownClient
    user: KnownUser | None
    grant_type: str
    """What is stored: `client` (also for `client_credentials`) or `password`."""


def basic_credentials(header: str) -> tuple[str, str]:
    """Client id and secret of a `Basic` header (plugin-api.md §2.4 a)."""
    words = header.split()
    if len(words) != 2 or words[0] != "Basic":
        raise InvalidRequestError(INVALID_TOKEN_TYPE)
    try:
        parts = base64.urlsafe_b64decode(words[1]).decode("ascii").split(":")
    except (binascii.Error, ValueError):
        raise InvalidRequestError(INVALID_BASE64) from None
    if len(parts) != 2:
        raise InvalidRequestError(INVALID_BASE64)
    return parts[0], parts[1]


def basic_client_id(header: str | None) -> str | None:
    """The client id a `Basic` header names, or None when it names none."""
    if header is None:
        return None
    try:
        return basic_credentials(header)[0]
    except OAuth2Error:
        return None


class TokenEndpointRequest(OAuth2Request):  # type: ignore[misc]
    """Authlib's request object over an already-read `TokenRequest`."""

    def __init__(self, request: TokenRequest) -> None:
        headers = {} if request.authorization is None else {"Authorization": request.authorization}
        # The transport is the deployment's business (TLS may end at a proxy).
        super().__init__("POST", "https://localhost/qiita_db/authenticate/", headers=headers)
        self.payload = BasicOAuth2Payload(dict(request.form))

    @property
    def form(self) -> Mapping[str, str]:
        return self.payload.data  # type: ignore[no-any-return]

    @property
    def args(self) -> Mapping[str, str]:
        return {}


def _require_client(
    query_client: Callable[[str], KnownClient | None], client_id: str | None, secret: str | None
) -> KnownClient:
    if not client_id or not secret:
        raise InvalidRequestError(MISSING_CLIENT_INFORMATION)
    client = query_client(client_id)
    if client is None or not client.check_client_secret(secret):
        raise InvalidClientError(description=INVALID_CLIENT_INFORMATION)
    return client


def authenticate_basic(
    query_client: Callable[[str], KnownClient | None], request: TokenEndpointRequest
) -> KnownClient | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    client_id, secret = basic_credentials(header)
    return _require_client(query_client, client_id, secret)


def authenticate_form(
    query_client: Callable[[str], KnownClient | None], request: TokenEndpointRequest
) -> KnownClient:
    return _require_client(
        query_client, request.form.get("client_id"), request.form.get("client_secret")
    )


def authenticate_password_client(
    query_client: Callable[[str], KnownClient | None], request: TokenEndpointRequest
) -> KnownClient:
    client = query_client(request.form.get("client_id", ""))
    if client is None or not client.is_password_client:
        raise InvalidClientError(description=INVALID_CLIENT_INFORMATION)
    return client


class QiitaClientGrant(RFCClientCredentialsGrant):  # type: ignore[misc]
    """Client credentials under Qiita's name `client`: a Basic header or form fields."""

    GRANT_TYPE = "client"
    TOKEN_ENDPOINT_AUTH_METHODS = [BASIC_AUTH, FORM_AUTH]

    def validate_token_request(self) -> None:
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise InvalidClientError(description=INVALID_CLIENT_INFORMATION)
        self.request.client = client

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        # Authlib's own version logs the token at DEBUG; tokens never reach a log here.
        token = self.generate_token(include_refresh_token=False)
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class ClientCredentialsGrant(QiitaClientGrant):
    GRANT_TYPE = "client_credentials"


class PasswordGrant(ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    """A user's e-mail and password, through a client that has no secret."""

    TOKEN_ENDPOINT_AUTH_METHODS = [PASSWORD_CLIENT_AUTH]

    def validate_token_request(self) -> None:
        form = self.request.form
        username, password = form.get("username"), form.get("password")
        if not username or not password or not form.get("client_id"):
            raise InvalidRequestError(MISSING_USER_INFORMATION)
        user = self.authenticate_user(username, password)
        if user is None:
            raise InvalidClientError(description=INVALID_USER_INFORMATION)
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise InvalidClientError(description=INVALID_CLIENT_INFORMATION)
        self.request.client = client
        self.request.user = user

    def authenticate_user(self, username: str, password: str) -> KnownUser | None:
        server: TokenServer = self.server
        return server.credentials.user

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        token = self.generate_token(user=self.request.user, include_refresh_token=False)
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class _UnsupportedGrantType(UnsupportedGrantTypeError):  # type: ignore[misc]
    def get_error_description(self) -> str:
        return INVALID_GRANT_TYPE


class TokenServer(AuthorizationServer):  # type: ignore[misc]
    """One token request over preloaded `Credentials`; `grant` returns or raises."""

    def __init__(self, credentials: Credentials, token_ttl: int) -> None:
        super().__init__()
        self.credentials = credentials
        self.token_ttl = token_ttl
        self.granted: list[GrantedToken] = []
        self.register_grant(QiitaClientGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(PasswordGrant)
        self.register_client_auth_method(BASIC_AUTH, authenticate_basic)
        self.register_client_auth_method(FORM_AUTH, authenticate_form)
        self.register_client_auth_method(PASSWORD_CLIENT_AUTH, authenticate_password_client)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: new_token(), expires_generator=token_ttl
            ),
        )

    def grant(self, request: TokenRequest) -> GrantedToken:
        self.create_token_response(request)
        return self.granted[-1]

    # Authlib's hooks.

    def query_client(self, client_id: str) -> KnownClient | None:
        return self.credentials.clients.get(client_id)

    def create_oauth2_request(self, request: TokenRequest) -> TokenEndpointRequest:
        return TokenEndpointRequest(request)

    def get_token_grant(self, request: TokenEndpointRequest) -> Any:
        header = request.headers.get("Authorization")
        if header is not None:
            words = header.split()
            if len(words) != 2 or words[0] != "Basic":
                raise InvalidRequestError(INVALID_TOKEN_TYPE)
            if request.payload.grant_type not in CLIENT_GRANT_TYPES:
                raise InvalidRequestError(INVALID_GRANT_TYPE)
        try:
            return super().get_token_grant(request)
        except UnsupportedGrantTypeError:
            raise _UnsupportedGrantType(request.payload.grant_type) from None

    def create_token_response(self, request: TokenRequest | None = None) -> Any:
        try:
            return super().create_token_response(request)
        except OAuth2Error as error:
            return self.handle_error_response(request, error)

    def save_token(self, token: dict[str, Any], request: TokenEndpointRequest) -> None:
        grant_type = request.payload.grant_type
        self.granted.append(
            GrantedToken(
                access_token=token["access_token"],
                expires_in=int(token["expires_in"]),
                client=request.client,
                user=request.user,
                grant_type=PASSWORD_GRANT_TYPE if grant_type == PASSWORD_GRANT_TYPE else "client",
            )
        )

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any]:
        return status, body

    def handle_error_response(self, request: Any, error: OAuth2Error) -> Any:
        raise OAuthFailure(error.error, error.get_error_description())

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None
