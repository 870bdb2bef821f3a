"""Lists of the public catalog (plugins, vocabularies, references) and of analyses/persons."""

from __future__ import annotations

from sqlalchemy import or_, select

from db.models import (
    Analysis,
    ArtifactType,
    Command,
    DataType,
    FilepathType,
    Reference,
    Software,
    StudyPerson,
)
from resolvers.auth.access import readable_analyses_filter, require_authenticated
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.keyset import Ordering, ordered_page
from resolvers.pagination import Page, PageRequest


async def list_plugins(ctx: Context, *, active: bool | None = None) -> list[Software]:
    """Every registered plugin (or only active / inactive ones), by name and version."""
    query = select(Software).order_by(Software.name, Software.version, Software.id)
    if active is not None:
        query = query.where(Software.active.is_(active))
    return list((await ctx.session.execute(query)).scalars().all())


async def find_plugin(ctx: Context, name: str, version: str) -> Software:
    """The plugin registered under (name, version); NotFound otherwise."""
    query = select(Software).where(Software.name == name, Software.version == version)
    plugin = (await ctx.session.execute(query)).scalar_one_or_none()
    if plugin is None:
        raise NotFound(f"Plugin not found: {name} {version}")
    return plugin


async def find_command(ctx: Context, command_id: int) -> Command:
    command = await ctx.session.get(Command, command_id)
    if command is None:
        raise NotFound(f"Command not found: {command_id}")
    return command


async def list_artifact_types(ctx: Context) -> list[ArtifactType]:
    query = select(ArtifactType).order_by(ArtifactType.id)
    return list((await ctx.session.execute(query)).scalars().all())


async def list_filepath_types(ctx: Context) -> list[FilepathType]:
    query = select(FilepathType).order_by(FilepathType.id)
    return list((await ctx.session.execute(query)).scalars().all())


async def list_data_types(ctx: Context) -> list[DataType]:
    query = select(DataType).order_by(DataType.id)
    return list((await ctx.session.execute(query)).scalars().all())


async def list_references(
    ctx: Context, page: PageRequest, *, text: str | None = None
) -> Page[Reference]:
    """Reference databases by id; `text`: case-insensitive text in the name."""
    query = select(Reference)
    if text:
        query = query.where(Reference.name.icontains(text, autoescape=True))
    return await ordered_page(ctx, query, Ordering(Reference.id, Reference.id), page)


async def list_analyses(
    ctx: Context, page: PageRequest, *, text: str | None = None
) -> Page[Analysis]:
    """Analyses the caller may read, by id; `text`: case-insensitive text in the name."""
    query = select(Analysis).where(readable_analyses_filter(ctx.principal))
    if text:
        query = query.where(Analysis.name.icontains(text, autoescape=True))
    return await ordered_page(ctx, query, Ordering(Analysis.id, Analysis.id), page)


async def list_persons(
    ctx: Context, page: PageRequest, *, text: str | None = None
) -> Page[StudyPerson]:
    """Study contacts, for authenticated callers (as `GET /api/v1/person`); `text`:
    case-insensitive text in the name or affiliation."""
    require_authenticated(ctx)
    query = select(StudyPerson)
    if text:
        query = query.where(
            or_(
                StudyPerson.name.icontains(text, autoescape=True),
                StudyPerson.affiliation.icontains(text, autoescape=True),
            )
        )
    return await ordered_page(ctx, query, Ordering(StudyPerson.id, StudyPerson.id), page)
