"""Cross-origin access for browser frontends served from other origins (QIITA_CORS_ORIGINS)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware

from db.settings import Settings

ALLOWED_HEADERS = ["authorization", "content-type", "accept"]
MAX_AGE = 600


def add_cors(app: Starlette, settings: Settings) -> None:
    """Off unless origins are configured; credentials (cookies) never with `*`.

    Bearer tokens travel in the `Authorization` header, which is allowed explicitly, so
    frontends need no credentials mode; it is allowed only for named origins.
    """
    origins = list(settings.cors_origin_list)
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials="*" not in origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        allow_headers=ALLOWED_HEADERS,
        max_age=MAX_AGE,
    )
