"""Sample and preparation information from a file in the study's upload folder."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.studies import sheets
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors, user_errors_field
from schema.relay import integer_key


@strawberry.type(description="One problem of a sheet, with its place when it has one.")
class SheetProblem:
    message: str = strawberry.field(description="What is wrong, in words.")
    row: int | None = strawberry.field(description="1-based row; the header is row 1.")
    column: str | None = strawberry.field(description="The column name as written.")
    column_number: int | None = strawberry.field(description="1-based column.")


@strawberry.type(description="What a sheet holds, what is wrong with it and what it changes.")
class SheetReport:
    applied: bool = strawberry.field(description="False for dry runs and refused sheets.")
    errors: list[SheetProblem] = strawberry.field(
        description="Problems that stop the sheet from being applied."
    )
    warnings: list[SheetProblem] = strawberry.field(
        description="Things worth a look that do not stop it (empty cells, ignored columns)."
    )
    samples_added: list[str] = strawberry.field(description="Samples the sheet adds.")
    samples_updated: list[str] = strawberry.field(
        description="Existing samples whose values the sheet changes."
    )
    new_columns: list[str] = strawberry.field(description="Columns the sheet adds.")
    preparation_id: int | None = strawberry.field(
        description="The new preparation's integer id; null unless one was created."
    )


@strawberry.type(description="The result of a sheet import.")
class SheetImportPayload:
    report: SheetReport | None = strawberry.field(
        description="The validation report; null when the input itself was refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A sheet of sample information in a study's upload folder.")
class SampleInformationFileInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    file_name: str = strawberry.field(description="A .tsv, .txt, .csv or .xlsx upload.")
    dry_run: bool = strawberry.field(
        default=False, description="Only report: check everything, change nothing."
    )


@strawberry.input(description="A sheet of preparation information in a study's upload folder.")
class PreparationFileInput:
    study_id: strawberry.ID = strawberry.field(
        description="The study, by global id or Qiita's integer id."
    )
    file_name: str = strawberry.field(description="A .tsv, .txt, .csv or .xlsx upload.")
    data_type: str = strawberry.field(description="The preparation's data type (16S, ...).")
    name: str | None = strawberry.field(default=None, description="The preparation's name.")
    investigation_type: str | None = strawberry.field(
        default=None, description="The investigation type (an ENA term)."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Only report: check everything, change nothing."
    )


SHEET_PATHS = {"file": ["input", "fileName"]}
"""Problems of the sheet itself point at the input field that names it."""


def _study(value: str) -> int:
    return integer_key("Study", value, "study_id")


def _problem(problem: sheets.SheetProblem) -> SheetProblem:
    return SheetProblem(
        message=problem.message,
        row=problem.row,
        column=problem.column,
        column_number=problem.column_number,
    )


def _report(report: sheets.SheetReport) -> SheetReport:
    return SheetReport(
        applied=report.applied,
        errors=[_problem(p) for p in report.errors],
        warnings=[_problem(p) for p in report.warnings],
        samples_added=report.samples_added,
        samples_updated=report.samples_updated,
        new_columns=report.new_columns,
        preparation_id=report.preparation_id,
    )


async def _run(
    info: Info, action: Callable[[Context], Awaitable[sheets.SheetReport]]
) -> SheetImportPayload:
    try:
        async with info.context.unit_of_work() as ctx:
            report = await action(ctx)
    except sheets.ReportOnly as stopped:
        report = stopped.report
    except (Invalid, Conflict, NotFound) as error:
        return SheetImportPayload(
            report=None, user_errors=user_errors(error, SHEET_PATHS, not_found="study_id")
        )
    return SheetImportPayload(report=_report(report), user_errors=[])


async def _sample_information(
    info: Info, input: SampleInformationFileInput, *, create: bool
) -> SheetImportPayload:
    return await _run(
        info,
        lambda ctx: sheets.import_sample_information(
            ctx, _study(input.study_id), input.file_name, create=create, dry_run=input.dry_run
        ),
    )


@strawberry.type(description="Sample and preparation information from uploaded sheets.")
class SheetMutations:
    @strawberry.mutation(
        description="Create a study's sample information from an uploaded sheet "
        "(`dryRun` only reports)."
    )
    async def create_sample_information(
        self, info: Info, input: Annotated[SampleInformationFileInput, INPUT]
    ) -> SheetImportPayload:
        return await _sample_information(info, input, create=True)

    @strawberry.mutation(
        description="Add samples and columns and update values from an uploaded sheet; every "
        "existing column must be in it (`dryRun` only reports)."
    )
    async def update_sample_information(
        self, info: Info, input: Annotated[SampleInformationFileInput, INPUT]
    ) -> SheetImportPayload:
        return await _sample_information(info, input, create=False)

    @strawberry.mutation(
        description="Create a preparation from an uploaded sheet (`dryRun` only reports)."
    )
    async def create_preparation_from_file(
        self, info: Info, input: Annotated[PreparationFileInput, INPUT]
    ) -> SheetImportPayload:
        return await _run(
            info,
            lambda ctx: sheets.import_preparation(
                ctx,
                _study(input.study_id),
                input.file_name,
                data_type=input.data_type,
                name=input.name,
                investigation_type=input.investigation_type,
                dry_run=input.dry_run,
            ),
        )
