"""`X-SQL-Statements` on every HTTP response when QIITA_COUNT_SQL_STATEMENTS is on."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.statement_count import counting

HEADER = b"x-sql-statements"


class StatementCountHeader:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with counting() as count:

            async def send_with_count(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = [*message.get("headers", ()), (HEADER, b"%d" % count.statements)]
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_count)
