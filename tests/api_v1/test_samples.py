"""`/api/v1/study/<id>/samples...` and `/sample/<name>/status` (study-api.md §4)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from db.models import PrepSample, Sample
from resolvers.context import Services, unit_of_work
from tests.api_v1.calls import patch
from tests.builders.accounts import bearer, token_for
from tests.builders.callers import Caller, make_caller
from tests.builders.studies import make_artifact, make_study

JSON = "application/json; charset=UTF-8"


async def stored_values(services: Services, study_id: int) -> dict[str, dict[str, str | None]]:
    async with unit_of_work(services) as ctx:
        query = select(Sample.sample_name, Sample.values).where(Sample.study_id == study_id)
        return {name: values for name, values in await ctx.session.execute(query)}


@pytest.fixture
async def with_samples(client: httpx.AsyncClient, owner: Caller, study_id: int) -> int:
    body = {
        "SKB1.640202": {"ph": "6.94", "country": "GAZ:United States of America"},
        "blank.a2": {"ph": "", "country": ""},
    }
    response = await patch(client, owner, study_id, body)
    assert response.status_code == 201
    return study_id


async def test_samples_of_a_study_without_sample_information_is_empty(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.get(f"/api/v1/study/{study_id}/samples", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == []


async def test_samples_lists_prefixed_ids(
    client: httpx.AsyncClient, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    response = await client.get(f"/api/v1/study/{sid}/samples", headers=owner.headers)
    assert sorted(response.json()) == [f"{sid}.SKB1.640202", f"{sid}.blank.a2"]


async def test_first_patch_is_201_with_empty_body_and_creates_information(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    response = await patch(client, owner, study_id, {"s.1": {"Ph": "7"}})
    assert response.status_code == 201
    assert response.content == b""
    assert await stored_values(services, study_id) == {f"{study_id}.s.1": {"ph": "7"}}


async def test_patch_of_existing_samples_only_is_200(
    client: httpx.AsyncClient, services: Services, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    body = {f"{sid}.SKB1.640202": {"ph": "7.0", "country": "Peru"}}
    response = await patch(client, owner, sid, body)
    assert response.status_code == 200
    assert response.content == b""
    values = await stored_values(services, sid)
    assert values[f"{sid}.SKB1.640202"] == {"ph": "7.0", "country": "Peru"}
    assert values[f"{sid}.blank.a2"] == {"ph": None, "country": None}


async def test_patch_with_new_sample_and_new_category_is_201(
    client: httpx.AsyncClient, services: Services, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    body = {
        f"{sid}.SKB1.640202": {"ph": "7", "country": "Peru", "depth": "3"},
        "new.1": {"ph": "8", "country": "Chile", "depth": "4"},
    }
    response = await patch(client, owner, sid, body)
    assert response.status_code == 201
    values = await stored_values(services, sid)
    assert values[f"{sid}.new.1"] == {"ph": "8", "country": "Chile", "depth": "4"}
    assert values[f"{sid}.blank.a2"] == {"ph": None, "country": None, "depth": None}


async def test_new_category_without_new_samples_is_accepted(
    client: httpx.AsyncClient, services: Services, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    body = {f"{sid}.blank.a2": {"ph": "1", "country": "X", "season": "winter"}}
    response = await patch(client, owner, sid, body)
    assert response.status_code == 200
    info = await client.get(f"/api/v1/study/{sid}/samples/info", headers=owner.headers)
    assert sorted(info.json()["categories"]) == ["country", "ph", "season"]
    values = await stored_values(services, sid)
    assert values[f"{sid}.SKB1.640202"]["season"] is None


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{nope", 400, "Could not parse body"),
        (b"{}", 400, "No samples provided"),
        (b'{"x.1": {"ph": "1"}}', 400, "Not all sample information categories provided"),
    ],
)
async def test_patch_errors(
    client: httpx.AsyncClient,
    services: Services,
    owner: Caller,
    with_samples: int,
    body: bytes,
    status: int,
    message: str,
) -> None:
    before = await stored_values(services, with_samples)
    response = await client.patch(
        f"/api/v1/study/{with_samples}/samples", content=body, headers=owner.headers
    )
    assert response.status_code == status
    assert response.headers["content-type"] == JSON
    assert response.json() == {"message": message}
    assert await stored_values(services, with_samples) == before


async def test_patch_unknown_study_is_404(client: httpx.AsyncClient, owner: Caller) -> None:
    response = await patch(client, owner, 999, {"a": {"x": "1"}})
    assert response.status_code == 404
    assert response.json() == {"message": "Study not found"}


async def test_patch_by_a_reader_is_403_and_by_a_sharer_is_allowed(
    client: httpx.AsyncClient, services: Services, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    await make_artifact(services, sid, visibility="public")
    reader = await make_caller(services)
    body = {f"{sid}.blank.a2": {"ph": "1", "country": "X"}}
    refused = await patch(client, reader, sid, body)
    assert refused.status_code == 403
    assert refused.json() == {
        "message": f"You do not have permission to modify study {sid}: "
        "ask its owner to share it with you."
    }
    guest = await make_caller(services, level="guest")
    assert (await patch(client, guest, sid, body)).status_code == 403


async def test_sharer_may_patch(
    client: httpx.AsyncClient, services: Services, owner: Caller
) -> None:
    sharer = await make_caller(services)
    sid = await make_study(
        services, owner.principal, artifact=False, lab_person=True, shared_with=[sharer.principal]
    )
    assert (await patch(client, sharer, sid, {"a": {"x": "1"}})).status_code == 201


async def test_categories_path_form(
    client: httpx.AsyncClient, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    response = await client.get(
        f"/api/v1/study/{sid}/samples/categories=ph,country,ph", headers=owner.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "header": ["ph", "country", "ph"],
        "samples": {
            f"{sid}.SKB1.640202": ["6.94", "GAZ:United States of America", "6.94"],
            f"{sid}.blank.a2": [None, None, None],
        },
    }


async def test_categories_query_form_answers_the_same(
    client: httpx.AsyncClient, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    path = await client.get(
        f"/api/v1/study/{sid}/samples/categories=country", headers=owner.headers
    )
    query = await client.get(
        f"/api/v1/study/{sid}/samples?categories=country", headers=owner.headers
    )
    assert query.status_code == 200
    assert query.json() == path.json()


@pytest.mark.parametrize(
    "path", ["/samples/categories=", "/samples?categories=", "/samples?categories"]
)
async def test_empty_category_list_is_405_even_for_unknown_study(
    client: httpx.AsyncClient, owner: Caller, path: str
) -> None:
    response = await client.get(f"/api/v1/study/999{path}", headers=owner.headers)
    assert response.status_code == 405
    assert response.headers["content-type"] == JSON
    assert response.json() == {"message": "No categories specified"}


async def test_categories_of_unknown_study_and_without_information(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    unknown = await client.get("/api/v1/study/999/samples/categories=ph", headers=owner.headers)
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "Study not found"}
    empty = await client.get(
        f"/api/v1/study/{study_id}/samples/categories=ph", headers=owner.headers
    )
    assert empty.status_code == 404
    assert empty.json() == {"message": "Study does not have sample information"}


async def test_unknown_categories_are_listed_sorted(
    client: httpx.AsyncClient, owner: Caller, with_samples: int
) -> None:
    response = await client.get(
        f"/api/v1/study/{with_samples}/samples/categories=zz,ph,aa,PH", headers=owner.headers
    )
    assert response.status_code == 404
    assert response.json() == {
        "message": "Category not found",
        "categories_not_found": ["PH", "aa", "zz"],
    }


@pytest.mark.parametrize(
    "path", ["/samples/", "/samples/categories=a b", "/samples/categories=a|b", "/samples/x"]
)
async def test_paths_outside_the_patterns_are_404(
    client: httpx.AsyncClient, owner: Caller, with_samples: int, path: str
) -> None:
    response = await client.get(f"/api/v1/study/{with_samples}{path}", headers=owner.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_percent_encoded_commas_are_matched_after_decoding(
    client: httpx.AsyncClient, owner: Caller, with_samples: int
) -> None:
    response = await client.get(
        f"/api/v1/study/{with_samples}/samples/categories=ph%2Ccountry", headers=owner.headers
    )
    assert response.status_code == 200
    assert response.json()["header"] == ["ph", "country"]


async def test_samples_info(client: httpx.AsyncClient, owner: Caller, with_samples: int) -> None:
    response = await client.get(f"/api/v1/study/{with_samples}/samples/info", headers=owner.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["number-of-samples"] == 2
    assert sorted(body["categories"]) == ["country", "ph"]


async def test_samples_info_without_information(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.get(f"/api/v1/study/{study_id}/samples/info", headers=owner.headers)
    assert response.json() == {"number-of-samples": 0, "categories": []}


async def test_samples_status_in_request_order_with_preparations(
    client: httpx.AsyncClient, services: Services, owner: Caller, with_samples: int
) -> None:
    sid = with_samples
    prep = await client.post(
        f"/api/v1/study/{sid}/preparation?data_type=18S",
        json={"SKB1.640202": {"barcode": "A"}},
        headers=owner.headers,
    )
    prep_id = prep.json()["id"]
    async with unit_of_work(services) as ctx:
        row = (await ctx.session.execute(select(PrepSample))).scalar_one()
        row.ebi_experiment_accession = "ERX0000021"
        sample = await ctx.session.get(Sample, row.sample_id)
        assert sample is not None
        sample.ebi_sample_accession = "ERS000021"
    response = await client.post(
        f"/api/v1/study/{sid}/samples/status",
        json={"sample_ids": [f"{sid}.SKB1.640202", "doesnotexist", f"{sid}.blank.a2"]},
        headers=owner.headers,
    )
    assert response.status_code == 200
    assert response.json() == [
        {"sample_id": f"{sid}.SKB1.640202", "sample_found": True,
         "ebi_sample_accession": "ERS000021", "preparation_id": prep_id,
         "ebi_experiment_accession": "ERX0000021", "preparation_visibility": "sandbox",
         "preparation_type": "18S"},
        {"sample_id": "doesnotexist", "sample_found": False, "ebi_sample_accession": None,
         "preparation_id": None, "ebi_experiment_accession": None,
         "preparation_visibility": None, "preparation_type": None},
        {"sample_id": f"{sid}.blank.a2", "sample_found": True, "ebi_sample_accession": None,
         "preparation_id": None, "ebi_experiment_accession": None,
         "preparation_visibility": None, "preparation_type": None},
    ]  # fmt: skip
    single = await client.get(
        f"/api/v1/study/{sid}/sample/{sid}.SKB1.640202/status", headers=owner.headers
    )
    assert single.status_code == 200
    assert single.json() == response.json()[:1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"ids": []}', "Missing sample_id key"),
        (b"[1]", "Missing sample_id key"),
        (b"{oops", "Could not parse body"),
    ],
)
async def test_samples_status_body_errors_come_before_the_study_lookup(
    client: httpx.AsyncClient, owner: Caller, body: bytes, message: str
) -> None:
    response = await client.post(
        "/api/v1/study/999/samples/status", content=body, headers=owner.headers
    )
    assert response.status_code == 400
    assert response.json() == {"message": message}


async def test_sample_status_of_unknown_study_and_study_without_information(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    unknown = await client.get("/api/v1/study/999/sample/a.b/status", headers=owner.headers)
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "Study not found"}
    empty = await client.get(f"/api/v1/study/{study_id}/sample/a.b/status", headers=owner.headers)
    assert empty.status_code == 200
    assert empty.json()[0]["sample_found"] is False
    posted = await client.post(
        f"/api/v1/study/{study_id}/samples/status",
        json={"sample_ids": ["x"]},
        headers=owner.headers,
    )
    assert posted.json()[0]["sample_found"] is False


async def test_sample_name_with_underscore_matches_no_route(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.get(
        f"/api/v1/study/{study_id}/sample/a_b/status", headers=owner.headers
    )
    assert response.status_code == 404


async def test_head_needs_the_token_too(client: httpx.AsyncClient, study_id: int) -> None:
    response = await client.head(f"/api/v1/study/{study_id}/samples")
    assert response.status_code == 400


async def test_client_grant_tokens_read_and_untrusted_plugins_do_not_write(
    client: httpx.AsyncClient, services: Services, with_samples: int
) -> None:
    """System clients write with an admin's rights (tests/auth/test_client_writes.py);
    the client of an untrusted plugin reads only."""
    headers = bearer(await token_for(services, "system"))
    listed = await client.get(f"/api/v1/study/{with_samples}/samples", headers=headers)
    assert listed.status_code == 200
    assert len(listed.json()) == 2
    plugin = bearer(await token_for(services, "plugin"))
    refused = await client.patch(
        f"/api/v1/study/{with_samples}/samples", json={"z": {"ph": "1"}}, headers=plugin
    )
    assert refused.status_code == 403
    assert "qiita-gateway plugin trust" in refused.json()["message"]
