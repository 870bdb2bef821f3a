"""`/api/v1/person{anything}`: list, look up and create study persons (study-api.md §5)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.studies import persons
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import json_response, read_arguments


async def get_persons(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        if "name" not in args and "affiliation" not in args:
            found = await persons.list_persons(ctx)
            return json_response([{"name": p.name, "affiliation": p.affiliation} for p in found])
        person = await persons.find_person(ctx, args.require("name"), args.require("affiliation"))
    return json_response(
        {"address": person.address, "phone": person.phone, "email": person.email, "id": person.id}
    )


async def create_person(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        person = await persons.create_person(
            ctx,
            name=args.require("name"),
            affiliation=args.require("affiliation"),
            email=args.require("email"),
            phone=args.get("phone"),
            address=args.get("address"),
        )
    return json_response({"id": person.id}, 201)
