"""Hostile input is a 4xx with a message, never a 500 (decisions.md), on both databases."""

from __future__ import annotations

import httpx
import pytest

from resolvers.context import Services
from tests.api_v1.calls import patch
from tests.builders.callers import Caller
from tests.builders.studies import make_person


async def test_nul_in_metadata_values_is_dropped(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    assert (
        await patch(client, owner, study_id, {"a": {"x": "b\u0000c\u0007d"}})
    ).status_code == 201
    response = await client.get(
        f"/api/v1/study/{study_id}/samples/categories=x", headers=owner.headers
    )
    assert response.json()["samples"] == {f"{study_id}.a": ["bcd"]}


async def test_nul_in_sample_and_column_names_is_400(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    for body in ({"a\u0000": {"x": "1"}}, {"a": {"x\u0000": "1"}}):
        response = await patch(client, owner, study_id, body)
        assert response.status_code == 400
        assert response.json()["message"]


@pytest.mark.parametrize(
    ("field", "status"),
    [("title", 400), ("owner", 403), ("study_alias", 400), ("pi", 403)],
)
async def test_nul_in_study_fields(
    client: httpx.AsyncClient, services: Services, owner: Caller, field: str, status: int
) -> None:
    await make_person(services, "PI", "U")
    body = {
        "title": "t", "study_abstract": "a", "study_description": "d", "study_alias": "s",
        "owner": owner.account.email,
        "contacts": {"principal_investigator": ["PI", "U"], "lab_person": ["PI", "U"]},
    }  # fmt: skip
    if field == "pi":
        body["contacts"] = {"principal_investigator": ["P\u0000I", "U"], "lab_person": ["PI", "U"]}
    else:
        body[field] = f"{body[field]}\u0000x"
    response = await client.post("/api/v1/study", json=body, headers=owner.headers)
    assert response.status_code == status
    assert response.json()["message"]


async def test_nul_in_sample_status_ids_is_not_found(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    await patch(client, owner, study_id, {"a": {"x": "1"}})
    response = await client.post(
        f"/api/v1/study/{study_id}/samples/status",
        json={"sample_ids": ["a\u0000"]},
        headers=owner.headers,
    )
    assert response.status_code == 200
    assert response.json()[0]["sample_found"] is False


async def test_nul_in_person_arguments_is_harmless(
    client: httpx.AsyncClient, owner: Caller
) -> None:
    response = await client.get(
        "/api/v1/person", params={"name": "a\u0000", "affiliation": "b"}, headers=owner.headers
    )
    assert response.status_code == 404
    assert response.json() == {"message": "Person not found"}


async def test_nul_in_artifact_name_is_406(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    await patch(client, owner, study_id, {"a": {"x": "1"}})
    prep = await client.post(
        f"/api/v1/study/{study_id}/preparation?data_type=16S",
        json={"a": {"barcode": "A"}},
        headers=owner.headers,
    )
    response = await client.post(
        f"/api/v1/study/{study_id}/preparation/{prep.json()['id']}/artifact",
        json={"artifact_type": "FASTQ", "filepaths": [["f\u0000", "raw_forward_seqs"]],
              "artifact_name": "n\u0000"},
        headers=owner.headers,
    )  # fmt: skip
    assert response.status_code == 406
    assert response.json() == {"message": "The artifact name contains a NUL character."}
