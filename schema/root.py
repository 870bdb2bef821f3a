"""Query, Mutation and Subscription roots, composed from one mixin per resource."""

from __future__ import annotations

import strawberry

from schema.mutations.accounts import AccountMutations
from schema.mutations.analyses import AnalysisMutations
from schema.mutations.artifact_editing import ArtifactEditingMutations
from schema.mutations.jobs import JobMutations
from schema.mutations.messages import MessageMutations
from schema.mutations.preparation_editing import PreparationEditingMutations
from schema.mutations.sheets import SheetMutations
from schema.mutations.studies import StudyMutations
from schema.mutations.study_editing import StudyEditingMutations
from schema.mutations.uploads import UploadMutations
from schema.mutations.workflows import WorkflowMutations
from schema.queries.analyses import AnalysisQueries
from schema.queries.artifacts import ArtifactQueries
from schema.queries.audit import AuditQueries
from schema.queries.jobs import JobQueries
from schema.queries.messages import MessageQueries
from schema.queries.nodes import NodeQueries
from schema.queries.plugins import PluginQueries
from schema.queries.search import SearchQueries
from schema.queries.studies import StudyQueries


@strawberry.type(description="Read entry points.")
class Query(
    NodeQueries,
    StudyQueries,
    ArtifactQueries,
    JobQueries,
    PluginQueries,
    AnalysisQueries,
    AuditQueries,
    MessageQueries,
    SearchQueries,
):
    pass


@strawberry.type(
    description="Changes; each takes one input and answers a payload with `userErrors`."
)
class Mutation(
    StudyMutations,
    JobMutations,
    UploadMutations,
    SheetMutations,
    AnalysisMutations,
    WorkflowMutations,
    AccountMutations,
    MessageMutations,
    StudyEditingMutations,
    PreparationEditingMutations,
    ArtifactEditingMutations,
):
    pass
