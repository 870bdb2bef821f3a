"""The GraphQL surface: Strawberry types, roots, loaders, limits."""

from __future__ import annotations

import strawberry

from db.settings import Settings
from schema.errors import DomainErrorExtension
from schema.root import Query


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[DomainErrorExtension])
