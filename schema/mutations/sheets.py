"""Sample and preparation information from a file in the study's upload folder."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from resolvers import sheets
from resolvers.context import Context
from resolvers.errors import Invalid
from schema.context import Info
from schema.errors import UserError, user_errors


@strawberry.type(description="One problem of a sheet, with its place when it has one.")
class SheetProblem:
    message: str
    row: int | None = strawberry.field(description="1-based row; the header is row 1.")
    column: str | None = strawberry.field(description="The column name as written.")
    column_number: int | None = strawberry.field(description="1-based column.")


@strawberry.type(description="What a sheet holds, what is wrong with it and what it changes.")
class SheetReport:
    applied: bool = strawberry.field(description="False for dry runs and refused sheets.")
    errors: list[SheetProblem]
    warnings: list[SheetProblem]
    samples_added: list[str]
    samples_updated: list[str]
    new_columns: list[str]
    preparation_id: int | None


@strawberry.type
class SheetImportPayload:
    report: SheetReport | None
    user_errors: list[UserError]


@strawberry.input
class SampleInformationFileInput:
    study_id: int
    file_name: str = strawberry.field(description="A .tsv, .txt, .csv or .xlsx upload.")
    dry_run: bool = False


@strawberry.input
class PreparationFileInput:
    study_id: int
    file_name: str = strawberry.field(description="A .tsv, .txt, .csv or .xlsx upload.")
    data_type: str
    name: str | None = None
    investigation_type: str | None = None
    dry_run: bool = False


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
    except Invalid as error:
        return SheetImportPayload(report=None, user_errors=user_errors(error))
    return SheetImportPayload(report=_report(report), user_errors=[])


@strawberry.type
class SheetMutations:
    @strawberry.mutation(
        description="Create a study's sample information from an uploaded sheet "
        "(`dryRun` only reports)."
    )
    async def create_sample_information(
        self, info: Info, input: SampleInformationFileInput
    ) -> SheetImportPayload:
        return await _run(
            info,
            lambda ctx: sheets.import_sample_information(
                ctx, input.study_id, input.file_name, create=True, dry_run=input.dry_run
            ),
        )

    @strawberry.mutation(
        description="Add samples and columns and update values from an uploaded sheet; every "
        "existing column must be in it (`dryRun` only reports)."
    )
    async def update_sample_information(
        self, info: Info, input: SampleInformationFileInput
    ) -> SheetImportPayload:
        return await _run(
            info,
            lambda ctx: sheets.import_sample_information(
                ctx, input.study_id, input.file_name, create=False, dry_run=input.dry_run
            ),
        )

    @strawberry.mutation(
        description="Create a preparation from an uploaded sheet (`dryRun` only reports)."
    )
    async def create_preparation_from_file(
        self, info: Info, input: PreparationFileInput
    ) -> SheetImportPayload:
        return await _run(
            info,
            lambda ctx: sheets.import_preparation(
                ctx,
                input.study_id,
                input.file_name,
                data_type=input.data_type,
                name=input.name,
                investigation_type=input.investigation_type,
                dry_run=input.dry_run,
            ),
        )
