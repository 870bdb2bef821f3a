"""The Preparation type (prep information) and its samples."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from db.models import PrepTemplate
from resolvers.studies.preparation_loaders import PreparationSample as PreparationSampleRow
from schema.context import Info
from schema.relay import After, Before, Connection, First, Last, Node, connection, global_id
from schema.types.enums import Visibility
from schema.types.metadata import (
    TABLE_DESCRIPTION,
    MetadataFilterInput,
    TableAfter,
    TableFirst,
    metadata_field,
    table_page_key,
    values_field,
)
from schema.types.studies import SAMPLES_CURSOR, sample_page_key

if TYPE_CHECKING:
    from schema.types.artifacts import Artifact
    from schema.types.studies import Study


@strawberry.type(description="One sample's row in a preparation.")
class PreparationSample:
    sample_name: str = strawberry.field(description="The prefixed sample id, `<study id>.<name>`.")
    ebi_experiment_accession: str | None = strawberry.field(
        description="The EBI (ENA) experiment accession, when submitted."
    )
    row: strawberry.Private[PreparationSampleRow]

    @classmethod
    def from_row(cls, row: PreparationSampleRow) -> PreparationSample:
        return cls(
            sample_name=row.sample_name,
            ebi_experiment_accession=row.ebi_experiment_accession,
            row=row,
        )

    values = values_field()
    metadata = metadata_field()


@strawberry.type(description="Preparation information: how some samples were prepared.")
class Preparation(Node):
    prep_id: int = strawberry.field(description="Qiita's integer id, as in the REST routes.")
    name: str = strawberry.field(description="The preparation's name.")
    investigation_type: str | None = strawberry.field(
        description="The investigation type (Metagenome, Amplicon...), when given."
    )
    deprecated: bool = strawberry.field(
        description="Whether the preparation was deprecated by its editors."
    )
    current_human_filtering: bool = strawberry.field(
        description="Whether its artifacts went through the current human-read filtering."
    )
    created_at: dt.datetime = strawberry.field(description="When the preparation was created.")
    modified_at: dt.datetime = strawberry.field(description="When it last changed.")
    row: strawberry.Private[PrepTemplate]

    @classmethod
    def from_row(cls, row: PrepTemplate) -> Preparation:
        return cls(
            id=global_id("Preparation", row.id),
            prep_id=row.id,
            name=row.name,
            investigation_type=row.investigation_type,
            deprecated=row.deprecated,
            current_human_filtering=row.current_human_filtering,
            created_at=row.created_at,
            modified_at=row.modified_at,
            row=row,
        )

    @strawberry.field(description="The data type of the preparation (16S, Metagenomic...).")
    async def data_type(self, info: Info) -> str:
        row = await info.context.loaders.data_type_by_id.load(self.row.data_type_id)
        return row.name if row is not None else ""

    @strawberry.field(description="Its root artifact's visibility; sandbox without one.")
    async def status(self, info: Info) -> Visibility:
        return Visibility(await info.context.loaders.preparation_status.load(self.prep_id))

    @strawberry.field(
        description="Whether the caller may change the preparation (`attachArtifact`, "
        "`updatePreparation`, deleting its samples and columns): those who may change its "
        "study."
    )
    async def viewer_can_edit(self, info: Info) -> bool:
        return await info.context.loaders.study_editable.load(self.row.study_id)

    @strawberry.field(
        description="Whether the caller may delete this preparation now (`deletePreparation`): "
        "those who may change its study, while it has no artifacts."
    )
    async def viewer_can_delete(self, info: Info) -> bool:
        return await info.context.loaders.preparation_deletable.load(self.prep_id)

    @strawberry.field(description="The study the preparation belongs to.")
    async def study(
        self, info: Info
    ) -> Annotated[Study, strawberry.lazy("schema.types.studies")] | None:
        from schema.types.studies import load_study

        return await load_study(info, self.row.study_id)

    @strawberry.field(description="The root artifact (uploaded files), if any.")
    async def artifact(
        self, info: Info
    ) -> Annotated[Artifact, strawberry.lazy("schema.types.artifacts")] | None:
        from schema.types.artifacts import load_artifact

        return await load_artifact(info, self.row.artifact_id)

    @strawberry.field(description="Every artifact of the preparation's processing DAG.")
    async def artifacts(
        self, info: Info
    ) -> list[Annotated[Artifact, strawberry.lazy("schema.types.artifacts")]]:
        from schema.types.artifacts import Artifact

        rows = await info.context.loaders.artifacts_for_preparation.load(self.prep_id)
        return [Artifact.from_row(row) for row in rows]

    @strawberry.field(description="The categories (columns), sorted alphabetically.")
    def categories(self) -> list[str]:
        return sorted(self.row.columns)

    @strawberry.field(description="How many samples (rows) the preparation has.")
    async def sample_count(self, info: Info) -> int:
        return await info.context.loaders.sample_count_for_preparation.load(self.prep_id)

    @strawberry.field(description=TABLE_DESCRIPTION)
    async def table(self, info: Info, first: TableFirst = None, after: TableAfter = None) -> JSON:
        key = table_page_key(self.prep_id, first, after, info.context.settings.max_page_size)
        page = await info.context.loaders.sample_page_for_preparation.load(key)
        return JSON({row.sample_name: row.values for row in page.items})

    @strawberry.field(description="The preparation's samples by name, optionally filtered.")
    async def samples(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            MetadataFilterInput | None,
            strawberry.argument(description="Only the samples with this value."),
        ] = None,
    ) -> Connection[PreparationSample]:
        key = sample_page_key(self.prep_id, first, after, last, before, where)
        page = await info.context.loaders.sample_page_for_preparation.load(key)
        return connection(SAMPLES_CURSOR, page, PreparationSample.from_row)


async def load_preparation(info: Info, prep_id: int | None) -> Preparation | None:
    if prep_id is None:
        return None
    row = await info.context.loaders.preparation_by_id.load(prep_id)
    return Preparation.from_row(row) if row is not None else None
