"""Editing a study's fields, contacts, publications, packages and tags (domain.md §2.4).

The web UI's study form: every field of `StudyChanges` left `None` stays as it is.
Titles stay unique; the environmental packages change only while the study is sandboxed;
tags an administrator created are added and removed by administrators only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from db.models import (
    Account,
    EnvironmentalPackage,
    Study,
    StudyEnvironmentalPackage,
    StudyPerson,
    StudyPublication,
    StudyTag,
    StudyTagLink,
    TimeseriesType,
)
from resolvers.auth.access import can_change_tag, can_create_tags
from resolvers.context import Context
from resolvers.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Required,
    Taken,
    raise_problems,
)
from resolvers.studies.persons import find_person
from resolvers.studies.studies import (
    TITLE_EXISTS,
    find_editable_study,
    is_storable_id,
    normalise_title,
    study_status,
)

DOI = re.compile(r"^10\.\S+/\S+$")
PUBMED_ID = re.compile(r"^\d{1,12}$")
MAX_TAG_LENGTH = 100
REQUIRED_TEXTS = ("title", "alias", "description", "abstract")


@dataclass(frozen=True)
class Publication:
    publication: str
    is_doi: bool


@dataclass(frozen=True)
class StudyChanges:
    """What to change; `None` leaves a field alone. `clear` names the nullable fields to
    empty (funding, vamps_id, lab_person, spatial_series)."""

    texts: dict[str, str] = field(default_factory=dict)
    """title, alias, description, abstract, notes, funding, vamps_id."""
    flags: dict[str, bool] = field(default_factory=dict)
    """metadata_complete, mixs_compliant, spatial_series, public_raw_download."""
    principal_investigator: tuple[str, str] | None = None
    lab_person: tuple[str, str] | None = None
    clear: frozenset[str] = frozenset()
    publications: Sequence[Publication] | None = None
    environmental_packages: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    timeseries_type_id: int | None = None


def _text_problems(changes: StudyChanges) -> list[Invalid]:
    problems: list[Invalid] = []
    for name, value in changes.texts.items():
        if "\x00" in value:
            problems.append(Invalid(f"The {name} contains a NUL character.", name))
        elif name in REQUIRED_TEXTS and not value.strip():
            problems.append(Required(f"The {name} must not be empty.", name))
    for name in changes.clear & set(REQUIRED_TEXTS):
        problems.append(Required(f"The {name} must not be empty.", name))
    lists: dict[str, Sequence[str]] = {
        "principal_investigator": changes.principal_investigator or (),
        "lab_person": changes.lab_person or (),
        "publications": [p.publication for p in changes.publications or ()],
        "environmental_packages": changes.environmental_packages or (),
        "tags": changes.tags or (),
    }
    for name, values in lists.items():
        if any("\x00" in value for value in values):
            problems.append(Invalid(f"A value of {name} contains a NUL character.", name))
    return problems


def check_publications(publications: Sequence[Publication]) -> list[Publication]:
    """Trimmed, each once; a DOI looks like `10.<prefix>/<suffix>`, a PubMed id is digits."""
    seen: dict[str, Publication] = {}
    for item in publications:
        text = item.publication.strip()
        pattern, kind = (DOI, "DOI") if item.is_doi else (PUBMED_ID, "PubMed id")
        if not pattern.match(text):
            raise Invalid(f"{item.publication!r} is not a valid {kind}.", "publications")
        seen.setdefault(text, Publication(text, item.is_doi))
    return list(seen.values())


async def _set_title(ctx: Context, study: Study, title: str) -> None:
    clean = normalise_title(title)
    if clean == study.title:
        return
    taken = select(Study.id).where(Study.title == clean, Study.id != study.id)
    if (await ctx.session.execute(taken)).first() is not None:
        raise Taken(TITLE_EXISTS, "title")
    study.title = clean


async def _set_contacts(ctx: Context, study: Study, changes: StudyChanges) -> None:
    if changes.principal_investigator is not None:
        name, affiliation = changes.principal_investigator
        study.principal_investigator_id = (
            await _person(ctx, name, affiliation, "principal_investigator")
        ).id
    if changes.lab_person is not None:
        name, affiliation = changes.lab_person
        study.lab_person_id = (await _person(ctx, name, affiliation, "lab_person")).id
    elif "lab_person" in changes.clear:
        study.lab_person_id = None


async def _person(ctx: Context, name: str, affiliation: str, field_name: str) -> StudyPerson:
    try:
        return await find_person(ctx, name, affiliation)
    except NotFound:
        raise Invalid(
            f"Unknown study person {name!r} of {affiliation!r}: create them first.", field_name
        ) from None


async def _set_publications(ctx: Context, study_id: int, items: Sequence[Publication]) -> None:
    """Replaced as a whole (domain.md §2.4)."""
    clean = check_publications(items)
    await ctx.session.execute(delete(StudyPublication).where(StudyPublication.study_id == study_id))
    ctx.session.add_all(
        StudyPublication(study_id=study_id, publication=p.publication, is_doi=p.is_doi)
        for p in clean
    )


async def _set_packages(ctx: Context, study_id: int, packages: Sequence[str]) -> None:
    wanted = sorted({name.strip() for name in packages})
    query = select(StudyEnvironmentalPackage.package).where(
        StudyEnvironmentalPackage.study_id == study_id
    )
    current = set((await ctx.session.execute(query)).scalars())
    if current == set(wanted):
        return
    await _require_sandboxed(ctx, study_id, "environmental packages", "environmental_packages")
    known_query = select(EnvironmentalPackage.name).where(EnvironmentalPackage.name.in_(wanted))
    unknown = sorted(set(wanted) - set((await ctx.session.execute(known_query)).scalars()))
    if unknown:
        raise Invalid(
            f"Unknown environmental package: {', '.join(unknown)}.", "environmental_packages"
        )
    await ctx.session.execute(
        delete(StudyEnvironmentalPackage).where(StudyEnvironmentalPackage.study_id == study_id)
    )
    ctx.session.add_all(StudyEnvironmentalPackage(study_id=study_id, package=p) for p in wanted)


async def _require_sandboxed(ctx: Context, study_id: int, what: str, field_name: str) -> None:
    """The study's timeseries type and packages change only while it is sandboxed (§2.4)."""
    status = await study_status(ctx, study_id)
    if status != "sandbox":
        raise Conflict(
            f"Study {study_id} is {status}: its {what} change only while it is sandboxed.",
            field_name,
        )


