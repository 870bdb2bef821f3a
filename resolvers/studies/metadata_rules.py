"""Rules for sample and preparation metadata: names, column names and values (domain.md §2.5).

Pure functions: no database, no I/O. Sample and prep templates, the REST surface and
GraphQL all clean uploaded tables through these, so one table is judged the same way
everywhere. Every check collects all problems of a kind and reports them in one message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from resolvers.errors import Invalid, raise_problems

# PostgreSQL 13 reserved key words (category "R"), frozen so that templates accepted
# once stay accepted whatever server we run on (domain.md §2.5, §6.2 item 9).
POSTGRES_RESERVED_WORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time
    current_timestamp current_user default deferrable desc distinct do else end except false
    fetch for foreign from grant group having in initially intersect into lateral leading
    limit localtime localtimestamp not null offset on only or order placing primary
    references returning select session_user some symmetric table then to trailing true
    union unique user using variadic when where window with
    """.split()
)

QIIME2_RESERVED_NAMES = frozenset(
    {"feature id", "feature-id", "featureid", "id", "sample id", "sample-id", "sampleid"}
)

SAMPLE_FORBIDDEN_WORDS = frozenset(
    {
        "barcodesequence",
        "linkerprimersequence",
        "barcode",
        "linker",
        "primer",
        "run_prefix",
        "sampleid",
        "qiita_study_id",
        "qiita_prep_id",
        "qiita_sample_column_names",
    }
)
PREP_FORBIDDEN_WORDS = frozenset(
    {"sampleid", "qiita_study_id", "qiita_prep_id", "qiita_sample_column_names"}
)

# Dropped before validation so that a downloaded file uploaded again round-trips.
SILENTLY_DROPPED_COLUMNS = frozenset({"qiita_study_id", "qiita_prep_id"})
# Dropped by the file reader (with a warning): they duplicate the sample name.
READER_DROPPED_COLUMNS = frozenset({"sample_id", "sample-id"})

_SAMPLE_NAME = re.compile(r"[A-Za-z0-9.]+")
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_:|]*")
# Tabs, line breaks and the other control characters (NUL cannot be stored in PostgreSQL).
_EMBEDDED_BLANKS = re.compile(r"[\x00-\x1f\x7f]")

_MISSING_VALUE_SPELLINGS = {
    "not collected": "not collected",
    "not_collected": "not collected",
    "missing: not collected": "not collected",
    "not provided": "not provided",
    "not_provided": "not provided",
    "missing: not provided": "not provided",
    "restricted access": "restricted access",
    "restricted_access": "restricted access",
    "missing: restricted access": "restricted access",
    "not applicable": "not applicable",
    "not_applicable": "not applicable",
    "missing: not applicable": "not applicable",
    "unspecified": "not applicable",
}
CANONICAL_MISSING_VALUES = frozenset(_MISSING_VALUE_SPELLINGS.values())
_MISSING_VALUE_LENGTHS = frozenset(len(spelling) for spelling in _MISSING_VALUE_SPELLINGS)


@dataclass(frozen=True)
class CleanTable:
    """An uploaded table after cleaning: prefixed sample names, lower-cased columns."""

    rows: dict[str, dict[str, str | None]]
    columns: list[str]
    submitted_names: dict[str, str] = field(default_factory=dict)
    """Stored (prefixed) name -> the name as it was submitted."""
    warnings: list[str] = field(default_factory=list)


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(repr(item) for item in items)


def validate_sample_names(names: Iterable[str]) -> None:
    """Names may hold only ASCII letters, digits and dots, and appear once (domain.md §2.5)."""
    seen: set[str] = set()
    invalid: list[str] = []
    duplicates: list[str] = []
    for name in names:
        if not _SAMPLE_NAME.fullmatch(name):
            invalid.append(name)
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    problems = []
    if invalid:
        problems.append(
            "Sample names may contain only ASCII letters, digits and '.'; "
            f"invalid: {_quoted(invalid)}."
        )
    if duplicates:
        problems.append(f"Duplicate sample names: {_quoted(duplicates)}.")
    if problems:
        raise Invalid(" ".join(problems), "sample_name")


def has_study_prefix(study_id: int, name: str) -> bool:
    """True when `name` already starts with `<study_id>.` and is more than that prefix."""
    head, dot, rest = name.partition(".")
    return bool(dot) and head == str(study_id) and rest != ""


def prefix_sample_name(study_id: int, name: str) -> str:
    """`SKB8.640193` -> `1.SKB8.640193` for study 1; already prefixed names are kept."""
    return name if has_study_prefix(study_id, name) else f"{study_id}.{name}"


