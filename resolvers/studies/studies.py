"""Studies: lookup, listing, creation, derived status and the rules around them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from db.models import (
    Account,
    Artifact,
    ArtifactParent,
    Command,
    DataDirectory,
    DataType,
    FilepathType,
    HumanReadsFilterMethod,
    PrepTemplate,
    SampleTemplate,
    StoredFile,
    Study,
    StudyPerson,
)
from resolvers.auth.access import (
    can_create_study_for,
    can_edit_study,
    is_untrusted_plugin,
    readable_studies_filter,
)
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, StudyNotFound, Taken, raise_problems
from resolvers.plugins.trust import untrusted_plugin_message

# study-api.md §3.2: the exact messages scripts see.
UNKNOWN_USER = "Unknown user"
TITLE_EXISTS = "Study title already exists"
UNKNOWN_PI = "Unknown principal investigator"
UNKNOWN_LAB_PERSON = "Unknown lab person"

MAX_ID = 2**63 - 1
VISIBILITY_PRECEDENCE = ("public", "private", "awaiting_approval")
_BLANKS = re.compile(r"\s+")


def is_storable_id(value: int) -> bool:
    """Ids are 64-bit: a larger number from a URL names nothing (and must not reach SQL)."""
    return 0 <= value <= MAX_ID


async def find_study(ctx: Context, study_id: int, *, with_contacts: bool = False) -> Study:
    """A readable study; StudyNotFound otherwise, unreadable ones included (§1.6): the one
    "readable study or not found" rule."""
    if not is_storable_id(study_id):
        raise StudyNotFound(study_id)
    query = select(Study).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    if with_contacts:
        query = query.options(
            selectinload(Study.principal_investigator), selectinload(Study.lab_person)
        )
    study = (await ctx.session.execute(query)).scalar_one_or_none()
    if study is None:
        raise StudyNotFound(study_id)
    return study


async def find_editable_study(ctx: Context, study_id: int) -> Study:
    """A study the caller may change (owner, sharer, admin); Forbidden if only readable."""
    study = await find_study(ctx, study_id)
    if not await can_edit_study(ctx, study_id):
        if is_untrusted_plugin(ctx.principal):
            raise Forbidden(untrusted_plugin_message(ctx.principal))
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
    if "\x00" in name + affiliation:
        return None
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

    Admins (and clients with admin rights) may create studies for anyone; other users
    only studies they own themselves.
    """
    if is_untrusted_plugin(ctx.principal):
        raise Forbidden(untrusted_plugin_message(ctx.principal))
    texts = (("title", title), ("study_abstract", abstract), ("study_description", description),
             ("study_alias", alias), ("notes", notes))  # fmt: skip
    raise_problems(
        [
            Invalid(f"The {field} contains a NUL character.", field)
            for field, text in texts
            if "\x00" in text
        ]
    )
    owner_query = select(Account).where(Account.email_lower == owner_email.strip().lower())
    owner = (
        None
        if "\x00" in owner_email
        else (await ctx.session.execute(owner_query)).scalar_one_or_none()
    )
    if owner is None:
        raise Forbidden(UNKNOWN_USER)
    if not can_create_study_for(ctx.principal, owner.id):
        raise Forbidden(
            "You may only create studies owned by yourself; "
            "an administrator can create studies for other users."
        )
    clean_title = normalise_title(title)
    title_query = select(Study.id).where(Study.title == clean_title)
    if (await ctx.session.execute(title_query)).first() is not None:
        raise Taken(TITLE_EXISTS, "title")
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
        raise Taken(TITLE_EXISTS, "title") from None
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


@dataclass(frozen=True)
class FileAssociation:
    id: int
    path: str
    filepath_type: str


@dataclass(frozen=True)
class ArtifactAssociation:
    id: int
    status: str
    parent_ids: list[int] | None
    basal_id: int
    processing_id: int | None
    processing_name: str | None
    processing_arguments: dict[str, Any] | None
    files: list[FileAssociation] | None


@dataclass(frozen=True)
class PreparationAssociation:
    id: int
    status: str
    file: str | None
    data_type: str
    human_filtering: str | None
    artifacts: list[ArtifactAssociation]


@dataclass(frozen=True)
class StudyAssociations:
    study_id: int
    sample_file: str | None
    preparations: list[PreparationAssociation]


