"""The GraphQL surface: Strawberry types, roots, loaders, limits."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from db.settings import Settings
from schema.errors import GatewaySchema
from schema.limits import build_extensions
from schema.root import Mutation, Query
from schema.subscriptions import Subscription
from schema.types.analyses import Analysis
from schema.types.artifacts import Artifact
from schema.types.files import File
from schema.types.jobs import ProcessingJob
from schema.types.persons import Person
from schema.types.plugins import Command, Plugin
from schema.types.preparations import Preparation
from schema.types.references import Reference
from schema.types.samples import Sample
from schema.types.scalars import SCALAR_MAP
from schema.types.studies import Study
from schema.types.users import User
from schema.types.vocabulary import ArtifactType

NODE_TYPES = [
    Study,
    Person,
    Preparation,
    Artifact,
    ArtifactType,
    ProcessingJob,
    Plugin,
    Command,
    Analysis,
    Reference,
    User,
    File,
    Sample,
]


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits, error handling and introspection policy of `settings`."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=build_extensions(settings),
        config=StrawberryConfig(
            disable_field_suggestions=settings.production, scalar_map=SCALAR_MAP
        ),
    )
