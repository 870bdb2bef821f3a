"""`graphql persist`: register the operations of .graphql files as persisted queries."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.settings import Settings
from gateway.cli_commands.database import with_services
from gateway.cli_commands.registry import CommandError, Commands, add_command, add_group
from resolvers.context import Services


def cmd_graphql_persist(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.persist_queries import PersistError, persist_files
    from schema import build_schema

    schema = build_schema(settings)._schema

    async def work(services: Services) -> Any:
        return await persist_files(services, args.files, schema)

    try:
        stored = with_services(settings, work)
    except PersistError as exc:
        raise CommandError(str(exc)) from None
    for operation, new in stored:
        state = "registered" if new else "already registered"
        print(f"{operation.sha256}  {operation.name}  {state}  ({operation.file})")
    return 0


def register_graphql(commands: Commands) -> None:
    graphql = add_group(commands, "graphql", "GraphQL documents")
    persist = add_command(
        graphql, "persist", cmd_graphql_persist,
        "register the operations of .graphql files as persisted queries",
    )  # fmt: skip
    persist.add_argument("files", type=Path, nargs="+", metavar="FILE")