async def _newest_files(ctx: Context, owner: Any, owner_ids: list[int]) -> dict[int, str]:
    """Absolute path of the highest-id stored file per owner id."""
    if not owner_ids:
        return {}
    query = (
        select(owner, DataDirectory.mountpoint, StoredFile.relpath)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(owner.in_(owner_ids))
        .order_by(StoredFile.id)
    )
    newest: dict[int, str] = {}
    for owner_id, mountpoint, relpath in await ctx.session.execute(query):
        newest[owner_id] = str(ctx.files.root / mountpoint / relpath)
    return newest


async def _artifact_trees(ctx: Context, roots: list[int]) -> dict[int, int]:
    """Every artifact reachable from the given roots -> its root (basal) id."""
    if not roots:
        return {}
    tree = (
        select(Artifact.id.label("id"), Artifact.id.label("root"))
        .where(Artifact.id.in_(roots))
        .cte("tree", recursive=True)
    )
    tree = tree.union(
        select(ArtifactParent.artifact_id, tree.c.root).join(
            tree, ArtifactParent.parent_id == tree.c.id
        )
    )
    rows = await ctx.session.execute(select(tree.c.id, tree.c.root))
    return {artifact_id: root for artifact_id, root in rows}


async def _artifact_associations(ctx: Context, basal: dict[int, int]) -> list[ArtifactAssociation]:
    ids = sorted(basal)
    if not ids:
        return []
    parents: dict[int, list[int]] = {}
    edges = select(ArtifactParent.artifact_id, ArtifactParent.parent_id).where(
        ArtifactParent.artifact_id.in_(ids)
    )
    for child, parent in await ctx.session.execute(edges.order_by(ArtifactParent.parent_id)):
        parents.setdefault(child, []).append(parent)
    files: dict[int, list[FileAssociation]] = {}
    file_query = (
        select(StoredFile.artifact_id, StoredFile.id, DataDirectory.mountpoint,
               StoredFile.relpath, FilepathType.name)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .where(StoredFile.artifact_id.in_(ids))
        .order_by(StoredFile.id)
    )  # fmt: skip
    for artifact_id, file_id, mountpoint, relpath, type_name in await ctx.session.execute(
        file_query
    ):
        assert artifact_id is not None  # filtered by the query
        path = str(ctx.files.root / mountpoint / relpath)
        files.setdefault(artifact_id, []).append(FileAssociation(file_id, path, type_name))
    query = (
        select(Artifact, Command.name)
        .outerjoin(Command, Command.id == Artifact.command_id)
        .where(Artifact.id.in_(ids))
        .order_by(Artifact.id)
    )
    result = []
    for artifact, command_name in await ctx.session.execute(query):
        result.append(
            ArtifactAssociation(
                id=artifact.id,
                status=artifact.visibility,
                parent_ids=parents.get(artifact.id),
                basal_id=basal[artifact.id],
                processing_id=artifact.command_id,
                processing_name=command_name,
                processing_arguments=artifact.command_parameters,
                files=files.get(artifact.id),
            )
        )
    return result


async def get_study_associations(ctx: Context, study_id: int) -> StudyAssociations:
    """The study's newest files, preparations and artifact trees (study-api.md §3.4)."""
    await find_study(ctx, study_id)
    sample_files = await _newest_files(ctx, StoredFile.sample_template_study_id, [study_id])
    prep_query = (
        select(PrepTemplate, DataType.name, Artifact.visibility, HumanReadsFilterMethod.name)
        .join(DataType, DataType.id == PrepTemplate.data_type_id)
        .outerjoin(Artifact, Artifact.id == PrepTemplate.artifact_id)
        .outerjoin(
            HumanReadsFilterMethod,
            HumanReadsFilterMethod.id == Artifact.human_reads_filter_method_id,
        )
        .where(PrepTemplate.study_id == study_id)
        .order_by(PrepTemplate.id)
    )
    preps = (await ctx.session.execute(prep_query)).all()
    prep_files = await _newest_files(ctx, StoredFile.prep_id, [prep.id for prep, *_ in preps])
    roots = [prep.artifact_id for prep, *_ in preps if prep.artifact_id is not None]
    basal = await _artifact_trees(ctx, roots)
    artifacts = await _artifact_associations(ctx, basal)
    preparations = []
    for prep, data_type, root_visibility, human_filtering in preps:
        status = root_visibility if root_visibility not in (None, "archived") else "sandbox"
        preparations.append(
            PreparationAssociation(
                id=prep.id,
                status=status,
                file=prep_files.get(prep.id),
                data_type=data_type,
                human_filtering=human_filtering,
                artifacts=[a for a in artifacts if a.basal_id == prep.artifact_id],
            )
        )
    return StudyAssociations(
        study_id=study_id, sample_file=sample_files.get(study_id), preparations=preparations
    )
