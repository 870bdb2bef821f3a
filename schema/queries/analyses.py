"""Queries over analyses and reference databases."""

from __future__ import annotations

import strawberry

from resolvers.listing.catalog import list_analyses, list_references
from schema.context import Info
from schema.relay import Connection, fetch_connection, require_found
from schema.types.analyses import Analysis, load_analysis
from schema.types.references import Reference, load_reference


@strawberry.type
class AnalysisQueries:
    @strawberry.field(description="An analysis by its Qiita integer id.")
    async def analysis(self, info: Info, analysis_id: int) -> Analysis | None:
        return require_found(await load_analysis(info, analysis_id), "Analysis", analysis_id)

    @strawberry.field(description="Analyses the caller may read, by id.")
    async def analyses(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Analysis]:
        return await fetch_connection(
            info, "Analysis", list_analyses, Analysis.from_row, first, after, last, before
        )

    @strawberry.field(description="A reference database by its Qiita integer id.")
    async def reference(self, info: Info, reference_id: int) -> Reference | None:
        return require_found(await load_reference(info, reference_id), "Reference", reference_id)

    @strawberry.field(description="Reference databases, by id.")
    async def references(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Reference]:
        return await fetch_connection(
            info, "Reference", list_references, Reference.from_row, first, after, last, before
        )
