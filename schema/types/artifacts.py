"""The Artifact type: a set of files of one type, with its provenance DAG."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from db.models import Artifact as ArtifactRow
from schema.context import Info
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    global_id,
    list_connection,
    require_found,
)
from schema.types.downloads import SIGNED_LINK, public_link, signed_link
from schema.types.enums import Visibility
from schema.types.files import File
from schema.types.vocabulary import ArtifactType, load_artifact_type

if TYPE_CHECKING:
    from schema.types.analyses import Analysis
    from schema.types.jobs import ProcessingJob
    from schema.types.plugins import Command
    from schema.types.preparations import Preparation
    from schema.types.studies import Study


@strawberry.type(description="An artifact: files of one type, produced by upload or by a job.")
class Artifact(Node):
    artifact_id: int = strawberry.field(description="Qiita's integer id, as in the REST routes.")
    name: str = strawberry.field(description="The artifact's name.")
    visibility: Visibility = strawberry.field(description="Who may see the artifact.")
    generated_at: dt.datetime = strawberry.field(description="When the artifact was created.")
    submitted_to_vamps: bool = strawberry.field(
        description="Whether the artifact was submitted to VAMPS."
    )
    command_parameters: JSON | None = strawberry.field(
        description="The parameter values of the job that produced it."
    )
    archive_data: JSON | None = strawberry.field(
        description="Data kept when the artifact was archived; null otherwise."
    )
    row: strawberry.Private[ArtifactRow]

    @classmethod
    def from_row(cls, row: ArtifactRow) -> Artifact:
        return cls(
            id=global_id("Artifact", row.id),
            artifact_id=row.id,
            name=row.name,
            visibility=Visibility(row.visibility),
            generated_at=row.generated_at,
            submitted_to_vamps=row.submitted_to_vamps,
            command_parameters=_json(row.command_parameters),
            archive_data=_json(row.archive_data),
            row=row,
        )

    @strawberry.field(description=SIGNED_LINK + " A zip of the artifact's files.")
    async def download_url(self, info: Info) -> str:
        return await signed_link(info, "artifact", self.artifact_id)

    @strawberry.field(description="A stable link that needs no token; null unless public.")
    async def public_download_url(self, info: Info) -> str | None:
        return await public_link(info, self.artifact_id)

    @strawberry.field(description="The artifact's type (FASTQ, BIOM...).")
    async def type(self, info: Info) -> ArtifactType:
        found = await load_artifact_type(info, self.row.artifact_type_id)
        return require_found(found, "ArtifactType", self.row.artifact_type_id)

    @strawberry.field(
        description="Whether the caller may change the artifact (`setArtifactVisibility`, "
        "`requestHtmlSummary`, `renameArtifact`): those who may change its study. "
        "Further rules of each mutation (an archived or public artifact...) still apply."
    )
    async def viewer_can_edit(self, info: Info) -> bool:
        if self.row.study_id is None:
            return False
        return await info.context.loaders.study_editable.load(self.row.study_id)

    @strawberry.field(
        description="Whether the caller may delete this artifact now (`deleteArtifact`): those "
        "who may change its study, while it is not public, has no children, is in no analysis, "
        "was not submitted to EBI or VAMPS and no active job reads it."
    )
    async def viewer_can_delete(self, info: Info) -> bool:
        return await info.context.loaders.artifact_deletable.load(self.artifact_id)

    @strawberry.field(description="The data type (16S, Metagenomic...).")
    async def data_type(self, info: Info) -> str:
        row = await info.context.loaders.data_type_by_id.load(self.row.data_type_id)
        return row.name if row is not None else ""

    @strawberry.field(description="The study of a study artifact; null for an analysis artifact.")
    async def study(
        self, info: Info
    ) -> Annotated[Study, strawberry.lazy("schema.types.studies")] | None:
        from schema.types.studies import load_study

        return await load_study(info, self.row.study_id)

    @strawberry.field(
        description="The preparation of a study artifact; null for an analysis artifact."
    )
    async def preparation(
        self, info: Info
    ) -> Annotated[Preparation, strawberry.lazy("schema.types.preparations")] | None:
        from schema.types.preparations import load_preparation

        return await load_preparation(info, self.row.prep_id)

    @strawberry.field(
        description="The analysis of an analysis artifact; null for a study artifact."
    )
    async def analysis(
        self, info: Info
    ) -> Annotated[Analysis, strawberry.lazy("schema.types.analyses")] | None:
        from schema.types.analyses import load_analysis

        return await load_analysis(info, self.row.analysis_id)

    @strawberry.field(description="The command that produced it; null for uploads.")
    async def command(
        self, info: Info
    ) -> Annotated[Command, strawberry.lazy("schema.types.plugins")] | None:
        from schema.types.plugins import load_command

        return await load_command(info, self.row.command_id)

    @strawberry.field(description="The job that produced it; null for uploads.")
    async def produced_by(
        self, info: Info
    ) -> Annotated[ProcessingJob, strawberry.lazy("schema.types.jobs")] | None:
        from schema.types.jobs import load_job

        return await load_job(info, self.row.produced_by_job_id)

    @strawberry.field(description="The artifacts it was made from; empty for uploads.")
    async def parents(self, info: Info) -> list[Artifact]:
        rows = await info.context.loaders.parents_for_artifact.load(self.artifact_id)
        return [Artifact.from_row(row) for row in rows]

    @strawberry.field(description="The artifacts made from it.")
    async def children(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Artifact]:
        rows = await info.context.loaders.children_for_artifact.load(self.artifact_id)
        return list_connection(
            info,
            "Artifact.children",
            rows,
            lambda row: row.id,
            Artifact.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(description="Jobs that take this artifact as an input, oldest first.")
    async def jobs(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[ProcessingJob, strawberry.lazy("schema.types.jobs")]]:
        from schema.types.jobs import ProcessingJob

        rows = await info.context.loaders.jobs_for_artifact.load(self.artifact_id)
        return list_connection(
            info,
            "Artifact.jobs",
            rows,
            lambda row: row.id,
            ProcessingJob.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(
        description="Active commands that can take this artifact as an input (an artifact "
        "parameter accepts its type), by id; analysis commands for analysis artifacts, the "
        "others for study artifacts."
    )
    async def applicable_commands(
        self, info: Info
    ) -> list[Annotated[Command, strawberry.lazy("schema.types.plugins")]]:
        from schema.types.plugins import Command

        rows = await info.context.loaders.commands_for_artifact_type.load(self.row.artifact_type_id)
        for_analysis = self.row.analysis_id is not None
        return [Command.from_row(row) for row in rows if row.is_analysis == for_analysis]

    @strawberry.field(description="The artifact's stored files.")
    async def files(self, info: Info) -> list[File]:
        rows = await info.context.loaders.files_for_artifact.load(self.artifact_id)
        return [File.from_row(row) for row in rows]


def _json(value: dict[str, Any] | None) -> JSON | None:
    return JSON(value) if value is not None else None


async def load_artifact(info: Info, artifact_id: int | None) -> Artifact | None:
    if artifact_id is None:
        return None
    row = await info.context.loaders.artifact_by_id.load(artifact_id)
    return Artifact.from_row(row) if row is not None else None
