"""Queries over studies and study persons."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.plugins.catalog import list_persons
from resolvers.studies.listing import StudyFilter, search_studies, study_ordering
from schema.context import Info
from schema.relay import (
    NOT_FOUND_NOTE,
    After,
    Before,
    Connection,
    First,
    Last,
    fetch_connection,
    require_found,
)
from schema.types.enums import Visibility
from schema.types.persons import Person, load_person
from schema.types.studies import Study, load_study


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest first (oldest, A to Z).")
    DESC = strawberry.enum_value("desc", description="Largest first (newest, Z to A).")


@strawberry.enum(description="What studies are sorted by.")
class StudyOrderField(Enum):
    ID = strawberry.enum_value("id", description="By integer id (creation order).")
    TITLE = strawberry.enum_value("title", description="By title.")
    FIRST_CONTACT = strawberry.enum_value("first_contact", description="By creation time.")


@strawberry.input(description="The order of a study list; ties are broken by id.")
class StudyOrder:
    field: StudyOrderField = strawberry.field(
        default=StudyOrderField.ID, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )


@strawberry.input(description="Conditions a study must meet (all of them).")
class StudyFilterInput:
    text: str | None = strawberry.field(
        default=None, description="Case-insensitive text in the title, alias or abstract."
    )
    status: Visibility | None = strawberry.field(
        default=None, description="Studies of this status (see `Study.status`)."
    )
    owner_email: str | None = strawberry.field(
        default=None, description="Studies owned by this e-mail address (case-insensitive)."
    )
    data_type: str | None = strawberry.field(
        default=None, description="Has a preparation of this data type (16S, Metagenomic...)."
    )
    shared_with_me: bool = strawberry.field(
        default=False,
        description="Only the studies shared with the caller (not those they own).",
    )

    def to_filter(self) -> StudyFilter:
        return StudyFilter(
            text=self.text,
            status=self.status.value if self.status else None,
            owner_email=self.owner_email,
            data_type=self.data_type,
            shared_with_me=self.shared_with_me,
        )


@strawberry.input(description="Conditions a study contact must meet.")
class PersonFilterInput:
    text: str | None = strawberry.field(
        default=None, description="Case-insensitive text in the name or affiliation."
    )


@strawberry.type
class StudyQueries:
    @strawberry.field(description="A study by its Qiita integer id." + NOT_FOUND_NOTE)
    async def study(
        self,
        info: Info,
        study_id: Annotated[
            int, strawberry.argument(description="Qiita integer id of the study (`Study.studyId`).")
        ],
    ) -> Study | None:
        return require_found(await load_study(info, study_id), "Study", study_id)

    @strawberry.field(description="Studies the caller may read.")
    async def studies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            StudyFilterInput | None,
            strawberry.argument(description="Only the studies that meet these conditions."),
        ] = None,
        order_by: Annotated[
            StudyOrder | None,
            strawberry.argument(description="The order; by id, ascending, when not given."),
        ] = None,
    ) -> Connection[Study]:
        order = order_by or StudyOrder()
        ordering = study_ordering(
            order.field.value, descending=order.direction is OrderDirection.DESC
        )
        conditions = (where or StudyFilterInput()).to_filter()
        return await fetch_connection(
            info,
            f"Study:{order.field.value}:{order.direction.value}",
            lambda ctx, request: search_studies(ctx, conditions, ordering, request),
            Study.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(description="A study contact by its integer id." + NOT_FOUND_NOTE)
    async def person(
        self,
        info: Info,
        person_id: Annotated[
            int, strawberry.argument(description="Integer id of the person (`Person.personId`).")
        ],
    ) -> Person | None:
        return require_found(await load_person(info, person_id), "Person", person_id)

    @strawberry.field(description="Study contacts (authenticated callers).")
    async def persons(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            PersonFilterInput | None,
            strawberry.argument(description="Only the objects that meet these conditions."),
        ] = None,
    ) -> Connection[Person]:
        text = where.text if where else None
        return await fetch_connection(
            info,
            "Person",
            lambda ctx, request: list_persons(ctx, request, text=text),
            Person.from_row,
            first,
            after,
            last,
            before,
        )
