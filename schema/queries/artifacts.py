"""Queries over artifacts and the vocabularies that describe them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.artifacts.listing import ArtifactFilter, search_artifacts
from resolvers.plugins.catalog import list_artifact_types, list_data_types, list_filepath_types
from schema.context import Info
from schema.queries.studies import OrderDirection
from schema.relay import (
    NOT_FOUND_NOTE,
    After,
    Before,
    Connection,
    First,
    Last,
    fetch_connection,
    integer_key,
    require_found,
)
from schema.types.artifacts import Artifact, load_artifact
from schema.types.enums import Visibility
from schema.types.preparations import Preparation, load_preparation
from schema.types.vocabulary import ArtifactType, FilepathType


@strawberry.input(description="Conditions an artifact must meet (all of them).")
class ArtifactFilterInput:
    type: str | None = strawberry.field(default=None, description="Artifact type name (BIOM...).")
    study_id: strawberry.ID | None = strawberry.field(
        default=None, description="Artifacts of this study (global id or Qiita's integer id)."
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="Artifacts of this visibility."
    )
    data_type: str | None = strawberry.field(
        default=None, description="Artifacts of this data type (16S, Metagenomic...)."
    )

    def to_filter(self) -> ArtifactFilter:
        return ArtifactFilter(
            type_name=self.type,
            study_id=integer_key("Study", self.study_id) if self.study_id is not None else None,
            visibility=self.visibility.value if self.visibility else None,
            data_type=self.data_type,
        )


@strawberry.enum(description="What artifacts are sorted by.")
class ArtifactOrderField(Enum):
    ID = strawberry.enum_value("id", description="By integer id (creation order).")


@strawberry.input(description="The order of an artifact list.")
class ArtifactOrder:
    field: ArtifactOrderField = strawberry.field(
        default=ArtifactOrderField.ID, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )


@strawberry.type
class ArtifactQueries:
    @strawberry.field(description="An artifact by its Qiita integer id." + NOT_FOUND_NOTE)
    async def artifact(
        self,
        info: Info,
        artifact_id: Annotated[
            int,
            strawberry.argument(
                description="Qiita integer id of the artifact (`Artifact.artifactId`)."
            ),
        ],
    ) -> Artifact | None:
        return require_found(await load_artifact(info, artifact_id), "Artifact", artifact_id)

    @strawberry.field(description="Artifacts the caller may read, by id.")
    async def artifacts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            ArtifactFilterInput | None,
            strawberry.argument(description="Only the artifacts that meet these conditions."),
        ] = None,
        order_by: Annotated[
            ArtifactOrder | None,
            strawberry.argument(description="The order; by id, ascending, when not given."),
        ] = None,
        direction: Annotated[
            OrderDirection,
            strawberry.argument(
                description="Ascending or descending id; ignored when `orderBy` is given.",
                deprecation_reason="Use `orderBy: {direction: ...}`, as on `studies`.",
            ),
        ] = OrderDirection.ASC,
    ) -> Connection[Artifact]:
        conditions = (where or ArtifactFilterInput()).to_filter()
        if order_by is not None:
            direction = order_by.direction
        descending = direction is OrderDirection.DESC
        return await fetch_connection(
            info,
            f"Artifact:{direction.value}",
            lambda ctx, request: search_artifacts(ctx, conditions, request, descending=descending),
            Artifact.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(description="A preparation by its Qiita integer id." + NOT_FOUND_NOTE)
    async def preparation(
        self,
        info: Info,
        prep_id: Annotated[
            int,
            strawberry.argument(
                description="Qiita integer id of the preparation (`Preparation.prepId`)."
            ),
        ],
    ) -> Preparation | None:
        return require_found(await load_preparation(info, prep_id), "Preparation", prep_id)

    @strawberry.field(description="Every artifact type.")
    async def artifact_types(self, info: Info) -> list[ArtifactType]:
        async with info.context.unit_of_work() as ctx:
            rows = await list_artifact_types(ctx)
        return [ArtifactType.from_row(row) for row in rows]

    @strawberry.field(description="Every filepath type.")
    async def filepath_types(self, info: Info) -> list[FilepathType]:
        async with info.context.unit_of_work() as ctx:
            rows = await list_filepath_types(ctx)
        return [FilepathType.from_row(row) for row in rows]

    @strawberry.field(description="Every data type name (16S, 18S, ITS, Metagenomic...).")
    async def data_types(self, info: Info) -> list[str]:
        async with info.context.unit_of_work() as ctx:
            rows = await list_data_types(ctx)
        return [row.name for row in rows]
