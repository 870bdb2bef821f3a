"""Query, Mutation and Subscription roots."""

from __future__ import annotations

import strawberry

from resolvers import studies
from resolvers.context import unit_of_work
from resolvers.pagination import PageRequest
from schema.context import Info
from schema.relay import Connection, Edge, PageInfo, decode_int_cursor, encode_cursor
from schema.types.studies import Study


@strawberry.type
class Query:
    @strawberry.field(description="A study by its Qiita integer id.")
    async def study(self, info: Info, study_id: int) -> Study | None:
        context = info.context
        async with unit_of_work(context.services, context.principal) as ctx:
            return Study.from_row(await studies.get_study(ctx, study_id))

    @strawberry.field(description="Studies the caller may read, ordered by id.")
    async def studies(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Study]:
        context = info.context
        request = PageRequest(first=first, after=decode_int_cursor("Study", after))
        async with unit_of_work(context.services, context.principal) as ctx:
            page = await studies.list_studies(ctx, request)
        nodes = [Study.from_row(row) for row in page.items]
        cursors = [encode_cursor("Study", key) for key in page.keys]
        return Connection(
            edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=page.total_count,
        )
