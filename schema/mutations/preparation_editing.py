"""Mutations editing, deprecating and deleting preparations, and deleting samples and
columns of sample and preparation information."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import PrepTemplate
from db.models import Study as StudyRow
from resolvers.context import Context
from resolvers.studies import metadata_deletion, preparation_editing
from resolvers.studies.preparation_editing import DeletedPreparation, PreparationChanges
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.relay import global_id, integer_key
from schema.types.preparations import Preparation
from schema.types.studies import Study

PREP_ID = "The preparation, by global id or Qiita's integer id."
STUDY_ID = "The study, by global id or Qiita's integer id."
SAMPLE_PATHS = {"samples": ["input", "sampleNames"]}


def _prep_key(value: str) -> int:
    return integer_key("Preparation", value, "prep_id")


def _study_key(value: str) -> int:
    return integer_key("Study", value, "study_id")


@strawberry.input(description="Changes to a preparation; a field left out keeps its value.")
class UpdatePreparationInput:
    prep_id: strawberry.ID = strawberry.field(description=PREP_ID)
    name: str | None = strawberry.field(default=None, description="A new name.")
    investigation_type: str | None = strawberry.field(
        default=None, description="A new investigation type (an ENA term: AMPLICON, WGS...)."
    )
    deprecated: bool | None = strawberry.field(
        default=None, description="True deprecates the preparation, false restores it."
    )


@strawberry.type(description="The result of `updatePreparation`.")
class UpdatePreparationPayload:
    preparation: Preparation | None = strawberry.field(
        description="The preparation as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The preparation to delete.")
class DeletePreparationInput:
    prep_id: strawberry.ID = strawberry.field(description=PREP_ID)


@strawberry.type(description="The result of `deletePreparation`.")
class DeletePreparationPayload:
    deleted_preparation_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted preparation; null when nothing was deleted."
    )
    study: Study | None = strawberry.field(
        description="The study it belonged to; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Samples to delete from a study's sample information.")
class DeleteSamplesInput:
    study_id: strawberry.ID = strawberry.field(description=STUDY_ID)
    sample_names: list[str] = strawberry.field(
        description="Sample ids, with or without the `<study id>.` prefix."
    )


@strawberry.input(description="Columns (categories) to delete from a study's sample information.")
class DeleteSampleColumnsInput:
    study_id: strawberry.ID = strawberry.field(description=STUDY_ID)
    columns: list[str] = strawberry.field(description="The names of the columns.")


@strawberry.type(description="The result of `deleteSamples` and `deleteSampleColumns`.")
class DeleteSampleInformationPayload:
    study: Study | None = strawberry.field(
        description="The study as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Samples to delete from a preparation.")
class DeletePreparationSamplesInput:
    prep_id: strawberry.ID = strawberry.field(description=PREP_ID)
    sample_names: list[str] = strawberry.field(
        description="Sample ids, with or without the `<study id>.` prefix."
    )


@strawberry.input(description="Columns to delete from a preparation's information.")
class DeletePreparationColumnsInput:
    prep_id: strawberry.ID = strawberry.field(description=PREP_ID)
    columns: list[str] = strawberry.field(description="The names of the columns.")


@strawberry.type(
    description="The result of `deletePreparationSamples` and `deletePreparationColumns`."
)
class DeletePreparationInformationPayload:
    preparation: Preparation | None = strawberry.field(
        description="The preparation as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class PreparationEditingMutations:
    @strawberry.mutation(
        description="Rename a preparation, change its investigation type, deprecate or "
        "restore it (those who may change its study)."
    )
    async def update_preparation(
        self, info: Info, input: Annotated[UpdatePreparationInput, INPUT]
    ) -> UpdatePreparationPayload | None:
        changes = PreparationChanges(
            name=input.name,
            investigation_type=input.investigation_type,
            deprecated=input.deprecated,
        )
        preparation, errors = await run_object_mutation(
            info,
            lambda ctx: preparation_editing.update_preparation(
                ctx, _prep_key(input.prep_id), changes
            ),
            Preparation.from_row,
            not_found="prep_id",
        )
        return UpdatePreparationPayload(preparation=preparation, user_errors=errors)

    @strawberry.mutation(
        description="Delete a preparation that has no artifacts, with its samples' rows and "
        "its information files (those who may change its study)."
    )
    async def delete_preparation(
        self, info: Info, input: Annotated[DeletePreparationInput, INPUT]
    ) -> DeletePreparationPayload | None:
        async def action(ctx: Context) -> tuple[DeletedPreparation, StudyRow | None]:
            deleted = await preparation_editing.delete_preparation(ctx, _prep_key(input.prep_id))
            return deleted, await ctx.session.get(StudyRow, deleted.study_id)

        done, errors = await run_mutation(info, action, not_found="prep_id")
        if done is None:
            return DeletePreparationPayload(
                deleted_preparation_id=None, study=None, user_errors=errors
            )
        deleted, study = done
        return DeletePreparationPayload(
            deleted_preparation_id=global_id("Preparation", deleted.prep_id),
            study=Study.from_row(study) if study is not None else None,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Delete samples from a study's sample information; refused for samples "
        "a preparation uses and for all of them."
    )
    async def delete_samples(
        self, info: Info, input: Annotated[DeleteSamplesInput, INPUT]
    ) -> DeleteSampleInformationPayload | None:
        async def action(ctx: Context) -> StudyRow:
            return await metadata_deletion.delete_samples(
                ctx, _study_key(input.study_id), input.sample_names
            )

        study, errors = await run_object_mutation(
            info, action, Study.from_row, paths=SAMPLE_PATHS, not_found="study_id"
        )
        return DeleteSampleInformationPayload(study=study, user_errors=errors)

    @strawberry.mutation(
        description="Delete columns (categories) from a study's sample information."
    )
    async def delete_sample_columns(
        self, info: Info, input: Annotated[DeleteSampleColumnsInput, INPUT]
    ) -> DeleteSampleInformationPayload | None:
        async def action(ctx: Context) -> StudyRow:
            return await metadata_deletion.delete_sample_columns(
                ctx, _study_key(input.study_id), input.columns
            )

        study, errors = await run_object_mutation(
            info, action, Study.from_row, not_found="study_id"
        )
        return DeleteSampleInformationPayload(study=study, user_errors=errors)

    @strawberry.mutation(
        description="Delete samples from a preparation; refused once it has artifacts and "
        "for all of them."
    )
    async def delete_preparation_samples(
        self, info: Info, input: Annotated[DeletePreparationSamplesInput, INPUT]
    ) -> DeletePreparationInformationPayload | None:
        async def action(ctx: Context) -> PrepTemplate:
            return await metadata_deletion.delete_preparation_samples(
                ctx, _prep_key(input.prep_id), input.sample_names
            )

        preparation, errors = await run_object_mutation(
            info, action, Preparation.from_row, paths=SAMPLE_PATHS, not_found="prep_id"
        )
        return DeletePreparationInformationPayload(preparation=preparation, user_errors=errors)

    @strawberry.mutation(
        description="Delete columns from a preparation's information; `barcode`, `primer` and "
        "`run_prefix` of a processed amplicon preparation stay."
    )
    async def delete_preparation_columns(
        self, info: Info, input: Annotated[DeletePreparationColumnsInput, INPUT]
    ) -> DeletePreparationInformationPayload | None:
        async def action(ctx: Context) -> PrepTemplate:
            return await metadata_deletion.delete_preparation_columns(
                ctx, _prep_key(input.prep_id), input.columns
            )

        preparation, errors = await run_object_mutation(
            info, action, Preparation.from_row, not_found="prep_id"
        )
        return DeletePreparationInformationPayload(preparation=preparation, user_errors=errors)
