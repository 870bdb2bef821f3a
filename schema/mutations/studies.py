"""Mutations on studies, persons, sample information and preparations (study-api.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.scalars import JSON

from db.models import PrepTemplate, StudyPerson
from db.models import Study as StudyRow
from resolvers import persons, preparations, samples, studies, study_sharing
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.samples import SamplePatchResult
from schema.context import Info
from schema.errors import UserError
from schema.mutations.running import run_mutation, run_object_mutation
from schema.types.persons import Person
from schema.types.preparations import Preparation
from schema.types.studies import Study


@strawberry.input(description="A contact named by (name, affiliation), as in the REST API.")
class ContactInput:
    name: str
    affiliation: str


@strawberry.input
class CreateStudyInput:
    title: str
    abstract: str
    description: str
    alias: str
    owner_email: str
    principal_investigator: ContactInput
    lab_person: ContactInput
    notes: str = ""


@strawberry.type
class CreateStudyPayload:
    study: Study | None
    user_errors: list[UserError]


@strawberry.input
class CreatePersonInput:
    name: str
    affiliation: str
    email: str
    phone: str | None = None
    address: str | None = None


@strawberry.type
class CreatePersonPayload:
    person: Person | None
    user_errors: list[UserError]


@strawberry.input(description="Samples to add or update: {sample name: {category: value}}.")
class UpdateSampleMetadataInput:
    study_id: int
    samples: JSON


@strawberry.type
class UpdateSampleMetadataPayload:
    study: Study | None
    added: list[str]
    updated: list[str]
    new_categories: list[str]
    created_sample_information: bool
    warnings: list[str]
    user_errors: list[UserError]


@strawberry.input
class CreatePreparationInput:
    study_id: int
    data_type: str
    metadata: JSON = strawberry.field(description="{sample name: {category: value}}.")
    name: str | None = None
    investigation_type: str | None = None


@strawberry.type
class CreatePreparationPayload:
    preparation: Preparation | None
    user_errors: list[UserError]


@strawberry.input(description="A study and the e-mail of the user to share it with (or not).")
class StudySharingInput:
    study_id: int
    email: str


@strawberry.type
class ShareStudyPayload:
    study: Study | None
    user_errors: list[UserError]


@strawberry.type
class UnshareStudyPayload:
    study: Study | None
    user_errors: list[UserError]


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
    async def create_study(self, info: Info, input: CreateStudyInput) -> CreateStudyPayload | None:
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
        self, info: Info, input: CreatePersonInput
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
        self, info: Info, input: UpdateSampleMetadataInput
    ) -> UpdateSampleMetadataPayload | None:
        async def action(ctx: Context) -> tuple[SamplePatchResult, StudyRow]:
            result = await samples.patch_samples(
                ctx, input.study_id, _table(input.samples, "samples")
            )
            return result, await studies.get_study(ctx, input.study_id)

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
        self, info: Info, input: CreatePreparationInput
    ) -> CreatePreparationPayload | None:
        async def action(ctx: Context) -> PrepTemplate:
            return await preparations.create_preparation(
                ctx,
                input.study_id,
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
    async def share_study(self, info: Info, input: StudySharingInput) -> ShareStudyPayload | None:
        study, errors = await run_object_mutation(
            info,
            lambda ctx: study_sharing.share_study(ctx, input.study_id, input.email),
            Study.from_row,
            not_found="study_id",
        )
        return ShareStudyPayload(study=study, user_errors=errors)

    @strawberry.mutation(description="Stop sharing a study with a user.")
    async def unshare_study(
        self, info: Info, input: StudySharingInput
    ) -> UnshareStudyPayload | None:
        study, errors = await run_object_mutation(
            info,
            lambda ctx: study_sharing.unshare_study(ctx, input.study_id, input.email),
            Study.from_row,
            not_found="study_id",
        )
        return UnshareStudyPayload(study=study, user_errors=errors)
