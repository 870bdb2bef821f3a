"""Queries over plugins and commands."""

from __future__ import annotations

import strawberry

from resolvers.listing.catalog import find_plugin, list_plugins
from schema.context import Info
from schema.relay import integer_key, require_found
from schema.types.plugins import Command, Plugin, load_command


@strawberry.type
class PluginQueries:
    @strawberry.field(description="A plugin by name and version.")
    async def plugin(self, info: Info, name: str, version: str) -> Plugin | None:
        async with info.context.unit_of_work() as ctx:
            row = await find_plugin(ctx, name, version)
        return Plugin.from_row(row)

    @strawberry.field(description="Every registered plugin, by name and version.")
    async def plugins(self, info: Info, active: bool | None = None) -> list[Plugin]:
        async with info.context.unit_of_work() as ctx:
            rows = await list_plugins(ctx, active=active)
        return [Plugin.from_row(row) for row in rows]

    @strawberry.field(description="A command by id (global, or Qiita's command id).")
    async def command(self, info: Info, command_id: strawberry.ID) -> Command | None:
        key = integer_key("Command", command_id)
        return require_found(await load_command(info, key), "Command", command_id)
