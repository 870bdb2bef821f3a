"""GraphiQL served from the package itself: no CDN, no fonts or analytics from outside.

Labs run servers behind firewalls, so the page and every asset it loads come from this
server; the Content-Security-Policy makes the browser refuse anything else.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from resolvers.auth.graphiql_client import GRAPHIQL_CLIENT_ID

GRAPHIQL_DIR = Path(__file__).parent / "graphiql"
STATIC_PATH = "/graphql/static"
TOKEN_PATH = "/qiita_db/authenticate/"
"""The token endpoint the sign-in panel posts the password grant to."""
"""Where `graphiql_static_files()` is mounted, below the app's root path."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # React and CodeMirror set style attributes; GraphiQL's fonts are data: URLs.
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


@cache
def _template() -> str:
    return (GRAPHIQL_DIR / "index.html").read_text(encoding="utf-8")


def render_graphiql(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    page = (
        _template()
        .replace("{static}", html.escape(root + STATIC_PATH))
        .replace("{endpoint}", html.escape(root + "/graphql"))
        .replace("{token_endpoint}", html.escape(root + TOKEN_PATH))
        .replace("{client_id}", html.escape(GRAPHIQL_CLIENT_ID))
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept",
        },
    )


def graphiql_static_files() -> StaticFiles:
    return StaticFiles(directory=GRAPHIQL_DIR / "static")
