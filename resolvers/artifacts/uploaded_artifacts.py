"""Attaching files from a study's upload folder to a preparation as its root artifact.

The server checks the files itself before anything is written, since no type plugin
validates them on this path (decisions.md; study-api.md §6.2): every file exists inside
the study's upload folder, every filepath type is known, allowed and the required ones
are present, and the preparation has no artifact yet. The files move into the artifact
type's mountpoint only when the database accepted the artifact (`create_artifact`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from db.files import PathOutsideRoot, resolve_inside
from db.models import Artifact, ArtifactType, FilepathType, PrepTemplate, Study
from resolvers.artifacts.artifact_types import check_filepath_types, get_artifact_type, get_mount
from resolvers.artifacts.artifacts import create_artifact
from resolvers.context import Context
from resolvers.errors import AlreadySet, Conflict, Invalid, NotFound, raise_problems
from resolvers.jobs.html_summaries import submit_html_summary
from resolvers.studies.preparations import PREPARATION_NOT_FOUND
from resolvers.studies.studies import find_editable_study, is_storable_id

logger = logging.getLogger(__name__)

# study-api.md §6.2: the exact message scripts see.
PREPARATION_OF_OTHER_STUDY = "Preparation ID not associated with the study"
UPLOADS_KIND = "uploads"


async def _filepath_type_names(ctx: Context, given: Sequence[str | int]) -> list[str]:
    """Filepath types by name or numeric id (plugin-lifecycle.md §1.4) -> names."""
    rows = (await ctx.session.execute(select(FilepathType.id, FilepathType.name))).all()
    by_id = {str(type_id): name for type_id, name in rows}
    names = {name for _, name in rows}
    result: list[str] = []
    unknown: list[str] = []
    for value in given:
        text = str(value).strip()
        if text in names:
            result.append(text)
        elif text in by_id:
            result.append(by_id[text])
        else:
            unknown.append(text)
    if unknown:
        raise Invalid(f"Unknown filepath type: {', '.join(unknown)}", "filepaths")
    return result


async def study_upload_folder(ctx: Context, study_id: int) -> Path:
    """`<uploads mount>/<study id>/`, where a study's users drop files."""
    return (await get_mount(ctx, UPLOADS_KIND)).path / str(study_id)


def _uploaded_files(folder: Path, filenames: Sequence[str]) -> tuple[list[Path], list[Invalid]]:
    """The files' paths inside the upload folder, and what is wrong with them."""
    paths: list[Path] = []
    outside: list[str] = []
    missing: list[str] = []
    for filename in filenames:
        try:
            path = resolve_inside(folder, filename)
        except PathOutsideRoot:
            outside.append(filename)
            continue
        if path == folder.resolve() or not path.exists():
            missing.append(filename)
        paths.append(path)
    problems: list[Invalid] = []
    if outside:
        problems.append(
            Invalid(
                "Files must be inside the study's upload folder; refused: " + ", ".join(outside),
                "filepaths",
            )
        )
    if missing:
        problems.append(
            Invalid(
                "These files are not in the study's upload folder: " + ", ".join(missing),
                "filepaths",
            )
        )
    return paths, problems


async def find_study_preparation(ctx: Context, study_id: int, prep_id: int) -> PrepTemplate:
    """A preparation of a study the caller may change; checks in study-api.md §6.2 order."""
    await find_editable_study(ctx, study_id)
    prep = await ctx.session.get(PrepTemplate, prep_id) if is_storable_id(prep_id) else None
    if prep is None:
        raise NotFound(PREPARATION_NOT_FOUND)
    if prep.study_id != study_id:
        raise Conflict(PREPARATION_OF_OTHER_STUDY)
    return prep


async def attach_uploaded_artifact(
    ctx: Context,
    study_id: int,
    prep_id: int,
    *,
    artifact_type: str,
    filepaths: Sequence[tuple[str, str | int]],
    name: str,
) -> Artifact:
    """Create a preparation's root artifact from uploaded files, after the server's own checks.

    Order of study-api.md §6.2: study, preparation, its study, then the artifact checks
    (Invalid, all reported together, the first as before) before anything moves.
    """
    prep = await find_study_preparation(ctx, study_id, prep_id)
    problems: list[Invalid] = []
    if "\x00" in name:
        problems.append(Invalid("The artifact name contains a NUL character.", "artifact_name"))
    type_row: ArtifactType | None = None
    try:
        type_row = await get_artifact_type(ctx, artifact_type)
    except Invalid as problem:
        problems.append(problem)
    type_names: list[str] = []
    if not filepaths:
        problems.append(Invalid("An artifact needs at least one file.", "filepaths"))
    else:
        try:
            type_names = await _filepath_type_names(ctx, [fp_type for _, fp_type in filepaths])
            if type_row is not None:
                await check_filepath_types(ctx, type_row, type_names)
        except Invalid as problem:
            problems.append(problem)
    if prep.artifact_id is not None:
        problems.append(
            AlreadySet(
                f"Preparation {prep_id} already has an artifact ({prep.artifact_id}); "
                "a preparation has one root artifact.",
                "prep",
            )
        )
    folder = await study_upload_folder(ctx, study_id)
    paths, file_problems = _uploaded_files(folder, [filename for filename, _ in filepaths])
    raise_problems([*problems, *file_problems])
    assert type_row is not None
    artifact = await create_artifact(
        ctx,
        artifact_type=type_row.name,
        files=[(str(path), fp_type) for path, fp_type in zip(paths, type_names, strict=True)],
        name=name,
        prep_id=prep_id,
        files_root=folder,
    )
    await _request_summary(ctx, artifact.id, study_id)
    return artifact


async def _request_summary(ctx: Context, artifact_id: int, study_id: int) -> None:
    """The type plugin's HTML summary job, as for any new artifact (decisions.md); a
    client's attachment gets it on behalf of the study's owner (jobs belong to users)."""
    user = ctx.principal.account_id
    if user is None:
        study = await ctx.session.get(Study, study_id)
        user = study.owner_id if study is not None else None
    if not ctx.settings.html_summary_after_release or user is None:
        return
    try:
        await submit_html_summary(ctx, artifact_id, user=user)
    except NotFound as exc:
        logger.info("artifact %s gets no HTML summary: %s", artifact_id, exc.message)
