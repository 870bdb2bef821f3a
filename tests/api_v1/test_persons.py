"""`/api/v1/person{anything}`: list, look up, create (study-api.md §5)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from db.models import StudyPerson
from resolvers.context import Services, unit_of_work
from tests.builders.callers import Caller, make_caller
from tests.builders.studies import make_person

JSON = "application/json; charset=UTF-8"


@pytest.fixture
async def people(services: Services) -> list[int]:
    return [
        await make_person(services, "LabDude", "knight lab", email="lab_dude@foo.bar",
                         phone="121-222-3333", address="123 lab street"),
        await make_person(services, "empDude", "broad", email="emp_dude@foo.bar"),
        await make_person(services, "PIDude", "Wash U", email="PI_dude@foo.bar"),
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", ["", "/", "XYZ"])
async def test_list_persons_by_id_on_any_suffix(
    client: httpx.AsyncClient, owner: Caller, people: list[int], suffix: str
) -> None:
    response = await client.get(f"/api/v1/person{suffix}", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == [
        {"name": "LabDude", "affiliation": "knight lab"},
        {"name": "empDude", "affiliation": "broad"},
        {"name": "PIDude", "affiliation": "Wash U"},
    ]


async def test_look_up_a_person(
    client: httpx.AsyncClient, owner: Caller, people: list[int]
) -> None:
    response = await client.get(
        "/api/v1/person?name=LabDude&affiliation=%20knight%20lab%20&extra=1", headers=owner.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "address": "123 lab street",
        "phone": "121-222-3333",
        "email": "lab_dude@foo.bar",
        "id": people[0],
    }


async def test_unknown_person_is_404(
    client: httpx.AsyncClient, owner: Caller, people: list[int]
) -> None:
    response = await client.get(
        "/api/v1/person?name=LabDude&affiliation=broad", headers=owner.headers
    )
    assert response.status_code == 404
    assert response.json() == {"message": "Person not found"}


@pytest.mark.parametrize("query", ["name=LabDude", "affiliation=broad"])
async def test_one_of_the_pair_is_400(
    client: httpx.AsyncClient, owner: Caller, people: list[int], query: str
) -> None:
    response = await client.get(f"/api/v1/person?{query}", headers=owner.headers)
    assert response.status_code == 400
    missing = "affiliation" if query.startswith("name") else "name"
    assert response.json() == {"message": f"Missing argument {missing}"}


async def test_create_person_from_query_string(
    client: httpx.AsyncClient, services: Services, owner: Caller
) -> None:
    response = await client.post(
        "/api/v1/person?name=New&affiliation=Lab&email=new@x.org", headers=owner.headers
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    new_id = response.json()["id"]
    assert response.json() == {"id": new_id}
    async with unit_of_work(services) as ctx:
        person = await ctx.session.get(StudyPerson, new_id)
    assert person is not None
    assert (person.name, person.affiliation, person.email, person.phone, person.address) == (
        "New", "Lab", "new@x.org", None, None
    )  # fmt: skip


async def test_create_person_form_body_wins_over_query(
    client: httpx.AsyncClient, services: Services, owner: Caller
) -> None:
    response = await client.post(
        "/api/v1/person?name=Query&affiliation=Lab",
        data={"name": "Body", "email": "b@x.org", "phone": "555", "address": "1 street"},
        headers=owner.headers,
    )
    assert response.status_code == 201
    async with unit_of_work(services) as ctx:
        person = await ctx.session.get(StudyPerson, response.json()["id"])
    assert person is not None
    assert (person.name, person.phone, person.address) == ("Body", "555", "1 street")


async def test_existing_person_is_409(
    client: httpx.AsyncClient, services: Services, owner: Caller, people: list[int]
) -> None:
    response = await client.post(
        "/api/v1/person?name=PIDude&affiliation=Wash%20U&email=other@x.org", headers=owner.headers
    )
    assert response.status_code == 409
    assert response.json() == {"message": "Person already exists"}
    async with unit_of_work(services) as ctx:
        assert len((await ctx.session.execute(select(StudyPerson.id))).all()) == 3


async def test_create_person_without_email_is_400(client: httpx.AsyncClient, owner: Caller) -> None:
    response = await client.post("/api/v1/person?name=A&affiliation=B", headers=owner.headers)
    assert response.status_code == 400
    assert response.json() == {"message": "Missing argument email"}


async def test_guests_cannot_create_persons(client: httpx.AsyncClient, services: Services) -> None:
    guest = await make_caller(services, level="guest")
    response = await client.post(
        "/api/v1/person?name=A&affiliation=B&email=c@x.org", headers=guest.headers
    )
    assert response.status_code == 403
    assert response.json() == {"message": "Only signed-in users can add study persons."}


async def test_persons_need_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/person", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Oauth2 error: token has timed out",
    }
