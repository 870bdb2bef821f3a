"""The Person type: study contacts (principal investigators, lab persons)."""

from __future__ import annotations

import strawberry

from db.models import StudyPerson
from schema.context import Info
from schema.relay import Node, global_id


@strawberry.type(description="A study contact, identified in REST by (name, affiliation).")
class Person(Node):
    person_id: int = strawberry.field(description="The person's integer id, as in the REST routes.")
    name: str = strawberry.field(description="The person's name.")
    email: str = strawberry.field(description="The person's e-mail address.")
    affiliation: str = strawberry.field(description="The person's institution.")
    address: str | None = strawberry.field(description="The person's postal address, when given.")
    phone: str | None = strawberry.field(description="The person's phone number, when given.")

    @classmethod
    def from_row(cls, row: StudyPerson) -> Person:
        return cls(
            id=global_id("Person", row.id),
            person_id=row.id,
            name=row.name,
            email=row.email,
            affiliation=row.affiliation,
            address=row.address,
            phone=row.phone,
        )


async def load_person(info: Info, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    row = await info.context.loaders.person_by_id.load(person_id)
    return Person.from_row(row) if row is not None else None
