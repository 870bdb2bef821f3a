"""The Analysis type."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.models import Analysis as AnalysisRow
from resolvers.auth.access import can_delete_analysis
from schema.context import Info
from schema.relay import After, Before, Connection, First, Last, Node, global_id, list_connection
from schema.types.downloads import SIGNED_LINK, signed_link
from schema.types.users import User, load_user

if TYPE_CHECKING:
    from schema.types.artifacts import Artifact


@strawberry.type(description="Samples selected from one artifact for an analysis (or the cart).")
class AnalysisSelection:
    artifact_id: int = strawberry.field(description="Qiita's integer id of the artifact.")
    sample_names: list[str] = strawberry.field(description="The selected samples, by name.")

    @strawberry.field(description="The artifact the samples come from, when readable.")
    async def artifact(
        self, info: Info
    ) -> Annotated[Artifact, strawberry.lazy("schema.types.artifacts")] | None:
        from schema.types.artifacts import load_artifact

        return await load_artifact(info, self.artifact_id)


@strawberry.type(description="An analysis: selected samples of artifacts, merged and processed.")
class Analysis(Node):
    analysis_id: int = strawberry.field(description="Qiita's integer id.")
    name: str = strawberry.field(description="The analysis's name.")
    description: str = strawberry.field(description="What the analysis is about.")
    pmid: str | None = strawberry.field(description="The PubMed id of its publication, when given.")
    created_at: dt.datetime = strawberry.field(description="When the analysis was created.")
    is_default: bool = strawberry.field(description="The owner's default analysis (the cart).")
    row: strawberry.Private[AnalysisRow]

    @classmethod
    def from_row(cls, row: AnalysisRow) -> Analysis:
        return cls(
            id=global_id("Analysis", row.id),
            analysis_id=row.id,
            name=row.name,
            description=row.description,
            pmid=row.pmid,
            created_at=row.created_at,
            is_default=row.is_default,
            row=row,
        )

    @strawberry.field(description=SIGNED_LINK + " A zip of the analysis's files.")
    async def download_url(self, info: Info) -> str:
        return await signed_link(info, "analysis", self.analysis_id)

    @strawberry.field(description="The user who owns the analysis.")
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="The selected samples, grouped by the artifact they come from.")
    async def selections(self, info: Info) -> list[AnalysisSelection]:
        rows = await info.context.loaders.analysis_selections.load(self.analysis_id)
        return [
            AnalysisSelection(artifact_id=r.artifact_id, sample_names=r.sample_names) for r in rows
        ]

    @strawberry.field(
        description="Users the analysis is shared with; empty unless the caller may change it."
    )
    async def shared_with(self, info: Info) -> list[User]:
        rows = await info.context.loaders.analysis_shared_accounts.load(self.analysis_id)
        return [User.from_row(row) for row in rows]

    @strawberry.field(description="Whether all the analysis's initial artifacts are public.")
    async def is_public(self, info: Info) -> bool:
        return await info.context.loaders.analysis_public.load(self.analysis_id)

    @strawberry.field(
        description="Whether the caller may change the analysis: share it "
        "(`shareAnalysis`, `unshareAnalysis`) and make it public (`makeAnalysisPublic`)."
    )
    async def viewer_can_edit(self, info: Info) -> bool:
        return await info.context.loaders.analysis_editable.load(self.analysis_id)

    @strawberry.field(
        description="Whether the caller may delete the analysis (`deleteAnalysis`): its owner "
        "or an admin; never a cart."
    )
    def viewer_can_delete(self, info: Info) -> bool:
        return can_delete_analysis(info.context.principal, self.row)

    @strawberry.field(description="The analysis's artifacts.")
    async def artifacts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Artifact, strawberry.lazy("schema.types.artifacts")]]:
        from schema.types.artifacts import Artifact

        rows = await info.context.loaders.artifacts_for_analysis.load(self.analysis_id)
        return list_connection(
            info,
            "Analysis.artifacts",
            rows,
            lambda row: row.id,
            Artifact.from_row,
            first,
            after,
            last,
            before,
        )


async def load_analysis(info: Info, analysis_id: int | None) -> Analysis | None:
    if analysis_id is None:
        return None
    row = await info.context.loaders.analysis_by_id.load(analysis_id)
    return Analysis.from_row(row) if row is not None else None
