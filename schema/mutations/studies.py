"""Mutations on studies, persons, sample information and preparations (study-api.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from db.models import PrepTemplate, StudyPerson
from db.models import Study as StudyRow
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.studies import persons, preparations, samples, sharing, studies
from resolvers.studies.samples import SamplePatchResult
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.relay import integer_key
from schema.types.persons import Person
from schema.types.preparations import Preparation
from schema.types.studies import Study


@strawberry.input(description="A contact named by (name, affiliation), as in the REST API.")
class ContactInput:
    name: str = strawberry.field(description="The person's name.")
    affiliation: str = strawberry.field(description="The person's institution.")


@strawberry.input(description="A new study; the contacts must exist.")
class CreateStudyInput:
    title: str = strawberry.field(description="The title; must not be used by another study.")
    abstract: str = strawberry.field(description="The study's abstract.")
    description: str = strawberry.field(description="The study's description.")
    alias: str = strawberry.field(description="A short name of the study.")
    owner_email: str = strawberry.field(
        description="The e-mail of the owner (yourself unless you are an administrator)."
    )
    principal_investigator: ContactInput = strawberry.field(
        description="An existing study person, the principal investigator."
    )
    lab_person: ContactInput = strawberry.field(
        description="An existing study person, the lab contact."
    )
    notes: str = strawberry.field(default="", description="Free-text notes.")


@strawberry.type(description="The result of `createStudy`.")
class CreateStudyPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A new study contact.")
class CreatePersonInput:
    name: str = strawberry.field(description="The person's name; with the affiliation, unique.")
    affiliation: str = strawberry.field(description="The person's institution.")
    email: str = strawberry.field(description="The person's e-mail address.")
    phone: str | None = strawberry.field(default=None, description="The person's phone number.")
    address: str | None = strawberry.field(
        default=None, description="The person's postal address (at most 100 characters)."
    )


@strawberry.type(description="The result of `createPerson`.")
class CreatePersonPayload:
    person: Person | None = strawberry.field(
        description="The person as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Samples to add or update: {sample name: {category: value}}.")
class UpdateSampleMetadataInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    samples: JSON = strawberry.field(description="{sample name: {category: value}}.")


@strawberry.type(description="The result of `updateSampleMetadata`.")
class UpdateSampleMetadataPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    added: list[str] = strawberry.field(description="Names of the samples added.")
    updated: list[str] = strawberry.field(description="Names of the samples changed.")
    new_categories: list[str] = strawberry.field(description="Categories (columns) added.")
    created_sample_information: bool = strawberry.field(
        description="Whether the study had no sample information before."
    )
    warnings: list[str] = strawberry.field(
        description="Things accepted but worth a look (values left out...)."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A new preparation of a study, with its table.")
class CreatePreparationInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    data_type: str = strawberry.field(description="The data type (16S, Metagenomic...).")
    metadata: JSON = strawberry.field(description="{sample name: {category: value}}.")
    name: str | None = strawberry.field(
        default=None, description="A name; a default one when not given."
    )
    investigation_type: str | None = strawberry.field(
        default=None, description="The investigation type (Metagenome, Amplicon...)."
    )


@strawberry.type(description="The result of `createPreparation`.")
class CreatePreparationPayload:
    preparation: Preparation | None = strawberry.field(
        description="The preparation as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A study and the e-mail of the user to share it with.")
class ShareStudyInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    email: str = strawberry.field(description="The user's e-mail address (case-insensitive).")


@strawberry.input(description="A study and the e-mail of the user to stop sharing it with.")
class UnshareStudyInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    email: str = strawberry.field(description="The user's e-mail address (case-insensitive).")


@strawberry.type(description="The result of `shareStudy`.")
class ShareStudyPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `unshareStudy`.")
class UnshareStudyPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


def _study_key(value: str) -> int:
    return integer_key("Study", value, "study_id")


def _table(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid("Expected a JSON object {sample name: {category: value}}.", field)
    return value


CREATE_STUDY_PATHS = {
    "study_abstract": ["input", "abstract"],
    "study_description": ["input", "description"],
    "study_alias": ["input", "alias"],
}


INPUT_SCALARS = ("study_id", "data_type", "investigation_type", "name")


def _table_path(table: str) -> Callable[[str], list[str] | None]:
    """Problems of a metadata table (its samples, categories, values) point at the table."""

    def path(name: str) -> list[str] | None:
        return None if name in INPUT_SCALARS else ["input", table]

    return path


@strawberry.type
class StudyMutations:
    @strawberry.mutation(description="Create a study (as `POST /api/v1/study`).")
    async def create_study(
        self, info: Info, input: Annotated[CreateStudyInput, INPUT]
    ) -> CreateStudyPayload | None:
        async def action(ctx: Context) -> StudyRow:
            return await studies.create_study(
                ctx,
                title=input.title,
                abstract=input.abstract,
                description=input.description,
                alias=input.alias,
                owner_email=input.owner_email,
                principal_investigator=(
                    input.principal_investigator.name,
                    input.principal_investigator.affiliation,
                ),
                lab_person=(input.lab_person.name, input.lab_person.affiliation),
                notes=input.notes,
            )

        study, errors = await run_object_mutation(
            info, action, Study.from_row, paths=CREATE_STUDY_PATHS
        )
        return CreateStudyPayload(study=study, user_errors=errors)

    @strawberry.mutation(description="Create a study contact (as `POST /api/v1/person`).")
    async def create_person(
        self, info: Info, input: Annotated[CreatePersonInput, INPUT]
    ) -> CreatePersonPayload | None:
        async def action(ctx: Context) -> StudyPerson:
            return await persons.create_person(
                ctx,
                name=input.name,
                affiliation=input.affiliation,
                email=input.email,
                phone=input.phone,
                address=input.address,
            )

        person, errors = await run_object_mutation(info, action, Person.from_row)
        return CreatePersonPayload(person=person, user_errors=errors)

    @strawberry.mutation(
        description="Add or update samples (as `PATCH /api/v1/study/{id}/samples`)."
    )
    async def update_sample_metadata(
        self, info: Info, input: Annotated[UpdateSampleMetadataInput, INPUT]
    ) -> UpdateSampleMetadataPayload | None:
        async def action(ctx: Context) -> tuple[SamplePatchResult, StudyRow]:
            result = await samples.patch_samples(
                ctx, _study_key(input.study_id), _table(input.samples, "samples")
            )
            return result, await studies.find_study(ctx, _study_key(input.study_id))

        done, errors = await run_mutation(
            info, action, paths=_table_path("samples"), not_found="study_id"
        )
        if done is None:
            return UpdateSampleMetadataPayload(
                study=None,
                added=[],
                updated=[],
                new_categories=[],
                created_sample_information=False,
                warnings=[],
                user_errors=errors,
            )
        result, study = done
        return UpdateSampleMetadataPayload(
            study=Study.from_row(study),
            added=result.added,
            updated=result.updated,
            new_categories=result.new_categories,
            created_sample_information=result.created_template,
            warnings=result.warnings,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Create a preparation (as `POST /api/v1/study/{id}/preparation`)."
    )
    async def create_preparation(
        self, info: Info, input: Annotated[CreatePreparationInput, INPUT]
    ) -> CreatePreparationPayload | None:
        async def action(ctx: Context) -> PrepTemplate:
            return await preparations.create_preparation(
                ctx,
                _study_key(input.study_id),
                input.data_type,
                _table(input.metadata, "metadata"),
                name=input.name,
                investigation_type=input.investigation_type,
            )

        preparation, errors = await run_object_mutation(
            info, action, Preparation.from_row, paths=_table_path("metadata"), not_found="study_id"
        )
        return CreatePreparationPayload(preparation=preparation, user_errors=errors)

    @strawberry.mutation(description="Share a study with a user (owner, sharers and admins).")
    async def share_study(
        self, info: Info, input: Annotated[ShareStudyInput, INPUT]
    ) -> ShareStudyPayload | None:
        study, errors = await run_object_mutation(
            info,
            lambda ctx: sharing.share_study(ctx, _study_key(input.study_id), input.email),
            Study.from_row,
            not_found="study_id",
        )
        return ShareStudyPayload(study=study, user_errors=errors)

    @strawberry.mutation(description="Stop sharing a study with a user.")
    async def unshare_study(
        self, info: Info, input: Annotated[UnshareStudyInput, INPUT]
    ) -> UnshareStudyPayload | None:
        study, errors = await run_object_mutation(
            info,
            lambda ctx: sharing.unshare_study(ctx, _study_key(input.study_id), input.email),
            Study.from_row,
            not_found="study_id",
        )
        return UnshareStudyPayload(study=study, user_errors=errors)