def normalise_column_names(
    columns: Iterable[str], *, forbidden: frozenset[str] = SAMPLE_FORBIDDEN_WORDS
) -> list[str]:
    """Lower-case and check column names; returns them in order, dropped ones removed.

    Refuses empty, malformed, PostgreSQL-reserved, QIIME 2 reserved, forbidden and
    duplicate names, all reported together.
    """
    result: list[str] = []
    empty = 0
    malformed: list[str] = []
    reserved: list[str] = []
    qiime: list[str] = []
    refused: list[str] = []
    duplicates: list[str] = []
    for raw in columns:
        name = raw.strip().lower()
        if name in SILENTLY_DROPPED_COLUMNS or name in READER_DROPPED_COLUMNS:
            continue
        if not name:
            empty += 1
            continue
        if name in QIIME2_RESERVED_NAMES:
            qiime.append(name)
        elif name == "sample_name":
            refused.append(name)
        elif name in forbidden:
            refused.append(name)
        elif not _COLUMN_NAME.fullmatch(name):
            malformed.append(raw)
        elif name in POSTGRES_RESERVED_WORDS:
            reserved.append(name)
        if name in result:
            if name not in duplicates:
                duplicates.append(name)
            continue
        result.append(name)
    problems = []
    if empty:
        problems.append("Column names may not be empty.")
    if malformed:
        problems.append(
            "Column names must start with a letter and contain only ASCII letters, digits, "
            f"'_', ':' and '|'; invalid: {_quoted(malformed)}."
        )
    if reserved:
        problems.append(f"Reserved words cannot be column names: {_quoted(reserved)}.")
    if qiime:
        problems.append(f"QIIME 2 reserved names cannot be column names: {_quoted(qiime)}.")
    if refused:
        problems.append(f"These column names are not allowed here: {_quoted(refused)}.")
    if duplicates:
        problems.append(f"Duplicate column names (case-insensitive): {_quoted(duplicates)}.")
    if problems:
        raise Invalid(" ".join(problems), "columns")
    return result


def normalise_value(value: str | None) -> str | None:
    """Trim, drop embedded tabs and line breaks, map missing-value words to their canonical form.

    An empty cell is null (domain.md §2.5, "Missing values").
    """
    if value is None:
        return None
    # Fast path first: a template holds millions of cells and most are plain text.
    cleaned = (value if value.isprintable() else _EMBEDDED_BLANKS.sub("", value)).strip()
    if not cleaned:
        return None
    if len(cleaned) in _MISSING_VALUE_LENGTHS:
        return _MISSING_VALUE_SPELLINGS.get(cleaned.lower(), cleaned)
    return cleaned


def value_as_text(value: Any, *, sample: str, column: str) -> str | None:
    """A submitted JSON cell as text: strings as they are, numbers as written, booleans by name.

    Numbers arrive as their original text when the body was decoded with numbers kept
    verbatim; objects and lists are refused.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    raise Invalid(
        f"The value of {column!r} for sample {sample!r} must be text or a number, "
        f"not {type(value).__name__}.",
        column,
    )


def _raw_columns(table: Mapping[str, Any], problems: list[Invalid]) -> list[str]:
    """Every column of the table as submitted, in order of first appearance."""
    raw_columns: list[str] = []
    seen_raw: set[str] = set()
    for name, cells in table.items():
        if not isinstance(cells, Mapping):
            raise_problems(problems)
            raise Invalid(f"The metadata of sample {name!r} must be an object of column -> value.")
        for column in cells:
            if column not in seen_raw:
                seen_raw.add(column)
                raw_columns.append(column)
    return raw_columns


def _clean_row(
    cells: Mapping[str, Any],
    name: str,
    columns: list[str],
    stored_by_raw: Mapping[str, str],
    problems: list[Invalid],
) -> dict[str, str | None]:
    """One sample's cells under their stored column names, values normalised; null where
    the sample has none. Problems are collected, not raised."""
    row: dict[str, str | None] = dict.fromkeys(columns)
    for raw_column, value in cells.items():
        column = stored_by_raw.get(raw_column)
        if column is None:
            continue
        try:
            text = (
                value
                if value.__class__ is str
                else value_as_text(value, sample=name, column=column)
            )
        except Invalid as problem:
            problems.append(problem)
            continue
        row[column] = normalise_value(text)
    return row


def clean_table(
    study_id: int,
    table: Mapping[str, Any],
    *,
    forbidden: frozenset[str] = SAMPLE_FORBIDDEN_WORDS,
) -> CleanTable:
    """Clean an uploaded table {sample: {column: value}} the way a metadata file is read.

    Cells a sample lacks are null; names are checked as submitted, then prefixed; column
    names are lower-cased and checked; values are normalised.
    """
    if not isinstance(table, Mapping):
        raise Invalid("The metadata must be an object of sample name -> {column: value}.")
    names = [str(name).strip() for name in table]
    problems: list[Invalid] = []
    try:
        validate_sample_names(names)
    except Invalid as problem:
        problems.append(problem)
    raw_columns = _raw_columns(table, problems)
    columns: list[str] = []
    try:
        columns = normalise_column_names(raw_columns, forbidden=forbidden)
    except Invalid as problem:
        problems.append(problem)
    stored_by_raw = {
        raw: raw.strip().lower()
        for raw in raw_columns
        if raw.strip().lower() not in SILENTLY_DROPPED_COLUMNS | READER_DROPPED_COLUMNS
    }
    prefixed = [prefix_sample_name(study_id, name) for name in names]
    if not problems:
        validate_sample_names(prefixed)
    warnings = []
    already = sum(has_study_prefix(study_id, name) for name in names)
    if 0 < already < len(names):
        warnings.append(
            f"Some sample names were already prefixed with {study_id}. and some were not; "
            "the prefix was added where missing."
        )
    rows: dict[str, dict[str, str | None]] = {}
    submitted: dict[str, str] = {}
    for (_raw_name, cells), name, stored in zip(table.items(), names, prefixed, strict=True):
        rows[stored] = _clean_row(cells, name, columns, stored_by_raw, problems)
        submitted[stored] = name
    raise_problems(problems)
    return CleanTable(rows=rows, columns=columns, submitted_names=submitted, warnings=warnings)
