"""Mutations on the signed-in user's messages: read, unread, deleted."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import messages
from resolvers.context import Context
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation
from schema.relay import integer_key


@strawberry.input(description="Some of your messages, and whether to mark them read or unread.")
class MarkMessagesReadInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="The messages, by global id or `messageId`; ids not yours are ignored."
    )
    read: bool = strawberry.field(default=True, description="false marks them unread.")


@strawberry.input(description="Nothing to give: every message of yours is marked read.")
class MarkAllMessagesReadInput:
    read: bool = strawberry.field(default=True, description="false marks them all unread.")


@strawberry.input(description="Some of your messages to delete.")
class DeleteMessagesInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="The messages, by global id or `messageId`; ids not yours are ignored."
    )


@strawberry.type(description="The result of marking or deleting messages.")
class MessagesChangedPayload:
    changed: int | None = strawberry.field(
        description="How many messages changed; null when `userErrors` is not empty."
    )
    unread_count: int | None = strawberry.field(
        description="How many of your messages are unread now; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


def _keys(ids: list[strawberry.ID]) -> list[int]:
    return [integer_key("Message", str(value), "ids") for value in ids]


async def _change(
    info: Info, ids: list[strawberry.ID] | None, read: bool
) -> MessagesChangedPayload:
    async def action(ctx: Context) -> tuple[int, int]:
        changed = await messages.mark_read(ctx, None if ids is None else _keys(ids), read=read)
        return changed, await messages.unread_count(ctx)

    result, errors = await run_mutation(info, action)
    changed, unread = result if result is not None else (None, None)
    return MessagesChangedPayload(changed=changed, unread_count=unread, user_errors=errors)


@strawberry.type(description="Message mutations.")
class MessageMutations:
    @strawberry.mutation(description="Mark some of your messages read (or unread).")
    async def mark_messages_read(
        self, info: Info, input: Annotated[MarkMessagesReadInput, INPUT]
    ) -> MessagesChangedPayload:
        return await _change(info, input.ids, input.read)

    @strawberry.mutation(description="Mark every message of yours read (or unread).")
    async def mark_all_messages_read(
        self, info: Info, input: Annotated[MarkAllMessagesReadInput | None, INPUT] = None
    ) -> MessagesChangedPayload:
        return await _change(info, None, input.read if input is not None else True)

    @strawberry.mutation(description="Delete some of your messages (from your list only).")
    async def delete_messages(
        self, info: Info, input: Annotated[DeleteMessagesInput, INPUT]
    ) -> MessagesChangedPayload:
        async def action(ctx: Context) -> tuple[int, int]:
            deleted = await messages.delete_messages(ctx, _keys(input.ids))
            return deleted, await messages.unread_count(ctx)

        result, errors = await run_mutation(info, action)
        changed, unread = result if result is not None else (None, None)
        return MessagesChangedPayload(changed=changed, unread_count=unread, user_errors=errors)
