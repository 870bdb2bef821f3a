"""Sample and preparation information from a TSV, CSV or XLSX file in a study's upload folder.

The file is read into a table, every header and row is checked with the metadata rules
(resolvers.studies.metadata_rules) so that each problem names its row and column, and only a clean
table is handed to the same resolvers the REST routes use (samples, preparations). A dry
run, or a table those resolvers refuse, ends in `ReportOnly`: the caller's unit of work then
rolls back, so nothing (rows or template files) is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.files import PathOutsideRoot, resolve_inside
from resolvers.artifacts.uploaded_artifacts import study_upload_folder
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.studies import preparations, samples
from resolvers.studies.metadata_rules import (
    PREP_FORBIDDEN_WORDS,
    READER_DROPPED_COLUMNS,
    SAMPLE_FORBIDDEN_WORDS,
    SILENTLY_DROPPED_COLUMNS,
    normalise_column_names,
    normalise_value,
    prefix_sample_name,
    validate_sample_names,
)
from resolvers.studies.studies import find_editable_study

SAMPLE_NAME = "sample_name"
MAX_WARNINGS = 200
DELIMITERS = {".tsv": "\t", ".txt": "\t", ".csv": ","}
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class SheetProblem:
    message: str
    row: int | None = None
    """1-based row of the file (the header is row 1); None for the whole file."""
    column: str | None = None
    column_number: int | None = None
    """1-based column of the file."""


@dataclass
class SheetReport:
    errors: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)
    samples_added: list[str] = field(default_factory=list)
    samples_updated: list[str] = field(default_factory=list)
    new_columns: list[str] = field(default_factory=list)
    applied: bool = False
    preparation_id: int | None = None


class ReportOnly(Exception):
    """Nothing is kept: a dry run, or a sheet with errors. Carries the report."""

    def __init__(self, report: SheetReport) -> None:
        super().__init__("sheet not applied")
        self.report = report


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[str | None]]]
    """(1-based row number in the file, cells) for every non-blank row after the header."""


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _sheet_from_rows(rows: Iterable[Sequence[Any]]) -> Sheet:
    header: list[str] | None = None
    body: list[tuple[int, list[str | None]]] = []
    for number, raw in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in raw]
        if not any(cell is not None and cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell or "" for cell in cells]
            continue
        body.append((number, cells))
    if header is None:
        raise Invalid("The file is empty: it needs a header row and samples.", "file")
    while header and not header[-1].strip():
        width = len(header)
        if any(len(cells) >= width and (cells[width - 1] or "").strip() for _, cells in body):
            break
        header.pop()
    return Sheet(header=header, rows=body)


def read_sheet(path: Path) -> Sheet:
    """TSV (`.tsv`, `.txt`), CSV (`.csv`) or Excel (`.xlsx`) as a sheet of text cells."""
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(path)
    delimiter = DELIMITERS.get(suffix)
    if delimiter is None:
        raise Invalid(
            f"{path.name}: sample and preparation information is read from .tsv, .txt, .csv "
            "or .xlsx files.",
            "file",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8.", "file"
        ) from None
    return _sheet_from_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_workbook(path: Path) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise Invalid(f"{path.name} is not a readable Excel workbook: {exc}", "file") from None
    try:
        worksheet = book.worksheets[0]
        return _sheet_from_rows(worksheet.iter_rows(values_only=True))
    finally:
        book.close()


def check_sheet(
    sheet: Sheet, forbidden: frozenset[str]
) -> tuple[dict[str, dict[str, str | None]], SheetReport]:
    """The table {sample: {column: value}} and a report of every problem with its place."""
    report = SheetReport()
    header = sheet.header
    if not header or header[0].strip().lower() != SAMPLE_NAME:
        report.errors.append(
            SheetProblem(
                f"The first column must be {SAMPLE_NAME}.", 1, header[0] if header else None, 1
            )
        )
    kept = _kept_columns(header, forbidden, report)
    table = _checked_rows(sheet, kept, report)
    if not sheet.rows:
        report.errors.append(SheetProblem("The file has a header but no samples."))
    return table, report


def _kept_columns(
    header: list[str], forbidden: frozenset[str], report: SheetReport
) -> list[tuple[int, str]]:
    """(index, name) of the header's columns that are stored; problems go to `report`."""
    kept: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header[1:], start=1):
        name = raw.strip().lower()

        def at_header(message: str, raw: str = raw, index: int = index) -> SheetProblem:
            return SheetProblem(message, 1, raw, index + 1)

        if name in READER_DROPPED_COLUMNS:
            report.warnings.append(
                at_header(f"Column {raw!r} repeats the sample name and is ignored.")
            )
            continue
        if name in SILENTLY_DROPPED_COLUMNS:
            continue
        try:
            normalise_column_names([raw], forbidden=forbidden)
        except Invalid as exc:
            report.errors.append(at_header(exc.message))
            continue
        if name in seen:
            report.errors.append(
                at_header(
                    f"Duplicate column {raw!r} (also column {seen[name]}; names ignore case)."
                )
            )
            continue
        seen[name] = index + 1
        kept.append((index, raw))
    return kept