async def _set_timeseries_type(ctx: Context, study: Study, type_id: int) -> None:
    if type_id == study.timeseries_type_id:
        return
    known = is_storable_id(type_id) and await ctx.session.get(TimeseriesType, type_id) is not None
    if not known:
        raise Invalid(f"Unknown timeseries type: {type_id}.", "timeseries_type_id")
    await _require_sandboxed(ctx, study.id, "timeseries type", "timeseries_type_id")
    study.timeseries_type_id = type_id


async def _admin_created(ctx: Context, tags: set[str]) -> set[str]:
    query = (
        select(StudyTag.tag)
        .join(Account, Account.id == StudyTag.created_by)
        .where(StudyTag.tag.in_(tags), Account.level.in_(("admin", "superuser")))
    )
    return set((await ctx.session.execute(query)).scalars())


async def _set_tags(ctx: Context, study_id: int, tags: Sequence[str]) -> None:
    wanted = {tag.strip() for tag in tags}
    if any(not tag or len(tag) > MAX_TAG_LENGTH or "\x00" in tag for tag in wanted):
        raise Invalid(f"Tags are 1 to {MAX_TAG_LENGTH} characters long.", "tags")
    query = select(StudyTagLink.tag).where(StudyTagLink.study_id == study_id)
    current = set((await ctx.session.execute(query)).scalars())
    changed = wanted ^ current
    locked = sorted(
        tag
        for tag in await _admin_created(ctx, changed)
        if not can_change_tag(ctx.principal, created_by_admin=True)
    )
    if locked:
        raise Forbidden(f"Only administrators may add or remove these tags: {', '.join(locked)}.")
    await _create_missing_tags(ctx, wanted - current)
    await ctx.session.execute(
        delete(StudyTagLink).where(
            StudyTagLink.study_id == study_id, StudyTagLink.tag.in_(current - wanted)
        )
    )
    ctx.session.add_all(StudyTagLink(study_id=study_id, tag=tag) for tag in wanted - current)


async def _create_missing_tags(ctx: Context, tags: set[str]) -> None:
    if not tags:
        return
    query = select(StudyTag.tag).where(StudyTag.tag.in_(tags))
    missing = tags - set((await ctx.session.execute(query)).scalars())
    if not missing:
        return
    creator = ctx.principal.account_id
    if creator is None or not can_create_tags(ctx.principal):
        raise Invalid("New tags are created by signed-in users; use existing tags.", "tags")
    for tag in sorted(missing):
        try:
            async with ctx.session.begin_nested():
                ctx.session.add(StudyTag(tag=tag, created_by=creator))
        except IntegrityError:  # created by a concurrent request: the same end state
            pass


def _set_fields(study: Study, changes: StudyChanges) -> None:
    for name, value in changes.texts.items():
        if name in ("alias", "description", "abstract"):
            setattr(study, name, value.strip())
        elif name in ("funding", "vamps_id"):
            setattr(study, name, value.strip() or None)
        elif name == "notes":
            study.notes = value
    for name in ("funding", "vamps_id", "spatial_series"):
        if name in changes.clear:
            setattr(study, name, None)
    for name, flag in changes.flags.items():
        setattr(study, name, flag)


async def update_study(ctx: Context, study_id: int, changes: StudyChanges) -> Study:
    """Apply `changes` to a study the caller may edit (owner, sharers, admins); all or nothing.

    The lists go first; the study row is written once, at the end (one audit entry).
    """
    study = await find_editable_study(ctx, study_id)
    raise_problems(_text_problems(changes))
    if changes.publications is not None:
        await _set_publications(ctx, study_id, changes.publications)
    if changes.environmental_packages is not None:
        await _set_packages(ctx, study_id, changes.environmental_packages)
    if changes.tags is not None:
        await _set_tags(ctx, study_id, changes.tags)
    with ctx.session.no_autoflush:
        if "title" in changes.texts:
            await _set_title(ctx, study, changes.texts["title"])
        _set_fields(study, changes)
        await _set_contacts(ctx, study, changes)
        if changes.timeseries_type_id is not None:
            await _set_timeseries_type(ctx, study, changes.timeseries_type_id)
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request took the title; the request rolls back
        raise Taken(TITLE_EXISTS, "title") from None
    return study
