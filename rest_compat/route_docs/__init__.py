"""What each REST route does, for the OpenAPI document (rest_compat/openapi.py).

One entry per (method, route path as written in the route table). The generator takes the
paths, methods and path parameters from the route table itself; this package only holds
the words, bodies and statuses of plugin-api.md and study-api.md as this server answers
them (decisions.md: every error carries its message).
"""

from __future__ import annotations

from rest_compat.route_docs.cloud_apitest import CLOUD_APITEST_DOCS
from rest_compat.route_docs.data import DATA_DOCS
from rest_compat.route_docs.jobs import JOBS_DOCS
from rest_compat.route_docs.plugins import PLUGINS_DOCS
from rest_compat.route_docs.shapes import JSON, OAUTH_ERROR, Query, Reply, RouteDoc
from rest_compat.route_docs.study_api import STUDY_API_DOCS

__all__ = ["JSON", "OAUTH_ERROR", "ROUTE_DOCS", "Query", "Reply", "RouteDoc"]

ROUTE_DOCS: dict[tuple[str, str], RouteDoc] = {
    **JOBS_DOCS,
    **DATA_DOCS,
    **PLUGINS_DOCS,
    **CLOUD_APITEST_DOCS,
    **STUDY_API_DOCS,
}
