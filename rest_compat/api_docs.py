"""`/openapi.json` (the REST routes' OpenAPI document) and `/docs` (Swagger UI, offline).

Swagger UI is served from the package like GraphiQL: the page loads nothing from any
other host, and its Content-Security-Policy forbids it.
"""

from __future__ import annotations

import html
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from rest_compat.openapi import openapi_document

DOCS_DIR = Path(__file__).parent / "docs_page"
STATIC_PATH = "/docs/static"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Swagger UI (React) sets style attributes; its icons are data: URLs.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


def _version() -> str:
    try:
        return version("qiita-gateway")
    except PackageNotFoundError:
        return "0"


@cache
def _template() -> str:
    return (DOCS_DIR / "index.html").read_text(encoding="utf-8")


async def openapi_json(request: Request) -> Response:
    document: dict[str, Any] | None = getattr(request.app.state, "openapi_document", None)
    if document is None:
        document = openapi_document(request.app.routes, _version())
        request.app.state.openapi_document = document
    return JSONResponse(document)


async def docs_page(request: Request) -> Response:
    root = request.scope.get("root_path", "").rstrip("/")
    page = (
        _template()
        .replace("{static}", html.escape(root + STATIC_PATH))
        .replace("{spec}", html.escape(root + "/openapi.json"))
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


def build_docs_routes() -> list[BaseRoute]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Mount(STATIC_PATH, app=StaticFiles(directory=DOCS_DIR / "static"), name="docs-static"),
    ]
