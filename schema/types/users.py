"""The User type: admins see every field; other callers only their own details."""

from __future__ import annotations

import datetime as dt

import strawberry

from db.models import Account
from resolvers.auth.access import can_see_account_details
from resolvers.messages import unread_count
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.enums import UserLevel


@strawberry.type(description="A Qiita user account.")
class User(Node):
    email: str = strawberry.field(description="The account's e-mail address.")
    name: str | None = strawberry.field(description="The user's name, when given.")
    affiliation: str | None = strawberry.field(description="The user's institution, when given.")
    row: strawberry.Private[Account]

    @classmethod
    def from_row(cls, row: Account) -> User:
        return cls(
            id=global_id("User", row.id),
            email=row.email,
            name=row.name,
            affiliation=row.affiliation,
            row=row,
        )

    def _details_visible(self, info: Info) -> bool:
        return can_see_account_details(info.context.principal, self.row.id)

    @strawberry.field(
        description="Whether the caller sees this account's details (the user themself and "
        "admins). When false, the detail fields are null although they may be set; when "
        "true, null means unset."
    )
    def viewer_can_see_details(self, info: Info) -> bool:
        return self._details_visible(info)

    @strawberry.field(description="The account's level; null when hidden from the caller.")
    def level(self, info: Info) -> UserLevel | None:
        return UserLevel(self.row.level) if self._details_visible(info) else None

    @strawberry.field(description="The user's address; null when unset or hidden from the caller.")
    def address(self, info: Info) -> str | None:
        return self.row.address if self._details_visible(info) else None

    @strawberry.field(description="The user's phone; null when unset or hidden from the caller.")
    def phone(self, info: Info) -> str | None:
        return self.row.phone if self._details_visible(info) else None

    @strawberry.field(description="The user's ORCID; null when unset or hidden from the caller.")
    def social_orcid(self, info: Info) -> str | None:
        return self.row.social_orcid if self._details_visible(info) else None

    @strawberry.field(
        description="The user's ResearchGate id; null when unset or hidden from the caller."
    )
    def social_researchgate(self, info: Info) -> str | None:
        return self.row.social_researchgate if self._details_visible(info) else None

    @strawberry.field(
        description="The user's Google Scholar id; null when unset or hidden from the caller."
    )
    def social_googlescholar(self, info: Info) -> str | None:
        return self.row.social_googlescholar if self._details_visible(info) else None

    @strawberry.field(
        description="Whether the user gets job e-mails; null when hidden from the caller."
    )
    def receive_processing_job_emails(self, info: Info) -> bool | None:
        return self.row.receive_processing_job_emails if self._details_visible(info) else None

    @strawberry.field(description="When the account was created; null when hidden from the caller.")
    def created_at(self, info: Info) -> dt.datetime | None:
        return self.row.created_at if self._details_visible(info) else None

    @strawberry.field(
        description="How many of your messages are unread; null unless this is your own account."
    )
    async def unread_message_count(self, info: Info) -> int | None:
        principal = info.context.principal
        if principal.kind != "user" or principal.account_id != self.row.id:
            return None
        async with info.context.unit_of_work() as ctx:
            return await unread_count(ctx)


async def load_user(info: Info, account_id: int | None) -> User | None:
    if account_id is None:
        return None
    row = await info.context.loaders.account_by_id.load(account_id)
    return User.from_row(row) if row is not None else None