def _checked_rows(
    sheet: Sheet, kept: list[tuple[int, str]], report: SheetReport
) -> dict[str, dict[str, str | None]]:
    """{sample: {column: value}} of the rows with a valid, unique sample name."""
    header = sheet.header
    table: dict[str, dict[str, str | None]] = {}
    rows_of: dict[str, int] = {}
    for number, cells in sheet.rows:
        name = (cells[0] or "").strip() if cells else ""
        if len(cells) > len(header) and any((c or "").strip() for c in cells[len(header) :]):
            report.errors.append(
                SheetProblem("This row has more cells than the header.", number, None, None)
            )
        if not name:
            report.errors.append(SheetProblem("The sample name is empty.", number, SAMPLE_NAME, 1))
            continue
        try:
            validate_sample_names([name])
        except Invalid as exc:
            report.errors.append(SheetProblem(exc.message, number, SAMPLE_NAME, 1))
            continue
        if name in rows_of:
            report.errors.append(
                SheetProblem(
                    f"Sample {name!r} is also in row {rows_of[name]}.", number, SAMPLE_NAME, 1
                )
            )
            continue
        rows_of[name] = number
        values: dict[str, str | None] = {}
        for index, column in kept:
            value = cells[index] if index < len(cells) else None
            values[column] = value
            if normalise_value(value) is None:
                _warn(
                    report,
                    SheetProblem(
                        "Empty cell: stored as null; consider a missing-value term such as "
                        "'not provided'.",
                        number,
                        column,
                        index + 1,
                    ),
                )
        table[name] = values
    return table


def _warn(report: SheetReport, problem: SheetProblem) -> None:
    if len(report.warnings) < MAX_WARNINGS:
        report.warnings.append(problem)
    elif len(report.warnings) == MAX_WARNINGS:
        report.warnings.append(SheetProblem(f"More warnings were left out (first {MAX_WARNINGS})."))


async def _load_sheet(ctx: Context, study_id: int, filename: str) -> Sheet:
    await find_editable_study(ctx, study_id)
    folder = await study_upload_folder(ctx, study_id)
    try:
        path = resolve_inside(folder, filename)
    except PathOutsideRoot:
        raise Invalid("The file must be in the study's upload folder.", "fileName") from None
    if not path.is_file():
        raise Invalid(f"{filename} is not in the study's upload folder.", "fileName")
    return read_sheet(path)


def _finish(report: SheetReport, *, dry_run: bool) -> SheetReport:
    if dry_run or report.errors:
        raise ReportOnly(report)
    report.applied = True
    return report


def _refused(report: SheetReport, error: Invalid) -> ReportOnly:
    report.errors.append(SheetProblem(error.message, column=error.field))
    return ReportOnly(report)


async def import_sample_information(
    ctx: Context, study_id: int, filename: str, *, create: bool, dry_run: bool = False
) -> SheetReport:
    """Create (or extend and update) a study's sample information from an uploaded file."""
    sheet = await _load_sheet(ctx, study_id, filename)
    table, report = check_sheet(sheet, SAMPLE_FORBIDDEN_WORDS)
    if report.errors:
        raise ReportOnly(report)
    try:
        if create:
            result = await samples.create_sample_information(ctx, study_id, table)
        else:
            result = await samples.patch_samples(ctx, study_id, table)
    except Invalid as exc:
        raise _refused(report, exc) from None
    report.samples_added = list(result.added)
    report.samples_updated = list(result.updated)
    report.new_columns = list(result.new_categories)
    report.warnings.extend(SheetProblem(text) for text in result.warnings)
    return _finish(report, dry_run=dry_run)


async def import_preparation(
    ctx: Context,
    study_id: int,
    filename: str,
    *,
    data_type: str,
    name: str | None = None,
    investigation_type: str | None = None,
    dry_run: bool = False,
) -> SheetReport:
    """Create a preparation of existing samples from an uploaded file."""
    sheet = await _load_sheet(ctx, study_id, filename)
    table, report = check_sheet(sheet, PREP_FORBIDDEN_WORDS)
    if report.errors:
        raise ReportOnly(report)
    try:
        prep = await preparations.create_preparation(
            ctx,
            study_id,
            data_type,
            table,
            name=name,
            investigation_type=investigation_type,
        )
    except Invalid as exc:
        raise _refused(report, exc) from None
    report.samples_added = [prefix_sample_name(study_id, sample) for sample in table]
    report.new_columns = list(prep.columns)
    report.preparation_id = None if dry_run else prep.id
    return _finish(report, dry_run=dry_run)
