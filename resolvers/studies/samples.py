"""Sample information of a study: create, extend, update and read (domain.md §2.5, §5.3).

Writes are bulk operations: one read of the stored names, the diff computed in Python
once, then bulk INSERT / executemany UPDATE and one statement per dialect to give
every existing row the new categories. Reads of a few categories extract them in SQL.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Update, bindparam, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from db.models import Sample, SampleTemplate, Study, utcnow
from resolvers.auth.access import readable_studies_filter
from resolvers.context import Context, Services
from resolvers.errors import Conflict, Invalid, NotFound, StudyNotFound
from resolvers.statements import restricted
from resolvers.studies.metadata_rules import CleanTable, clean_table
from resolvers.studies.studies import (
    find_editable_study,
    find_study,
    is_storable_id,
)
from resolvers.studies.template_files import regenerate_sample_file

logger = logging.getLogger(__name__)

# study-api.md §4.2, §4.3: the exact messages scripts see.
NO_SAMPLES = "No samples provided"
MISSING_CATEGORIES = "Not all sample information categories provided"
NO_CATEGORIES = "No categories specified"
NO_SAMPLE_INFORMATION = "Study does not have sample information"
CATEGORY_NOT_FOUND = "Category not found"

ID_CHUNK = 1000
CATEGORIES_PER_QUERY = 500
SQLITE_KEYS_PER_STATEMENT = 2000
SQLITE_KEYS_PER_CALL = 60


class CategoriesNotFound(NotFound):
    """Some requested categories are not in the sample information; `missing` is sorted."""

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(CATEGORY_NOT_FOUND)
        self.missing = sorted(set(missing))


@dataclass(frozen=True)
class SamplePatchResult:
    added: list[str]
    updated: list[str]
    new_categories: list[str]
    created_template: bool
    warnings: list[str]


@dataclass(frozen=True)
class SampleInformationSummary:
    number_of_samples: int
    categories: list[str]


@dataclass(frozen=True)
class CategoryValues:
    header: list[str]
    samples: dict[str, list[str | None]]


async def list_sample_names(ctx: Context, study_id: int) -> list[str]:
    """Every stored (prefixed) sample id of a readable study; [] without sample information."""
    await find_study(ctx, study_id)
    query = select(Sample.sample_name).where(Sample.study_id == study_id).order_by(Sample.id)
    return list((await ctx.session.execute(query)).scalars())


_TEMPLATE = (
    select(Study.id, SampleTemplate.columns.label("template_columns"))
    .outerjoin(SampleTemplate, SampleTemplate.study_id == Study.id)
    .where(Study.id == bindparam("study"))
)
_TEMPLATE_AND_COUNT = _TEMPLATE.add_columns(
    select(func.count()).where(Sample.study_id == Study.id).scalar_subquery().label("samples")
)


async def _readable_template(ctx: Context, study_id: int, *, count: bool = False) -> Any:
    """One statement: the study if readable (StudyNotFound otherwise, `find_study`'s rule),
    its sample information's columns (None without any) and, with `count`, its samples."""
    if not is_storable_id(study_id):
        raise StudyNotFound(study_id)
    query = restricted(
        _TEMPLATE_AND_COUNT if count else _TEMPLATE, readable_studies_filter(ctx.principal)
    )
    connection = await ctx.session.connection()
    row = (await connection.execute(query, {"study": study_id})).first()
    if row is None:
        raise StudyNotFound(study_id)
    return row


async def summarize_sample_information(ctx: Context, study_id: int) -> SampleInformationSummary:
    """Number of samples and the categories (study-api.md §4.4); zero and [] without any."""
    row = await _readable_template(ctx, study_id, count=True)
    if row.template_columns is None:
        return SampleInformationSummary(number_of_samples=0, categories=[])
    return SampleInformationSummary(
        number_of_samples=int(row.samples), categories=list(row.template_columns)
    )


@functools.lru_cache(maxsize=256)
def _category_query(chunk: tuple[str, ...]) -> Select[Any]:
    """The values of `chunk`'s categories for every sample of the study `:study`; built once
    per set of categories (plugins ask for the same few again and again)."""
    columns = [Sample.values[c].as_string().label(f"c{i}") for i, c in enumerate(chunk)]
    return select(Sample.sample_name, *columns).where(Sample.study_id == bindparam("study"))


async def get_sample_categories(
    ctx: Context, study_id: int, categories: Sequence[str]
) -> CategoryValues:
    """Values of the requested categories for every sample, extracted in SQL (study-api.md §4.3).

    The header is the request as given, duplicates kept.
    """
    if not categories:
        raise Invalid(NO_CATEGORIES, "categories")
    columns = (await _readable_template(ctx, study_id)).template_columns
    if columns is None:
        raise NotFound(NO_SAMPLE_INFORMATION)
    known = set(columns)
    missing = [category for category in categories if category not in known]
    if missing:
        raise CategoriesNotFound(missing)
    unique = tuple(dict.fromkeys(categories))
    connection = await ctx.session.connection()
    if len(unique) == len(categories) <= CATEGORIES_PER_QUERY:  # the usual request: one pass
        rows = await connection.execute(_category_query(unique), {"study": study_id})
        samples = {name: values for name, *values in rows}
        return CategoryValues(header=list(categories), samples=samples)
    extracted: dict[str, dict[str, str | None]] = {}
    # A result row holds at most 2,000 columns on SQLite: wide requests go in slices.
    for start in range(0, len(unique), CATEGORIES_PER_QUERY):
        chunk = unique[start : start + CATEGORIES_PER_QUERY]
        rows = await connection.execute(_category_query(chunk), {"study": study_id})
        for name, *values in rows:
            extracted.setdefault(name, {}).update(zip(chunk, values, strict=True))
    samples = {
        name: [values[category] for category in categories] for name, values in extracted.items()
    }
    return CategoryValues(header=list(categories), samples=samples)


def _add_null_keys(dialect: str, study_id: int, categories: list[str]) -> list[Update]:
    """Statements giving every row of a study `null` for new categories (no row round trips)."""
    where = Sample.study_id == study_id
    if dialect == "postgresql":
        patch = literal(dict.fromkeys(categories), type_=JSONB)
        concatenated = Sample.values.op("||", return_type=Sample.values.type)(patch)
        return [update(Sample).where(where).values(values=concatenated)]
    # SQLite functions take at most 127 arguments: nest json_set calls of a few keys each.
    statements = []
    for start in range(0, len(categories), SQLITE_KEYS_PER_STATEMENT):
        merged: Any = Sample.values
        chunk = categories[start : start + SQLITE_KEYS_PER_STATEMENT]
        for offset in range(0, len(chunk), SQLITE_KEYS_PER_CALL):
            arguments: list[Any] = []
            for category in chunk[offset : offset + SQLITE_KEYS_PER_CALL]:
                arguments.extend([f'$."{category}"', None])
            merged = func.json_set(merged, *arguments, type_=Sample.values.type)
        statements.append(update(Sample).where(where).values(values=merged))
    return statements


async def _lock_template(ctx: Context, study_id: int) -> SampleTemplate | None:
    """The study's template, write-locked first so that concurrent patches apply in turn.

    An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite (whose
    reads would otherwise see a state another writer is about to change).
    """
    touch = (
        update(SampleTemplate)
        .where(SampleTemplate.study_id == study_id)
        .values(modified_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await ctx.session.execute(touch)
    return await ctx.session.get(SampleTemplate, study_id, populate_existing=True)


async def _template_columns(ctx: Context, study_id: int) -> list[str]:
    """The study's categories as committed now, read without waiting for a lock."""
    query = select(SampleTemplate.columns).where(SampleTemplate.study_id == study_id)
    return list((await ctx.session.execute(query)).scalar_one_or_none() or [])


async def _stored_names(ctx: Context, study_id: int) -> dict[str, int]:
    query = select(Sample.sample_name, Sample.id).where(Sample.study_id == study_id)
    return {name: sample_id for name, sample_id in await ctx.session.execute(query)}


async def _values_by_id(ctx: Context, ids: list[int]) -> dict[int, dict[str, Any]]:
    values: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        query = select(Sample.id, Sample.values).where(Sample.id.in_(chunk))
        values.update({sample_id: dict(v) for sample_id, v in await ctx.session.execute(query)})
    return values


def _refuse_unprefixed_existing(table: CleanTable, stored: Mapping[str, int]) -> None:
    """An existing sample must be named by its stored id (study-api.md §4.2, last note)."""
    clashes = [
        f"{submitted!r} (stored as {name!r})"
        for name, submitted in table.submitted_names.items()
        if name in stored and submitted != name
    ]
    if clashes:
        raise Invalid(
            "These samples already exist; update them with their stored ids: "
            + ", ".join(clashes)
            + ".",
            "sample_name",
        )


async def categories_on_arrival(services: Services, study_id: int) -> frozenset[str]:
    """The study's categories as committed when a change arrives, before it waits for
    anything (authentication included): `patch_samples` tells from them whether a category
    the change lacks was added by a concurrent change (409) or left out (400)."""
    if not is_storable_id(study_id):
        return frozenset()
    query = select(SampleTemplate.columns).where(SampleTemplate.study_id == study_id)
    async with services.sessions() as session:
        return frozenset((await session.execute(query)).scalar_one_or_none() or [])


async def patch_samples(
    ctx: Context,
    study_id: int,
    table: Mapping[str, Any],
    *,
    seen_categories: Collection[str] | None = None,
) -> SamplePatchResult:
    """Add samples, update values and add categories in one change (study-api.md §4.2).

    Every existing category must be submitted: a category missing because a concurrent
    change added it after `seen_categories` were read is a Conflict, otherwise Invalid.
    New categories are accepted with or without new samples (decisions.md); a study
    without sample information gets it.
    Everything is validated before the first write; the file is regenerated once.
    """
    await find_editable_study(ctx, study_id)
    if seen_categories is None:
        seen_categories = await _template_columns(ctx, study_id)
    if not table:
        raise Invalid(NO_SAMPLES, "samples")
    clean = clean_table(study_id, table)
    template = await _lock_template(ctx, study_id)
    if template is None:
        return await _create_sample_information(ctx, study_id, clean)
    existing_columns = list(template.columns)
    _require_every_category(existing_columns, clean, seen_categories)
    stored = await _stored_names(ctx, study_id)
    _refuse_unprefixed_existing(clean, stored)
    new_categories = [column for column in clean.columns if column not in set(existing_columns)]
    added = [name for name in clean.rows if name not in stored]
    updated_names = [name for name in clean.rows if name in stored]
    current = await _write_patch(ctx, template, clean, stored, added, updated_names, new_categories)
    await regenerate_sample_file(ctx, study_id, known=current)
    logger.info(
        "study %s sample information: %d added, %d updated, %d new categories",
        study_id,
        len(added),
        len(updated_names),
        len(new_categories),
    )
    return SamplePatchResult(
        added=added,
        updated=updated_names,
        new_categories=new_categories,
        created_template=False,
        warnings=clean.warnings,
    )


def _require_every_category(
    existing_columns: list[str], clean: CleanTable, seen_categories: Collection[str]
) -> None:
    """Every existing category must be sent: Conflict when a concurrent change added the
    missing ones after `seen_categories` were read, Invalid otherwise."""
    missing = [column for column in existing_columns if column not in set(clean.columns)]
    if missing and set(seen_categories) <= set(clean.columns):
        raise Conflict(
            "Another change to this study added the categories "
            + ", ".join(missing)
            + " while this one waited; send them too and try again."
        )
    if missing:
        raise Invalid(MISSING_CATEGORIES, "categories")


async def _write_patch(
    ctx: Context,
    template: SampleTemplate,
    clean: CleanTable,
    stored: Mapping[str, int],
    added: list[str],
    updated_names: list[str],
    new_categories: list[str],
) -> dict[str, dict[str, Any]]:
    """Write a checked change; the new values of every added and updated sample."""
    study_id = template.study_id
    all_columns = list(template.columns) + new_categories
    old_values = await _values_by_id(ctx, [stored[name] for name in updated_names])
    current: dict[str, dict[str, Any]] = {}
    changes = []
    for name in updated_names:
        sample_id = stored[name]
        before = old_values[sample_id]
        after = {**dict.fromkeys(all_columns), **before, **clean.rows[name]}
        current[name] = after
        if after != before:
            changes.append({"id": sample_id, "values": after})
    if new_categories:
        template.columns = all_columns
        dialect = ctx.session.get_bind().dialect.name
        for statement in _add_null_keys(dialect, study_id, new_categories):
            await ctx.session.execute(statement)
    if added:
        for name in added:
            current[name] = {**dict.fromkeys(all_columns), **clean.rows[name]}
        rows = [
            {"study_id": study_id, "sample_name": name, "values": current[name]} for name in added
        ]
        await ctx.session.execute(insert(Sample), rows)
    if changes:
        await ctx.session.execute(update(Sample), changes)
    template.modified_at = utcnow()
    await ctx.session.flush()
    return current


async def _create_sample_information(
    ctx: Context, study_id: int, clean: CleanTable
) -> SamplePatchResult:
    ctx.session.add(SampleTemplate(study_id=study_id, columns=list(clean.columns)))
    try:
        await ctx.session.flush()
    except IntegrityError:  # another request created it first; this one rolls back
        raise Conflict(
            f"The sample information of study {study_id} was just created by another "
            "request; send the change again."
        ) from None
    rows = [
        {"study_id": study_id, "sample_name": name, "values": values}
        for name, values in clean.rows.items()
    ]
    await ctx.session.execute(insert(Sample), rows)
    await ctx.session.flush()
    await regenerate_sample_file(ctx, study_id, known=clean.rows)
    logger.info("study %s sample information created with %d samples", study_id, len(rows))
    return SamplePatchResult(
        added=list(clean.rows),
        updated=[],
        new_categories=list(clean.columns),
        created_template=True,
        warnings=clean.warnings,
    )


async def create_sample_information(
    ctx: Context, study_id: int, table: Mapping[str, Any]
) -> SamplePatchResult:
    """Create a study's sample information; refused when it already has one (domain.md §2.5)."""
    await find_editable_study(ctx, study_id)
    if not table:
        raise Invalid(NO_SAMPLES, "samples")
    clean = clean_table(study_id, table)
    if await ctx.session.get(SampleTemplate, study_id) is not None:
        raise Invalid(
            f"Study {study_id} already has sample information; extend or update it instead.",
            "study",
        )
    return await _create_sample_information(ctx, study_id, clean)
