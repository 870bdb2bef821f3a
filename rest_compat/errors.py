"""Domain errors to Qiita's status codes and bodies, per route family.

plugin-api.md §1.5 (`/qiita_db`, `/cloud`, `/apitest`) and study-api.md §1.5 (`/api/v1`).
Every message is the resolver's, passed on verbatim.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from resolvers.auth.oauth_errors import OAuthFailure, SignInThrottled
from resolvers.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    StudyNotFound,
    Unauthenticated,
)
from rest_compat.encoding import (
    MalformedBody,
    MissingArgument,
    empty_response,
    json_response,
    text_response,
)

logger = logging.getLogger(__name__)

STUDY_NOT_FOUND = "Study not found"
"""study-api.md §1.6: the exact text for a missing or unreadable study, without its id."""

NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>404: Not Found</title></head>"
    "<body><h1>404: Not Found</h1><p>Page not found.</p></body></html>"
)

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (Conflict, 409),
    (Invalid, 400),
]


def status_for(error: DomainError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def is_api_v1(request: Request) -> bool:
    return request.url.path.startswith("/api/v1")


def domain_error_response(
    request: Request, error: DomainError, status: int | None = None
) -> Response:
    """The default translation, `{"message": ...}` on every route family; endpoints pass
    `status` where the contract fixes another code."""
    code = status if status is not None else status_for(error)
    return json_response({"message": wire_message(error)}, code)


def wire_message(error: DomainError) -> str:
    """The resolver's message, but Qiita's own text where scripts match it (§1.6)."""
    if isinstance(error, StudyNotFound):
        return STUDY_NOT_FOUND
    return error.message


async def handle_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return domain_error_response(request, exc)


async def handle_oauth_failure(request: Request, exc: Exception) -> Response:
    """Shape A of plugin-api.md §1.5: `400 {"error", "error_description"}`, texts of §2.3/§2.4."""
    assert isinstance(exc, OAuthFailure)
    if isinstance(exc, SignInThrottled):
        response = json_response(exc.as_body(), 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return json_response(exc.as_body(), 400)


async def handle_missing_argument(request: Request, exc: Exception) -> Response:
    if is_api_v1(request):  # study-api.md §1.5: the recommended JSON body
        return json_response({"message": str(exc)}, 400)
    return text_response(str(exc), 400)


async def handle_malformed_body(request: Request, exc: Exception) -> Response:
    return json_response({"message": str(exc)}, 400)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Router-made errors: 404 page for unrouted GET, empty 404 for HEAD, empty 405 otherwise."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        if request.method == "HEAD":
            return Response(b"", status_code=404)
        if request.method != "GET":
            return Response(b"", status_code=405)
        return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
    if exc.status_code == 405:
        return Response(b"", status_code=405, headers=dict(exc.headers or {}))
    return empty_response(exc.status_code)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return json_response({"message": "Internal server error."}, 500)


EXCEPTION_HANDLERS = {
    OAuthFailure: handle_oauth_failure,
    DomainError: handle_domain_error,
    MissingArgument: handle_missing_argument,
    MalformedBody: handle_malformed_body,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
