"""`POST /qiita_db/authenticate/` (plugin-api.md §2.4)."""

from __future__ import annotations

from starlette.routing import BaseRoute

AUTH_ROUTES: list[BaseRoute] = []
