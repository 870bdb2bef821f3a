"""The ordered `/api/v1` routes (study-api.md §1.2)."""

from __future__ import annotations

from starlette.routing import BaseRoute

STUDY_ROUTES: list[BaseRoute] = []
