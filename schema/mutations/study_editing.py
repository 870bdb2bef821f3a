"""Mutations editing and deleting a study (the web UI's study form and its delete button)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import Study as StudyRow
from resolvers.context import Context
from resolvers.studies import deletion, editing
from resolvers.studies.editing import Publication, StudyChanges
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.mutations.studies import ContactInput
from schema.relay import global_id, integer_key
from schema.types.studies import Study

UNSET = strawberry.UNSET
KEEP = " Leave it out to keep the current value."
TEXT_FIELDS = ("title", "alias", "description", "abstract", "notes", "funding", "vamps_id")
NULLABLE_TEXTS = ("funding", "vamps_id")
FLAG_FIELDS = ("metadata_complete", "mixs_compliant", "public_raw_download")


@strawberry.input(description="A publication of a study: a DOI or a PubMed id.")
class PublicationInput:
    publication: str = strawberry.field(
        description="A DOI (`10.1234/abc`) or a PubMed id (digits)."
    )
    is_doi: bool = strawberry.field(description="True for a DOI, false for a PubMed id.")


@strawberry.input(
    description="Changes to a study; a field left out keeps its value. Lists replace the "
    "current ones as a whole."
)
class UpdateStudyInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    title: str | None = strawberry.field(
        default=UNSET, description="The title; must not be used by another study." + KEEP
    )
    alias: str | None = strawberry.field(default=UNSET, description="A short name." + KEEP)
    description: str | None = strawberry.field(
        default=UNSET, description="The study's description." + KEEP
    )
    abstract: str | None = strawberry.field(
        default=UNSET, description="The study's abstract." + KEEP
    )
    notes: str | None = strawberry.field(default=UNSET, description="Free-text notes." + KEEP)
    funding: str | None = strawberry.field(
        default=UNSET, description="Who funded the study; null clears it." + KEEP
    )
    vamps_id: str | None = strawberry.field(
        default=UNSET, description="The study's VAMPS id; null clears it." + KEEP
    )
    metadata_complete: bool | None = strawberry.field(
        default=UNSET, description="Whether the sample information is complete." + KEEP
    )
    mixs_compliant: bool | None = strawberry.field(
        default=UNSET, description="Whether the metadata follows MIxS." + KEEP
    )
    spatial_series: bool | None = strawberry.field(
        default=UNSET, description="Whether the samples form a spatial series; null: not said."
    )
    public_raw_download: bool | None = strawberry.field(
        default=UNSET,
        description="Whether anyone may download the raw files of its public artifacts." + KEEP,
    )
    principal_investigator: ContactInput | None = strawberry.field(
        default=UNSET, description="An existing study person, the principal investigator." + KEEP
    )
    lab_person: ContactInput | None = strawberry.field(
        default=UNSET, description="An existing study person, the lab contact; null clears it."
    )
    publications: list[PublicationInput] | None = strawberry.field(
        default=UNSET, description="Every publication of the study (replaces the list)."
    )
    environmental_packages: list[str] | None = strawberry.field(
        default=UNSET,
        description="Every MIxS environmental package (replaces the list); only while the "
        "study is sandboxed.",
    )
    timeseries_type_id: int | None = strawberry.field(
        default=UNSET,
        description="The timeseries type, by id (1: none); only while the study is sandboxed."
        + KEEP,
    )
    tags: list[str] | None = strawberry.field(
        default=UNSET,
        description="Every tag (replaces the list); new tags are created; tags an "
        "administrator created are added and removed by administrators only.",
    )


@strawberry.type(description="The result of `updateStudy`.")
class UpdateStudyPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The study to delete.")
class DeleteStudyInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )


@strawberry.type(description="The result of `deleteStudy`.")
class DeleteStudyPayload:
    deleted_study_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted study; null when `userErrors` is not empty."
    )
    study_id: int | None = strawberry.field(
        description="Qiita's integer id of the deleted study; null when nothing was deleted."
    )
    user_errors: list[UserError] = user_errors_field()


def _given(value: object) -> bool:
    return value is not UNSET


def study_changes(input: UpdateStudyInput) -> StudyChanges:
    """The input as the resolver's changes: left out = keep, null = clear (or required)."""
    texts: dict[str, str] = {}
    clear: set[str] = set()
    for name in TEXT_FIELDS:
        value = getattr(input, name)
        if value is None:
            clear.add(name)
        elif _given(value):
            texts[name] = value
    flags = {
        name: getattr(input, name)
        for name in FLAG_FIELDS
        if _given(getattr(input, name)) and getattr(input, name) is not None
    }
    if input.spatial_series is None:
        clear.add("spatial_series")
    elif _given(input.spatial_series):
        flags["spatial_series"] = input.spatial_series
    if input.lab_person is None:
        clear.add("lab_person")
    pi = input.principal_investigator
    lab = input.lab_person
    return StudyChanges(
        texts=texts,
        flags=flags,
        principal_investigator=(pi.name, pi.affiliation) if pi else None,
        lab_person=(lab.name, lab.affiliation) if lab else None,
        clear=frozenset(clear),
        publications=_publications(input.publications),
        environmental_packages=_list(input.environmental_packages),
        tags=_list(input.tags),
        timeseries_type_id=(input.timeseries_type_id if _given(input.timeseries_type_id) else None),
    )


def _publications(value: list[PublicationInput] | None) -> list[Publication] | None:
    if not _given(value) or value is None:
        return None
    return [Publication(item.publication, item.is_doi) for item in value]


def _list(value: list[str] | None) -> list[str] | None:
    return list(value) if _given(value) and value is not None else None


@strawberry.type
class StudyEditingMutations:
    @strawberry.mutation(description="Change a study's fields (its owner, sharers and admins).")
    async def update_study(
        self, info: Info, input: Annotated[UpdateStudyInput, INPUT]
    ) -> UpdateStudyPayload | None:
        async def action(ctx: Context) -> StudyRow:
            study_id = integer_key("Study", input.study_id, "study_id")
            return await editing.update_study(ctx, study_id, study_changes(input))

        study, errors = await run_object_mutation(
            info, action, Study.from_row, not_found="study_id"
        )
        return UpdateStudyPayload(study=study, user_errors=errors)

    @strawberry.mutation(
        description="Delete a study that has no artifacts, with its sample and preparation "
        "information (its owner and admins)."
    )
    async def delete_study(
        self, info: Info, input: Annotated[DeleteStudyInput, INPUT]
    ) -> DeleteStudyPayload | None:
        async def action(ctx: Context) -> int:
            study_id = integer_key("Study", input.study_id, "study_id")
            return await deletion.delete_study(ctx, study_id)

        deleted, errors = await run_mutation(info, action, not_found="study_id")
        return DeleteStudyPayload(
            deleted_study_id=global_id("Study", deleted) if deleted is not None else None,
            study_id=deleted,
            user_errors=errors,
        )
