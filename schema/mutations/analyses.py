"""Mutations on the sample cart and on analyses."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import Analysis as AnalysisRow
from resolvers.analyses import cart, creation, deletion, sharing
from resolvers.context import Context
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.relay import global_id, integer_key
from schema.types.analyses import Analysis


@strawberry.input(description="Samples of one BIOM artifact to add to or remove from the cart.")
class CartSelectionInput:
    artifact_id: strawberry.ID = strawberry.field(
        description="The artifact, by global id or Qiita's integer id."
    )
    sample_names: list[str] | None = strawberry.field(
        default=None, description="The samples, by name; null for all the artifact's samples."
    )


@strawberry.type(description="The result of `addToCart` and `removeFromCart`.")
class CartPayload:
    cart: Analysis | None = strawberry.field(
        description="The caller's cart (default analysis); null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The new analysis, made of the samples in the caller's cart.")
class CreateAnalysisInput:
    name: str = strawberry.field(description="The analysis's name.")
    description: str = strawberry.field(default="", description="What the analysis is about.")
    merge_duplicate_sample_ids: bool = strawberry.field(
        default=False,
        description="Keep sample names as they are, summing the counts of a sample selected "
        "from several artifacts; by default samples are named `<artifact id>.<sample name>`.",
    )


@strawberry.input(description="An analysis and a user to share it with or to stop sharing it.")
class ShareAnalysisInput:
    analysis_id: strawberry.ID = strawberry.field(
        description="The analysis, by global id or Qiita's integer id."
    )
    email: str = strawberry.field(description="The user's e-mail address.")


@strawberry.input(description="The analysis to act on.")
class AnalysisIdInput:
    analysis_id: strawberry.ID = strawberry.field(
        description="The analysis, by global id or Qiita's integer id."
    )


@strawberry.type(description="The result of a mutation on an analysis.")
class AnalysisPayload:
    analysis: Analysis | None = strawberry.field(
        description="The analysis as changed; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `deleteAnalysis`.")
class DeleteAnalysisPayload:
    deleted_analysis_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted analysis; null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


def _analysis_key(value: strawberry.ID) -> int:
    return integer_key("Analysis", value, "analysis_id")


@strawberry.type
class AnalysisMutations:
    @strawberry.mutation(description="Select samples of a BIOM artifact in your cart.")
    async def add_to_cart(
        self, info: Info, input: Annotated[CartSelectionInput, INPUT]
    ) -> CartPayload | None:
        async def action(ctx: Context) -> AnalysisRow:
            artifact_id = integer_key("Artifact", input.artifact_id, "artifact_id")
            return await cart.add_to_cart(ctx, artifact_id, input.sample_names)

        row, errors = await run_object_mutation(info, action, Analysis.from_row)
        return CartPayload(cart=row, user_errors=errors)

    @strawberry.mutation(description="Drop selected samples of an artifact from your cart.")
    async def remove_from_cart(
        self, info: Info, input: Annotated[CartSelectionInput, INPUT]
    ) -> CartPayload | None:
        async def action(ctx: Context) -> AnalysisRow:
            artifact_id = integer_key("Artifact", input.artifact_id, "artifact_id")
            return await cart.remove_from_cart(ctx, artifact_id, input.sample_names)

        row, errors = await run_object_mutation(info, action, Analysis.from_row)
        return CartPayload(cart=row, user_errors=errors)

    @strawberry.mutation(
        description="Create an analysis of the samples in your cart: one BIOM table per data "
        "type, merged from the selected artifacts; the cart is emptied."
    )
    async def create_analysis(
        self, info: Info, input: Annotated[CreateAnalysisInput, INPUT]
    ) -> AnalysisPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: creation.create_analysis(
                ctx,
                input.name,
                input.description,
                merge_duplicates=input.merge_duplicate_sample_ids,
            ),
            Analysis.from_row,
        )
        return AnalysisPayload(analysis=row, user_errors=errors)

    @strawberry.mutation(description="Let another user read and change an analysis.")
    async def share_analysis(
        self, info: Info, input: Annotated[ShareAnalysisInput, INPUT]
    ) -> AnalysisPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: sharing.share_analysis(ctx, _analysis_key(input.analysis_id), input.email),
            Analysis.from_row,
            not_found="analysis_id",
        )
        return AnalysisPayload(analysis=row, user_errors=errors)

    @strawberry.mutation(description="Stop sharing an analysis with a user.")
    async def unshare_analysis(
        self, info: Info, input: Annotated[ShareAnalysisInput, INPUT]
    ) -> AnalysisPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: sharing.unshare_analysis(
                ctx, _analysis_key(input.analysis_id), input.email
            ),
            Analysis.from_row,
            not_found="analysis_id",
        )
        return AnalysisPayload(analysis=row, user_errors=errors)

    @strawberry.mutation(
        description="Make an analysis and all its artifacts public; every artifact its "
        "samples come from must be public."
    )
    async def make_analysis_public(
        self, info: Info, input: Annotated[AnalysisIdInput, INPUT]
    ) -> AnalysisPayload | None:
        row, errors = await run_object_mutation(
            info,
            lambda ctx: sharing.make_analysis_public(ctx, _analysis_key(input.analysis_id)),
            Analysis.from_row,
            not_found="analysis_id",
        )
        return AnalysisPayload(analysis=row, user_errors=errors)

    @strawberry.mutation(
        description="Delete an analysis you own with its artifacts and files (not a public one)."
    )
    async def delete_analysis(
        self, info: Info, input: Annotated[AnalysisIdInput, INPUT]
    ) -> DeleteAnalysisPayload | None:
        deleted, errors = await run_mutation(
            info,
            lambda ctx: deletion.delete_analysis(ctx, _analysis_key(input.analysis_id)),
            not_found="analysis_id",
        )
        return DeleteAnalysisPayload(
            deleted_analysis_id=global_id("Analysis", deleted) if deleted is not None else None,
            user_errors=errors,
        )
