"""The Study type and its relations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.models import Study as StudyRow
from resolvers.studies.sample_loaders import SamplePageKey
from schema.context import Info
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection,
    decode_cursor,
    global_id,
    list_connection,
)
from schema.types.downloads import SIGNED_LINK, signed_link
from schema.types.enums import Visibility
from schema.types.metadata import MetadataFilterInput
from schema.types.persons import Person, load_person
from schema.types.samples import Sample, SampleInformation
from schema.types.uploads import UploadedFile, study_uploads
from schema.types.users import User, load_user

if TYPE_CHECKING:
    from schema.types.artifacts import Artifact
    from schema.types.preparations import Preparation

SAMPLES_CURSOR = "Sample"


@strawberry.type(description="A publication of a study: a DOI or a PubMed id.")
class StudyPublication:
    publication: str = strawberry.field(description="The DOI or PubMed id.")
    is_doi: bool = strawberry.field(description="True for a DOI, false for a PubMed id.")


@strawberry.type(description="A study: samples, their preparations and processed artifacts.")
class Study(Node):
    study_id: int = strawberry.field(description="Qiita's integer id, as in the REST routes.")
    title: str = strawberry.field(description="The study's title, unique across studies.")
    alias: str = strawberry.field(description="A short name of the study.")
    description: str = strawberry.field(description="What the study is about, in a few paragraphs.")
    abstract: str = strawberry.field(description="The study's abstract.")
    notes: str = strawberry.field(description="Free-text notes of the study's editors.")
    funding: str | None = strawberry.field(description="Who funded the study, when given.")
    vamps_id: str | None = strawberry.field(
        description="The study's VAMPS id, when submitted there."
    )
    ebi_study_accession: str | None = strawberry.field(
        description="The study's EBI (ENA) accession, when submitted there."
    )
    metadata_complete: bool = strawberry.field(
        description="Whether its editors marked the sample information complete."
    )
    mixs_compliant: bool = strawberry.field(
        description="Whether the metadata follows the MIxS standard."
    )
    reprocess: bool = strawberry.field(
        description="Whether the study is flagged to be processed again."
    )
    spatial_series: bool | None = strawberry.field(
        description="Whether the samples form a spatial series; null when not said."
    )
    public_raw_download: bool = strawberry.field(
        description="Whether anyone may download the raw files of its public artifacts."
    )
    autoloaded: bool = strawberry.field(
        description="Whether the study was loaded by an automated import."
    )
    first_contact: dt.datetime = strawberry.field(description="When the study was created.")
    most_recent_contact: dt.datetime | None = strawberry.field(
        description="When the study's owner was last contacted, if ever."
    )
    timeseries_type_id: int = strawberry.field(
        description="The id of the study's timeseries type (1: none; see `updateStudy`)."
    )
    row: strawberry.Private[StudyRow]

    @classmethod
    def from_row(cls, row: StudyRow) -> Study:
        return cls(
            id=global_id("Study", row.id),
            study_id=row.id,
            title=row.title,
            alias=row.alias,
            description=row.description,
            abstract=row.abstract,
            notes=row.notes,
            funding=row.funding,
            vamps_id=row.vamps_id,
            ebi_study_accession=row.ebi_study_accession,
            metadata_complete=row.metadata_complete,
            mixs_compliant=row.mixs_compliant,
            reprocess=row.reprocess,
            spatial_series=row.spatial_series,
            public_raw_download=row.public_raw_download,
            autoloaded=row.autoloaded,
            first_contact=row.first_contact,
            most_recent_contact=row.most_recent_contact,
            timeseries_type_id=row.timeseries_type_id,
            row=row,
        )

    @strawberry.field(
        description=SIGNED_LINK
        + " A zip of the sample and preparation information and the released artifacts."
    )
    async def download_url(self, info: Info) -> str:
        return await signed_link(info, "study", self.study_id)

    @strawberry.field(
        description="Files in the study's upload folder; null for callers who may not change "
        "the study."
    )
    async def uploads(self, info: Info) -> list[UploadedFile] | None:
        return await study_uploads(info, self.study_id)

    @strawberry.field(
        description="The most open visibility of its artifacts (public, then private, then "
        "awaiting approval); sandbox without any. Never archived."
    )
    async def status(self, info: Info) -> Visibility:
        return Visibility(await info.context.loaders.study_status.load(self.study_id))

    @strawberry.field(
        description="Whether the caller may change this study (`updateStudy`, "
        "`updateSampleMetadata`, `createPreparation`, `deleteSamples`...): its owner, "
        "the users it is shared with and admins."
    )
    async def viewer_can_edit(self, info: Info) -> bool:
        return await info.context.loaders.study_editable.load(self.study_id)

    @strawberry.field(
        description="Whether the caller may share this study or stop sharing it "
        "(`shareStudy`, `unshareStudy`); the same people as `viewerCanEdit`."
    )
    async def viewer_can_share(self, info: Info) -> bool:
        return await info.context.loaders.study_editable.load(self.study_id)

    @strawberry.field(
        description="Whether the caller may delete this study now (`deleteStudy`): its owner "
        "and admins, while it has no artifacts."
    )
    async def viewer_can_delete(self, info: Info) -> bool:
        return await info.context.loaders.study_deletable.load(self.study_id)

    @strawberry.field(description="The user who owns the study; null when the account is gone.")
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="The study's principal investigator.")
    async def principal_investigator(self, info: Info) -> Person | None:
        return await load_person(info, self.row.principal_investigator_id)

    @strawberry.field(description="The study's lab contact.")
    async def lab_person(self, info: Info) -> Person | None:
        return await load_person(info, self.row.lab_person_id)

    @strawberry.field(description="Users the study is shared with (visible to its editors).")
    async def shared_with(self, info: Info) -> list[User]:
        rows = await info.context.loaders.study_shared_accounts.load(self.study_id)
        return [User.from_row(row) for row in rows]

    @strawberry.field(description="DOIs and PubMed ids of the study's publications.")
    async def publications(self, info: Info) -> list[StudyPublication]:
        rows = await info.context.loaders.study_publications.load(self.study_id)
        return [StudyPublication(publication=r.publication, is_doi=r.is_doi) for r in rows]

    @strawberry.field(description="The MIxS environmental packages of the samples.")
    async def environmental_packages(self, info: Info) -> list[str]:
        return await info.context.loaders.study_environmental_packages.load(self.study_id)

    @strawberry.field(description="Tags given to the study.")
    async def tags(self, info: Info) -> list[str]:
        return await info.context.loaders.study_tags.load(self.study_id)

    @strawberry.field(description="The sample information; null when none was uploaded yet.")
    async def sample_information(self, info: Info) -> SampleInformation | None:
        row = await info.context.loaders.sample_template_for_study.load(self.study_id)
        return SampleInformation.from_row(row) if row is not None else None

    @strawberry.field(description="The study's samples by name, optionally filtered on a value.")
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
    ) -> Connection[Sample]:
        key = sample_page_key(self.study_id, first, after, last, before, where)
        page = await info.context.loaders.sample_page_for_study.load(key)
        return connection(SAMPLES_CURSOR, page, Sample.from_row)

    @strawberry.field(description="The study's preparations, by id.")
    async def preparations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Preparation, strawberry.lazy("schema.types.preparations")]]:
        from schema.types.preparations import Preparation

        rows = await info.context.loaders.preparations_for_study.load(self.study_id)
        return list_connection(
            info,
            "Study.preparations",
            rows,
            lambda row: row.id,
            Preparation.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(description="Every artifact of the study's processing that the caller sees.")
    async def artifacts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Artifact, strawberry.lazy("schema.types.artifacts")]]:
        from schema.types.artifacts import Artifact

        rows = await info.context.loaders.artifacts_for_study.load(self.study_id)
        return list_connection(
            info,
            "Study.artifacts",
            rows,
            lambda row: row.id,
            Artifact.from_row,
            first,
            after,
            last,
            before,
        )


def sample_page_key(
    owner_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: MetadataFilterInput | None,
) -> SamplePageKey:
    """The loader key of one page of samples; cursors are decoded here."""
    return SamplePageKey(
        owner_id=owner_id,
        first=first,
        after=decode_cursor(SAMPLES_CURSOR, after, "after"),
        last=last,
        before=decode_cursor(SAMPLES_CURSOR, before, "before"),
        where=where.to_filter() if where is not None else None,
    )


async def load_study(info: Info, study_id: int | None) -> Study | None:
    if study_id is None:
        return None
    row = await info.context.loaders.study_by_id.load(study_id)
    return Study.from_row(row) if row is not None else None
