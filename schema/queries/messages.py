"""The signed-in user's messages."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.context import Context
from resolvers.messages import UserMessage, list_messages
from resolvers.pagination import Page, PageRequest
from schema.context import Info
from schema.relay import After, Before, Connection, First, Last, fetch_connection
from schema.types.messages import Message


@strawberry.type(description="Messages to the signed-in user.")
class MessageQueries:
    @strawberry.field(
        description="Your messages, oldest first (`last: n` for the newest): notices of your "
        "jobs' ends and of what was shared with you. Signed-in users only."
    )
    async def messages(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        unread: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only unread messages; false: only read ones; null: all."
            ),
        ] = None,
    ) -> Connection[Message]:
        async def fetch(ctx: Context, request: PageRequest) -> Page[UserMessage]:
            return await list_messages(ctx, request, unread=unread)

        return await fetch_connection(
            info, "Message", fetch, Message.from_record, first, after, last, before
        )
