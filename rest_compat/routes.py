"""Every REST route, in the contract's precedence order (plugin-api.md §1.2, study-api.md §1.2).

Each family keeps its ordered list in its own module; this module only concatenates them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from db.settings import Settings
from rest_compat.authentication import AUTH_ROUTES
from rest_compat.downloads import DOWNLOAD_ROUTES
from rest_compat.plugin_routes import APITEST_ROUTES, CLOUD_ROUTES, PLUGIN_ROUTES
from rest_compat.study_routes import study_routes
from rest_compat.tus import TUS_ROUTES


def build_routes(settings: Settings) -> list[BaseRoute]:
    routes: list[BaseRoute] = [*AUTH_ROUTES, *PLUGIN_ROUTES, *CLOUD_ROUTES]
    if settings.test_mode:
        routes.extend(APITEST_ROUTES)
    routes.extend(study_routes())
    routes.extend(TUS_ROUTES)
    routes.extend(DOWNLOAD_ROUTES)
    return routes
