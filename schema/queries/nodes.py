"""`node(id:)`, `nodes(ids:)` and `viewer`: fetching any object by its global id."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from resolvers.auth.access import can_see_account_details
from resolvers.errors import NotFound
from schema.context import Info
from schema.relay import Node, parse_global_id, storable_int
from schema.types.analyses import load_analysis
from schema.types.artifacts import load_artifact
from schema.types.files import load_file
from schema.types.jobs import load_job
from schema.types.messages import load_message
from schema.types.persons import load_person
from schema.types.plugins import load_command, load_plugin
from schema.types.preparations import load_preparation
from schema.types.references import load_reference
from schema.types.samples import load_sample
from schema.types.studies import load_study
from schema.types.users import User, load_user
from schema.types.vocabulary import load_artifact_type
from schema.types.workflows import load_workflow

NodeLoader = Callable[[Info, str], Awaitable[Node | None]]


def _by_int(load: Callable[[Info, int], Awaitable[Node | None]]) -> NodeLoader:
    async def by_key(info: Info, key: str) -> Node | None:
        number = storable_int(key)
        return None if number is None else await load(info, number)

    return by_key


async def _job(info: Info, key: str) -> Node | None:
    return await load_job(info, key)


async def _sample(info: Info, key: str) -> Node | None:
    return await load_sample(info, key)


async def _user(info: Info, key: str) -> Node | None:
    """Accounts are fetched by id only by themselves and by admins."""
    number = storable_int(key)
    if number is None or not can_see_account_details(info.context.principal, number):
        return None
    return await load_user(info, number)


NODE_LOADERS: dict[str, NodeLoader] = {
    "Study": _by_int(load_study),
    "Person": _by_int(load_person),
    "Preparation": _by_int(load_preparation),
    "Artifact": _by_int(load_artifact),
    "ArtifactType": _by_int(load_artifact_type),
    "ProcessingJob": _job,
    "Plugin": _by_int(load_plugin),
    "Command": _by_int(load_command),
    "Analysis": _by_int(load_analysis),
    "Reference": _by_int(load_reference),
    "User": _user,
    "File": _by_int(load_file),
    "Sample": _sample,
    "ProcessingWorkflow": _by_int(load_workflow),
    "Message": _by_int(load_message),
}


async def resolve_node(info: Info, node_id: str) -> Node | None:
    type_name, key = parse_global_id(node_id)
    load = NODE_LOADERS.get(type_name)
    if load is None:
        raise NotFound(f"Not a valid id: {node_id!r}")
    return await load(info, key)


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null if the caller cannot see it.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="A global id (`id` of any Node).")
        ],
    ) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Objects by global id, in the order given (null where unseen).")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="Global ids; each costs one object."),
        ],
    ) -> list[Node | None]:
        return list(await asyncio.gather(*(resolve_node(info, node_id) for node_id in ids)))

    @strawberry.field(description="The authenticated user making the request; null otherwise.")
    async def viewer(self, info: Info) -> User | None:
        principal = info.context.principal
        if principal.kind != "user":
            return None
        return await load_user(info, principal.account_id)
