"""OAuth2 failures and the exact texts Qiita's clients see (plugin-api.md §2.3, §2.4).

`qiita_client` re-authenticates only when `error_description` is exactly
`TOKEN_TIMED_OUT`, so these strings are part of the wire contract: never reword them.
"""

from __future__ import annotations

from resolvers.errors import Unauthenticated

# Codes (`error`) of RFC 6749 §5.2 that the contract uses.
INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"
INVALID_GRANT = "invalid_grant"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"

# Token endpoint, plugin-api.md §2.4.
INVALID_TOKEN_TYPE = "Oauth2 error: invalid token type"
INVALID_GRANT_TYPE = "Oauth2 error: invalid grant_type"
INVALID_BASE64 = "Oauth2 error: invalid base64 encoded info"
MISSING_CLIENT_INFORMATION = "Oauth2 error: missing client information"
INVALID_CLIENT_INFORMATION = "Oauth2 error: invalid client information"
MISSING_USER_INFORMATION = "Oauth2 error: missing user information"
INVALID_USER_INFORMATION = "Oauth2 error: invalid user information"

# Bearer check, plugin-api.md §2.3.
INVALID_ACCESS_TOKEN = "Oauth2 error: invalid access token"
TOKEN_TIMED_OUT = "Oauth2 error: token has timed out"
DAILY_LIMIT_REACHED = "Oauth2 error: daily request limit reached"


class OAuthFailure(Unauthenticated):
    """An authentication failure with its RFC 6749 `error` code and Qiita's description.

    REST answers it as `400 {"error": ..., "error_description": ...}` (plugin-api.md §1.5,
    shape A); GraphQL as an error with `extensions.code` UNAUTHENTICATED.
    """

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description

    def as_body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


TOO_MANY_SIGN_INS = "Too many failed sign-ins: try again in {seconds} seconds"


class SignInThrottled(OAuthFailure):
    """Password sign-ins of an account or from an address are locked for `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(INVALID_GRANT, TOO_MANY_SIGN_INS.format(seconds=retry_after))
        self.retry_after = retry_after
