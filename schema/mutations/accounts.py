"""Mutations on accounts: registration, invitations, verification, passwords, profiles, levels."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.auth import account_admin, password_reset, profile, registration
from resolvers.auth.profile import ProfileChanges
from schema.context import Info
from schema.errors import INPUT, UserError, user_errors_field
from schema.mutations.running import run_mutation, run_object_mutation
from schema.types.enums import UserLevel
from schema.types.users import User

RESET_ANSWER = "If an account has this e-mail address, a link to reset its password is on its way."
USER_FIELD = "The account as changed; null when `userErrors` is not empty."


@strawberry.input(description="A new account (only when the server has open registration).")
class RegisterInput:
    email: str = strawberry.field(description="Your e-mail address; a link to verify it is mailed.")
    password: str = strawberry.field(
        description="At least 8 ASCII characters, no spaces or backslashes."
    )
    name: str | None = strawberry.field(default=None, description="Your name.")
    affiliation: str | None = strawberry.field(default=None, description="Your institution.")


@strawberry.input(description="A new account an administrator creates and invites by mail.")
class InviteUserInput:
    email: str = strawberry.field(description="The e-mail address the invitation goes to.")
    name: str | None = strawberry.field(default=None, description="The user's name.")
    affiliation: str | None = strawberry.field(default=None, description="The user's institution.")


@strawberry.input(description="The secret of a verification link.")
class VerifyEmailInput:
    token: str = strawberry.field(description="The `token` parameter of the mailed link.")


@strawberry.input(description="The e-mail address of an account whose password is forgotten.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="The account's e-mail address.")


@strawberry.input(description="A new password, set through a reset or invitation link.")
class ResetPasswordInput:
    token: str = strawberry.field(description="The `token` parameter of the mailed link.")
    password: str = strawberry.field(
        description="The new password: at least 8 ASCII characters, no spaces or backslashes."
    )


@strawberry.input(description="Your current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="Your password now.")
    new_password: str = strawberry.field(
        description="The new password: at least 8 ASCII characters, no spaces or backslashes."
    )


@strawberry.input(description="Profile fields to change; those not given stay as they are.")
class UpdateProfileInput:
    email: str | None = strawberry.field(
        default=None,
        description="Whose profile: yours when null; another account's (administrators only).",
    )
    name: str | None = strawberry.field(default=None, description="The name; empty clears it.")
    affiliation: str | None = strawberry.field(
        default=None, description="The institution; empty clears it."
    )
    address: str | None = strawberry.field(
        default=None, description="The postal address; empty clears it."
    )
    phone: str | None = strawberry.field(default=None, description="The phone; empty clears it.")
    social_orcid: str | None = strawberry.field(
        default=None, description="The ORCID; empty clears it."
    )
    social_researchgate: str | None = strawberry.field(
        default=None, description="The ResearchGate id; empty clears it."
    )
    social_googlescholar: str | None = strawberry.field(
        default=None, description="The Google Scholar id; empty clears it."
    )
    receive_processing_job_emails: bool | None = strawberry.field(
        default=None, description="Whether to get job e-mails."
    )

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            name=self.name,
            affiliation=self.affiliation,
            address=self.address,
            phone=self.phone,
            social_orcid=self.social_orcid,
            social_researchgate=self.social_researchgate,
            social_googlescholar=self.social_googlescholar,
            receive_processing_job_emails=self.receive_processing_job_emails,
        )


@strawberry.input(description="An account and its new level.")
class SetUserLevelInput:
    email: str = strawberry.field(description="The account's e-mail address.")
    level: UserLevel = strawberry.field(description="The new level.")


@strawberry.type(description="The result of an account mutation.")
class AccountPayload:
    user: User | None = strawberry.field(description=USER_FIELD)
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `requestPasswordReset`: the same for every e-mail.")
class RequestPasswordResetPayload:
    message: str | None = strawberry.field(
        description="What happens next (the same whether or not the account exists); "
        "null when `userErrors` is not empty."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="Account mutations.")
class AccountMutations:
    @strawberry.mutation(
        description="Create an unverified account and mail a link to verify its e-mail; only "
        "when the server has open registration (`QIITA_OPEN_REGISTRATION`)."
    )
    async def register(self, info: Info, input: Annotated[RegisterInput, INPUT]) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: registration.register(
                ctx, input.email, input.password, name=input.name, affiliation=input.affiliation
            ),
            User.from_row,
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(
        description="Create an unverified account and mail it a link to set its password "
        "(administrators only)."
    )
    async def invite_user(
        self, info: Info, input: Annotated[InviteUserInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: registration.invite_user(
                ctx, input.email, name=input.name, affiliation=input.affiliation
            ),
            User.from_row,
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(description="Verify an e-mail address with the mailed link's token.")
    async def verify_email(
        self, info: Info, input: Annotated[VerifyEmailInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info, lambda ctx: registration.verify_email(ctx, input.token), User.from_row
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(
        description="Mail a link to reset the password; answers the same whether or not the "
        "e-mail has an account."
    )
    async def request_password_reset(
        self, info: Info, input: Annotated[RequestPasswordResetInput, INPUT]
    ) -> RequestPasswordResetPayload:
        _, errors = await run_mutation(
            info, lambda ctx: password_reset.request_password_reset(ctx, input.email)
        )
        return RequestPasswordResetPayload(
            message=None if errors else RESET_ANSWER, user_errors=errors
        )

    @strawberry.mutation(
        description="Set a new password with a reset or invitation link's token; verifies the "
        "e-mail and revokes the account's tokens."
    )
    async def reset_password(
        self, info: Info, input: Annotated[ResetPasswordInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: password_reset.reset_password(ctx, input.token, input.password),
            User.from_row,
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(
        description="Change your password; revokes every token of your account, this one "
        "included (sign in again)."
    )
    async def change_password(
        self, info: Info, input: Annotated[ChangePasswordInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: profile.change_password(ctx, input.current_password, input.new_password),
            User.from_row,
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(
        description="Change your profile (administrators: anyone's, naming them by `email`)."
    )
    async def update_profile(
        self, info: Info, input: Annotated[UpdateProfileInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: profile.update_profile(ctx, input.changes(), input.email),
            User.from_row,
            not_found="email",
        )
        return AccountPayload(user=user, user_errors=errors)

    @strawberry.mutation(description="Change an account's level (administrators only).")
    async def set_user_level(
        self, info: Info, input: Annotated[SetUserLevelInput, INPUT]
    ) -> AccountPayload:
        user, errors = await run_object_mutation(
            info,
            lambda ctx: account_admin.set_user_level(ctx, input.email, input.level.value),
            User.from_row,
            not_found="email",
        )
        return AccountPayload(user=user, user_errors=errors)
