"""Study persons (contacts), identified by (name, affiliation) (domain.md §2.3)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.models import StudyPerson
from resolvers.auth.access import can_add_persons, is_untrusted_plugin, require_authenticated
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, NotFound, Required, Taken, raise_problems
from resolvers.plugins.trust import untrusted_plugin_message

# study-api.md §5: the exact messages scripts see.
PERSON_NOT_FOUND = "Person not found"
PERSON_EXISTS = "Person already exists"
ADDRESS_LENGTH = 100


async def list_persons(ctx: Context) -> list[StudyPerson]:
    """Every study person, by id; contacts are not secret to authenticated callers."""
    require_authenticated(ctx)
    query = select(StudyPerson).order_by(StudyPerson.id)
    return list((await ctx.session.execute(query)).scalars())


async def find_person(ctx: Context, name: str, affiliation: str) -> StudyPerson:
    """The person with exactly this (name, affiliation); `Person not found` otherwise."""
    require_authenticated(ctx)
    query = select(StudyPerson).where(
        StudyPerson.name == name, StudyPerson.affiliation == affiliation
    )
    person = (await ctx.session.execute(query)).scalar_one_or_none()
    if person is None:
        raise NotFound(PERSON_NOT_FOUND)
    return person


async def create_person(
    ctx: Context,
    *,
    name: str,
    affiliation: str,
    email: str,
    phone: str | None = None,
    address: str | None = None,
) -> StudyPerson:
    """Add a contact; a second person with the same (name, affiliation) is a Conflict.

    Verified users and whoever has admin rights may add contacts; guests and untrusted
    plugin clients may not.
    """
    principal = require_authenticated(ctx)
    if is_untrusted_plugin(principal):
        raise Forbidden(untrusted_plugin_message(principal))
    if not can_add_persons(principal):
        raise Forbidden("Only signed-in users can add study persons.")
    problems: list[Invalid] = [
        Required(f"The person's {field} must not be empty.", field)
        for field, value in (("name", name), ("affiliation", affiliation), ("email", email))
        if not value
    ]
    if address is not None and len(address) > ADDRESS_LENGTH:
        problems.append(
            Invalid(f"The address is limited to {ADDRESS_LENGTH} characters.", "address")
        )
    raise_problems(problems)
    existing = select(StudyPerson.id).where(
        StudyPerson.name == name, StudyPerson.affiliation == affiliation
    )
    if (await ctx.session.execute(existing)).first() is not None:
        raise Taken(PERSON_EXISTS, "name")
    person = StudyPerson(
        name=name, affiliation=affiliation, email=email, phone=phone, address=address
    )
    ctx.session.add(person)
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request added the same pair; the request rolls back
        raise Taken(PERSON_EXISTS, "name") from None
    return person
