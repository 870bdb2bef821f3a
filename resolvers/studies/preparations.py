"""Preparations (prep templates): creation and derived status (domain.md §2.6, §3.6).

`create_preparation` serves both `/api/v1/study/<id>/preparation` and the plugin API's
`POST /qiita_db/prep_template/`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select

from db.models import (
    Artifact,
    DataType,
    InvestigationTypeTerm,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
)
from resolvers.auth.access import require_plugin_api
from resolvers.context import Context
from resolvers.errors import Invalid, NotFound, problems_of, raise_problems
from resolvers.studies.metadata_rules import PREP_FORBIDDEN_WORDS, CleanTable, clean_table
from resolvers.studies.studies import find_editable_study, find_study, is_storable_id
from resolvers.studies.template_files import regenerate_prep_file

logger = logging.getLogger(__name__)

PREPARATION_NOT_FOUND = "Preparation not found"
NAME_CHUNK = 1000

# domain.md §2.6 and §6.1 Q2: the vocabulary spells it "Metatranscriptomics".
INFERRED_INVESTIGATION_TYPES = {
    "16S": "AMPLICON",
    "18S": "AMPLICON",
    "ITS": "AMPLICON",
    "Metagenomic": "WGS",
    "Metatranscriptomics": "RNA-Seq",
}


async def find_preparation(ctx: Context, prep_id: int) -> PrepTemplate:
    """A preparation of a study the caller may read; `Preparation not found` otherwise."""
    prep = await ctx.session.get(PrepTemplate, prep_id) if is_storable_id(prep_id) else None
    if prep is None:
        raise NotFound(PREPARATION_NOT_FOUND)
    try:
        await find_study(ctx, prep.study_id)
    except NotFound:
        raise NotFound(PREPARATION_NOT_FOUND) from None
    return prep


async def resolve_data_type(ctx: Context, data_type: str | int) -> DataType:
    """A data type by name or numeric id; Invalid listing the known names otherwise."""
    text = str(data_type).strip()
    by_id = text.isdigit() and is_storable_id(int(text))
    condition = DataType.id == int(text) if by_id else DataType.name == text
    found = (await ctx.session.execute(select(DataType).where(condition))).scalar_one_or_none()
    if found is None:
        names = (await ctx.session.execute(select(DataType.name).order_by(DataType.id))).scalars()
        raise Invalid(f"Unknown data type {text!r}; use one of: {', '.join(names)}.", "data_type")
    return found


async def resolve_investigation_type(
    ctx: Context, data_type: DataType, investigation_type: str | None
) -> str | None:
    """The given or inferred investigation type, which must be an ENA term (domain.md §2.6)."""
    term = investigation_type.strip() if investigation_type else None
    if not term:
        term = INFERRED_INVESTIGATION_TYPES.get(data_type.name)
    if term is None:
        return None
    terms = list((await ctx.session.execute(select(InvestigationTypeTerm.term))).scalars())
    if term not in terms:
        raise Invalid(
            f"{term!r} is not a valid investigation type; use one of: {', '.join(sorted(terms))}.",
            "investigation_type",
        )
    return term


async def _sample_ids(ctx: Context, study_id: int, names: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(names), NAME_CHUNK):
        query = select(Sample.sample_name, Sample.id).where(
            Sample.study_id == study_id, Sample.sample_name.in_(names[start : start + NAME_CHUNK])
        )
        found.update({name: sample_id for name, sample_id in await ctx.session.execute(query)})
    return found


async def _preparation_table_problems(
    ctx: Context, study_id: int, template: SampleTemplate, clean: CleanTable
) -> tuple[list[Invalid], dict[str, int]]:
    """What is wrong with a clean preparation table against the study's samples, and the
    ids of its samples."""
    problems: list[Invalid] = []
    shared = [column for column in clean.columns if column in set(template.columns)]
    if shared:
        problems.append(
            Invalid(
                "These columns are already in the sample information and cannot be repeated "
                f"in a preparation: {', '.join(shared)}.",
                "columns",
            )
        )
    limit = ctx.settings.max_preparation_samples
    if len(clean.rows) > limit:
        problems.append(
            Invalid(
                f"A preparation holds at most {limit} samples; this one has {len(clean.rows)}.",
                "metadata",
            )
        )
        return problems, {}
    ids = await _sample_ids(ctx, study_id, list(clean.rows))
    unknown = [sample for sample in clean.rows if sample not in ids]
    if unknown:
        problems.append(
            Invalid(
                "Samples found in prep template but not sample template: "
                + ", ".join(sorted(unknown)),
                "metadata",
            )
        )
    return problems, ids


async def _checked_preparation(
    ctx: Context,
    study_id: int,
    template: SampleTemplate,
    data_type: str | int,
    investigation_type: str | None,
    metadata: Mapping[str, Mapping[str, Any]],
) -> tuple[DataType, str | None, CleanTable, dict[str, int]]:
    """Every problem of a new preparation at once; else its data type, investigation type
    term, clean table and the ids of its samples."""
    problems: list[Invalid] = []
    data_type_row: DataType | None = None
    term: str | None = None
    try:
        data_type_row = await resolve_data_type(ctx, data_type)
        term = await resolve_investigation_type(ctx, data_type_row, investigation_type)
    except Invalid as problem:
        problems.append(problem)
    clean: CleanTable | None = None
    ids: dict[str, int] = {}
    if not metadata:
        problems.append(Invalid("No samples provided", "metadata"))
    else:
        try:
            clean = clean_table(study_id, metadata, forbidden=PREP_FORBIDDEN_WORDS)
        except Invalid as error:
            problems.extend(problems_of(error))
    if clean is not None:
        table_problems, ids = await _preparation_table_problems(ctx, study_id, template, clean)
        problems.extend(table_problems)
    raise_problems(problems)
    assert data_type_row is not None
    assert clean is not None
    return data_type_row, term, clean, ids


async def create_preparation(
    ctx: Context,
    study_id: int,
    data_type: str | int,
    metadata: Mapping[str, Mapping[str, Any]],
    *,
    name: str | None = None,
    investigation_type: str | None = None,
    creation_job_id: str | None = None,
    plugin_api: bool = False,
) -> PrepTemplate:
    """Create a preparation of existing samples (domain.md §2.6 creation rules).

    Through /api/v1 and GraphQL the caller needs write access to the study; through
    the plugin API (`plugin_api`) plugin and system clients may create preparations
    for any study. Validation problems are Invalid.
    """
    if plugin_api:
        require_plugin_api(ctx)
        await find_study(ctx, study_id)
    else:
        await find_editable_study(ctx, study_id)
    template = await ctx.session.get(SampleTemplate, study_id)
    if template is None:
        raise Invalid(
            f"Study {study_id} has no sample information; add samples before creating "
            "a preparation.",
            "study",
        )
    data_type_row, term, clean, ids = await _checked_preparation(
        ctx, study_id, template, data_type, investigation_type, metadata
    )
    prep = PrepTemplate(
        study_id=study_id,
        data_type_id=data_type_row.id,
        investigation_type=term,
        columns=list(clean.columns),
        creation_job_id=creation_job_id,
    )
    ctx.session.add(prep)
    await ctx.session.flush()
    prep.name = name.strip() if name and name.strip() else f"Prep information {prep.id}"
    rows = [
        {"prep_id": prep.id, "sample_id": ids[sample], "values": values}
        for sample, values in clean.rows.items()
    ]
    await ctx.session.execute(insert(PrepSample), rows)
    await ctx.session.flush()
    await regenerate_prep_file(ctx, prep.id)
    logger.info("study %s: preparation %s created with %d samples", study_id, prep.id, len(rows))
    return prep


async def preparation_statuses(ctx: Context, prep_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(status, data type name) per preparation; status from the root artifact (§3.6)."""
    if not prep_ids:
        return {}
    query = (
        select(PrepTemplate.id, Artifact.visibility, DataType.name)
        .join(DataType, DataType.id == PrepTemplate.data_type_id)
        .outerjoin(Artifact, Artifact.id == PrepTemplate.artifact_id)
        .where(PrepTemplate.id.in_(list(prep_ids)))
    )
    result: dict[int, tuple[str, str]] = {}
    for prep_id, visibility, data_type in await ctx.session.execute(query):
        status = visibility if visibility and visibility != "archived" else "sandbox"
        result[prep_id] = (status, data_type)
    return result
