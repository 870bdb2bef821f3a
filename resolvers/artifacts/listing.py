"""The filtered list of artifacts behind `Query.artifacts`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from db.models import Artifact, ArtifactType, DataType
from db.models.artifacts import VISIBILITIES
from resolvers.auth.access import readable_artifacts_filter
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.keyset import Ordering, ordered_page
from resolvers.pagination import Page, PageRequest


@dataclass(frozen=True)
class ArtifactFilter:
    type_name: str | None = None
    study_id: int | None = None
    visibility: str | None = None
    data_type: str | None = None


async def search_artifacts(
    ctx: Context, where: ArtifactFilter, page: PageRequest, *, descending: bool = False
) -> Page[Artifact]:
    """Artifacts the caller may read that match `where`, ordered by id."""
    conditions: list[ColumnElement[bool]] = [readable_artifacts_filter(ctx.principal)]
    if where.type_name is not None:
        conditions.append(
            Artifact.artifact_type_id.in_(
                select(ArtifactType.id).where(ArtifactType.name == where.type_name)
            )
        )
    if where.study_id is not None:
        conditions.append(Artifact.study_id == where.study_id)
    if where.visibility is not None:
        if where.visibility not in VISIBILITIES:
            raise Invalid(
                f"Unknown visibility {where.visibility!r}; expected one of "
                f"{', '.join(VISIBILITIES)}.",
                "visibility",
            )
        conditions.append(Artifact.visibility == where.visibility)
    if where.data_type is not None:
        conditions.append(
            Artifact.data_type_id.in_(select(DataType.id).where(DataType.name == where.data_type))
        )
    query = select(Artifact).where(*conditions)
    return await ordered_page(ctx, query, Ordering(Artifact.id, Artifact.id, descending), page)
