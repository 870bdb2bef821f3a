"""The ordered `/qiita_db`, `/cloud` and `/apitest` routes (plugin-api.md §1.2)."""

from __future__ import annotations

from starlette.routing import BaseRoute

PLUGIN_ROUTES: list[BaseRoute] = []
CLOUD_ROUTES: list[BaseRoute] = []
APITEST_ROUTES: list[BaseRoute] = []
