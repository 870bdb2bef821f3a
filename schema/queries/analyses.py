"""Queries over analyses and reference databases."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.analyses.cart import caller_cart
from resolvers.plugins.catalog import list_analyses, list_references
from schema.context import Info
from schema.relay import (
    NOT_FOUND_NOTE,
    After,
    Before,
    Connection,
    First,
    Last,
    fetch_connection,
    require_found,
)
from schema.types.analyses import Analysis, load_analysis
from schema.types.references import Reference, load_reference


@strawberry.input(description="Conditions an analysis must meet.")
class AnalysisFilterInput:
    text: str | None = strawberry.field(
        default=None, description="Case-insensitive text in the name."
    )


@strawberry.input(description="Conditions a reference database must meet.")
class ReferenceFilterInput:
    text: str | None = strawberry.field(
        default=None, description="Case-insensitive text in the name."
    )


@strawberry.type
class AnalysisQueries:
    @strawberry.field(description="An analysis by its Qiita integer id." + NOT_FOUND_NOTE)
    async def analysis(
        self,
        info: Info,
        analysis_id: Annotated[
            int, strawberry.argument(description="Qiita integer id of the analysis.")
        ],
    ) -> Analysis | None:
        return require_found(await load_analysis(info, analysis_id), "Analysis", analysis_id)

    @strawberry.field(
        description="The caller's cart (default analysis) of selected samples; null before "
        "the first selection and for callers who cannot make analyses."
    )
    async def cart(self, info: Info) -> Analysis | None:
        async with info.context.unit_of_work() as ctx:
            row = await caller_cart(ctx)
        return Analysis.from_row(row) if row is not None else None

    @strawberry.field(description="Analyses the caller may read, by id.")
    async def analyses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            AnalysisFilterInput | None,
            strawberry.argument(description="Only the objects that meet these conditions."),
        ] = None,
    ) -> Connection[Analysis]:
        text = where.text if where else None
        return await fetch_connection(
            info,
            "Analysis",
            lambda ctx, request: list_analyses(ctx, request, text=text),
            Analysis.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(description="A reference database by its Qiita integer id." + NOT_FOUND_NOTE)
    async def reference(
        self,
        info: Info,
        reference_id: Annotated[
            int, strawberry.argument(description="Qiita integer id of the reference.")
        ],
    ) -> Reference | None:
        return require_found(await load_reference(info, reference_id), "Reference", reference_id)

    @strawberry.field(description="Reference databases, by id.")
    async def references(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            ReferenceFilterInput | None,
            strawberry.argument(description="Only the objects that meet these conditions."),
        ] = None,
    ) -> Connection[Reference]:
        text = where.text if where else None
        return await fetch_connection(
            info,
            "Reference",
            lambda ctx, request: list_references(ctx, request, text=text),
            Reference.from_row,
            first,
            after,
            last,
            before,
        )
