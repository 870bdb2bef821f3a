"""Queries over plugins and commands."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.plugins.catalog import find_plugin, list_plugins
from schema.context import Info
from schema.relay import NOT_FOUND_NOTE, integer_key, require_found
from schema.types.plugins import Command, Plugin, load_command


@strawberry.type
class PluginQueries:
    @strawberry.field(description="A plugin by name and version." + NOT_FOUND_NOTE)
    async def plugin(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The plugin name.")],
        version: Annotated[str, strawberry.argument(description="The plugin version.")],
    ) -> Plugin | None:
        async with info.context.unit_of_work() as ctx:
            row = await find_plugin(ctx, name, version)
        return Plugin.from_row(row)

    @strawberry.field(description="Every registered plugin, by name and version.")
    async def plugins(
        self,
        info: Info,
        active: Annotated[
            bool | None,
            strawberry.argument(
                description="Only active (true) or inactive (false) plugins; all when null."
            ),
        ] = None,
    ) -> list[Plugin]:
        async with info.context.unit_of_work() as ctx:
            rows = await list_plugins(ctx, active=active)
        return [Plugin.from_row(row) for row in rows]

    @strawberry.field(
        description="A command by id (global, or Qiita's command id)." + NOT_FOUND_NOTE
    )
    async def command(
        self,
        info: Info,
        command_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The global id, or Qiita integer command id."),
        ],
    ) -> Command | None:
        key = integer_key("Command", command_id)
        return require_found(await load_command(info, key), "Command", command_id)
