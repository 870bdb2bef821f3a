"""Sample information (the study-wide sample template) and its samples."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from db.models import Sample as SampleRow
from db.models import SampleTemplate
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.metadata import (
    TABLE_DESCRIPTION,
    TableAfter,
    TableFirst,
    metadata_field,
    table_page_key,
    values_field,
)


@strawberry.type(description="One sample of a study's sample information.")
class Sample(Node):
    sample_name: str = strawberry.field(description="The prefixed Qiita id, `<study id>.<name>`.")
    study_id: int = strawberry.field(description="The integer id of the sample's study.")
    ebi_sample_accession: str | None = strawberry.field(
        description="The sample's EBI (ENA) accession, when submitted."
    )
    biosample_accession: str | None = strawberry.field(
        description="The sample's BioSample accession, when submitted."
    )
    row: strawberry.Private[SampleRow]

    @classmethod
    def from_row(cls, row: SampleRow) -> Sample:
        return cls(
            id=global_id("Sample", row.sample_name),
            sample_name=row.sample_name,
            study_id=row.study_id,
            ebi_sample_accession=row.ebi_sample_accession,
            biosample_accession=row.biosample_accession,
            row=row,
        )

    values = values_field()
    metadata = metadata_field()


@strawberry.type(description="A study's sample information (one row per sample).")
class SampleInformation:
    study_id: int = strawberry.field(description="The study's integer id.")
    created_at: dt.datetime = strawberry.field(
        description="When the sample information was first uploaded."
    )
    modified_at: dt.datetime = strawberry.field(description="When it last changed.")
    row: strawberry.Private[SampleTemplate]

    @classmethod
    def from_row(cls, row: SampleTemplate) -> SampleInformation:
        return cls(
            study_id=row.study_id,
            created_at=row.created_at,
            modified_at=row.modified_at,
            row=row,
        )

    @strawberry.field(description="The categories (columns), sorted alphabetically.")
    def categories(self) -> list[str]:
        return sorted(self.row.columns)

    @strawberry.field(description="How many samples (rows) it has.")
    async def sample_count(self, info: Info) -> int:
        return await info.context.loaders.sample_count_for_study.load(self.study_id)

    @strawberry.field(description=TABLE_DESCRIPTION)
    async def table(self, info: Info, first: TableFirst = None, after: TableAfter = None) -> JSON:
        key = table_page_key(self.study_id, first, after, info.context.settings.max_page_size)
        page = await info.context.loaders.sample_page_for_study.load(key)
        return JSON({row.sample_name: row.values for row in page.items})


async def load_sample(info: Info, sample_name: str | None) -> Sample | None:
    if sample_name is None:
        return None
    row = await info.context.loaders.sample_by_name.load(sample_name)
    return Sample.from_row(row) if row is not None else None
