"""Metadata search across every study the caller may read."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.studies.search import MetadataMatch, search_sample_metadata
from schema.context import Info
from schema.relay import After, Before, Connection, First, Last, fetch_connection
from schema.types.samples import Sample
from schema.types.studies import Study, load_study


@strawberry.enum(description="How a stored value must match the searched one.")
class MetadataMatchMode(Enum):
    EXACT = strawberry.enum_value("exact", description="Equal, as stored (case matters).")
    CONTAINS = strawberry.enum_value(
        "contains", description="Contains the text, whatever the case."
    )


@strawberry.type(description="A sample whose category matched a metadata search.")
class SampleMetadataMatch:
    study_id: int = strawberry.field(description="Qiita's integer id of the sample's study.")
    sample_id: str = strawberry.field(description="The prefixed sample id, `<study id>.<name>`.")
    category: str = strawberry.field(description="The category searched.")
    value: str | None = strawberry.field(description="The sample's value in that category.")
    row: strawberry.Private[MetadataMatch]

    @classmethod
    def from_match(cls, match: MetadataMatch) -> SampleMetadataMatch:
        return cls(
            study_id=match.study_id,
            sample_id=match.sample_name,
            category=match.category,
            value=match.value,
            row=match,
        )

    @strawberry.field(description="The sample, with all its values.")
    def sample(self) -> Sample:
        return Sample.from_row(self.row.sample)

    @strawberry.field(description="The sample's study.")
    async def study(self, info: Info) -> Study | None:
        return await load_study(info, self.study_id)


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="Samples of every study the caller may read whose `category` matches "
        "`value`, by sample id."
    )
    async def search_sample_metadata(
        self,
        info: Info,
        category: Annotated[
            str, strawberry.argument(description="The category (column) to look in.")
        ],
        value: Annotated[str, strawberry.argument(description="The value or text to find.")],
        match: Annotated[
            MetadataMatchMode,
            strawberry.argument(description="Exact value or case-insensitive text."),
        ] = MetadataMatchMode.CONTAINS,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SampleMetadataMatch]:
        return await fetch_connection(
            info,
            "SampleMetadataMatch",
            lambda ctx, request: search_sample_metadata(ctx, category, value, match.value, request),
            SampleMetadataMatch.from_match,
            first,
            after,
            last,
            before,
        )
