"""Studies: lookup, listing, creation, derived status and the rules around them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from db.models import Account, Artifact, PrepTemplate, SampleTemplate, Study, StudyPerson
from resolvers.access import can_edit_study, readable_studies_filter
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, NotFound
from resolvers.pagination import Page, PageRequest, keyset_page

# study-api.md §1.6, §3.2: the exact messages scripts see.
STUDY_NOT_FOUND = "Study not found"
UNKNOWN_USER = "Unknown user"
TITLE_EXISTS = "Study title already exists"
UNKNOWN_PI = "Unknown principal investigator"
UNKNOWN_LAB_PERSON = "Unknown lab person"

VISIBILITY_PRECEDENCE = ("public", "private", "awaiting_approval")
_BLANKS = re.compile(r"\s+")


async def get_study(ctx: Context, study_id: int) -> Study:
    """The study if it exists and the caller may read it; NotFound otherwise."""
    query = select(Study).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    study = (await ctx.session.execute(query)).scalar_one_or_none()
    if study is None:
        raise NotFound(f"Study not found: {study_id}")
    return study


async def list_studies(ctx: Context, page: PageRequest) -> Page[Study]:
    """Studies the caller may read, ordered by id."""
    query = select(Study).where(readable_studies_filter(ctx.principal))
    return await keyset_page(ctx, query, Study.id, page)


async def find_study(ctx: Context, study_id: int, *, with_contacts: bool = False) -> Study:
    """A readable study; `Study not found` otherwise, unreadable ones included (§1.6)."""
    query = select(Study).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    if with_contacts:
        query = query.options(
            selectinload(Study.principal_investigator), selectinload(Study.lab_person)
        )
    study = (await ctx.session.execute(query)).scalar_one_or_none()
    if study is None:
        raise NotFound(STUDY_NOT_FOUND)
    return study


async def find_editable_study(ctx: Context, study_id: int) -> Study:
    """A study the caller may change (owner, sharer, admin); Forbidden if only readable."""
    study = await find_study(ctx, study_id)
    if not await can_edit_study(ctx, study_id):
        raise Forbidden(
            f"You do not have permission to modify study {study_id}: "
            "ask its owner to share it with you."
        )
    return study


def normalise_title(title: str) -> str:
    """Titles are trimmed and their internal whitespace collapsed (domain.md §2.4)."""
    return _BLANKS.sub(" ", title).strip()


async def _person_id(ctx: Context, contact: tuple[str, str]) -> int | None:
    name, affiliation = contact
    query = select(StudyPerson.id).where(
        StudyPerson.name == name, StudyPerson.affiliation == affiliation
    )
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def create_study(
    ctx: Context,
    *,
    title: str,
    abstract: str,
    description: str,
    alias: str,
    owner_email: str,
    principal_investigator: tuple[str, str],
    lab_person: tuple[str, str],
    notes: str = "",
) -> Study:
    """Create a sandboxed study owned by an existing user; checks in study-api.md §3.2 order.

    Admins may create studies for anyone; other users only studies they own themselves.
    """
    owner_query = select(Account).where(Account.email_lower == owner_email.strip().lower())
    owner = (await ctx.session.execute(owner_query)).scalar_one_or_none()
    if owner is None:
        raise Forbidden(UNKNOWN_USER)
    principal = ctx.principal
    if not principal.is_admin and (
        principal.kind != "user" or principal.account_id != owner.id or principal.level == "guest"
    ):
        raise Forbidden(
            "You may only create studies owned by yourself; "
            "an administrator can create studies for other users."
        )
    clean_title = normalise_title(title)
    title_query = select(Study.id).where(Study.title == clean_title)
    if (await ctx.session.execute(title_query)).first() is not None:
        raise Conflict(TITLE_EXISTS)
    pi_id = await _person_id(ctx, principal_investigator)
    if pi_id is None:
        raise Forbidden(UNKNOWN_PI)
    lab_id = await _person_id(ctx, lab_person)
    if lab_id is None:
        raise Forbidden(UNKNOWN_LAB_PERSON)
    study = Study(
        owner_id=owner.id,
        title=clean_title,
        alias=alias,
        description=description,
        abstract=abstract,
        principal_investigator_id=pi_id,
        lab_person_id=lab_id,
        timeseries_type_id=1,
        metadata_complete=False,
        mixs_compliant=False,
        notes=notes,
    )
    ctx.session.add(study)
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request took the title; the request rolls back
        raise Conflict(TITLE_EXISTS) from None
    return study


def status_from_visibilities(visibilities: Iterable[str]) -> str:
    """public > private > awaiting_approval > sandbox, archived ignored (domain.md §3.6)."""
    present = set(visibilities)
    for visibility in VISIBILITY_PRECEDENCE:
        if visibility in present:
            return visibility
    return "sandbox"


async def study_status(ctx: Context, study_id: int) -> str:
    """The derived status of a study from its non-archived artifacts."""
    query = select(Artifact.visibility).where(Artifact.study_id == study_id).distinct()
    return status_from_visibilities((await ctx.session.execute(query)).scalars())


@dataclass(frozen=True)
class PreparationSummary:
    id: int
    has_artifact: bool


@dataclass(frozen=True)
class StudyStatus:
    is_public: bool
    has_sample_information: bool
    sample_information_has_warnings: bool
    preparations: list[PreparationSummary]


async def get_study_status(ctx: Context, study_id: int) -> StudyStatus:
    """Public flag, sample information presence and preparations by id (study-api.md §3.3).

    `sample_information_has_warnings` stays false, as in the reference (§3.3).
    """
    await find_study(ctx, study_id)
    has_samples = await ctx.session.get(SampleTemplate, study_id) is not None
    preps_query = (
        select(PrepTemplate.id, PrepTemplate.artifact_id)
        .where(PrepTemplate.study_id == study_id)
        .order_by(PrepTemplate.id)
    )
    preps = [
        PreparationSummary(id=prep_id, has_artifact=artifact_id is not None)
        for prep_id, artifact_id in await ctx.session.execute(preps_query)
    ]
    return StudyStatus(
        is_public=await study_status(ctx, study_id) == "public",
        has_sample_information=has_samples,
        sample_information_has_warnings=False,
        preparations=preps,
    )
