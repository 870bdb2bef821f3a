"""Sample metadata through PATCH: the awkward inputs scripts really send (domain.md §2.5)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from db.models import Sample, SampleTemplate, StoredFile
from resolvers.context import Services, unit_of_work
from tests.api_v1.calls import patch
from tests.builders.callers import Caller


async def stored(services: Services, study_id: int) -> dict[str, dict[str, str | None]]:
    async with unit_of_work(services) as ctx:
        query = select(Sample.sample_name, Sample.values).where(Sample.study_id == study_id)
        return {name: values for name, values in await ctx.session.execute(query)}


async def file_count(services: Services) -> int:
    async with unit_of_work(services) as ctx:
        return int((await ctx.session.execute(select(func.count(StoredFile.id)))).scalar_one())


async def test_unicode_values_round_trip(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"s.1": {"site": "Zürich - 北京 ✓", "note": "naïve café"}}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    response = await client.get(
        f"/api/v1/study/{study_id}/samples/categories=site,note", headers=owner.headers
    )
    assert response.json()["samples"] == {f"{study_id}.s.1": ["Zürich - 北京 ✓", "naïve café"]}


async def test_empty_strings_and_absent_cells_are_null(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"a": {"x": "", "y": "  "}, "b": {"x": "1"}}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    assert await stored(services, study_id) == {
        f"{study_id}.a": {"x": None, "y": None},
        f"{study_id}.b": {"x": "1", "y": None},
    }


async def test_missing_value_words_are_stored_canonically(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"a": {"v1": "Not Collected", "v2": "missing: not provided", "v3": "UNSPECIFIED",
                  "v4": "restricted_access", "v5": "Not applicable"}}  # fmt: skip
    assert (await patch(client, owner, study_id, body)).status_code == 201
    assert await stored(services, study_id) == {
        f"{study_id}.a": {"v1": "not collected", "v2": "not provided", "v3": "not applicable",
                          "v4": "restricted access", "v5": "not applicable"}
    }  # fmt: skip


async def test_numbers_are_kept_as_given(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    raw = (
        b'{"a": {"ph": 7.10, "depth": 0012, "count": 3, "exp": 1e-5, "text": "7.10", "flag": true}}'
    )
    raw = raw.replace(b"0012", b"12")
    response = await client.patch(
        f"/api/v1/study/{study_id}/samples", content=raw, headers=owner.headers
    )
    assert response.status_code == 201
    assert await stored(services, study_id) == {
        f"{study_id}.a": {"ph": "7.10", "depth": "12", "count": "3", "exp": "1e-5",
                          "text": "7.10", "flag": "True"}
    }  # fmt: skip


async def test_duplicate_names_after_prefixing_are_refused(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"a.1": {"x": "1"}, f"{study_id}.a.1": {"x": "2"}}
    response = await patch(client, owner, study_id, body)
    assert response.status_code == 400
    assert response.json() == {"message": f"Duplicate sample names: '{study_id}.a.1'."}
    assert await stored(services, study_id) == {}


async def test_names_with_and_without_prefix_and_the_unprefixed_update(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"a": {"x": "1"}, f"{study_id}.b": {"x": "2"}, f"{study_id + 1}.c": {"x": "3"}}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    assert sorted(await stored(services, study_id)) == [
        f"{study_id}.{study_id + 1}.c",
        f"{study_id}.a",
        f"{study_id}.b",
    ]
    again = await patch(client, owner, study_id, {"a": {"x": "9"}})
    assert again.status_code == 400
    assert again.json() == {
        "message": "These samples already exist; update them with their stored ids: "
        f"'a' (stored as '{study_id}.a')."
    }


@pytest.mark.parametrize(
    ("column", "fragment"),
    [
        ("select", "Reserved words cannot be column names: 'select'."),
        ("sampleid", "QIIME 2 reserved names cannot be column names: 'sampleid'."),
        ("barcode", "These column names are not allowed here: 'barcode'."),
        ("2nd", "Column names must start with a letter"),
    ],
)
async def test_reserved_and_forbidden_columns_are_400(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int,
    column: str, fragment: str,
) -> None:  # fmt: skip
    response = await patch(client, owner, study_id, {"a": {column: "1"}})
    assert response.status_code == 400
    assert fragment in response.json()["message"]
    assert await stored(services, study_id) == {}


async def test_bad_sample_names_are_400(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await patch(client, owner, study_id, {"a_1": {"x": "1"}, "b-2": {"x": "1"}})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Sample names may contain only ASCII letters, digits and '.'; "
        "invalid: 'a_1', 'b-2'."
    }


async def test_qiita_study_id_column_is_dropped_silently(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    body = {"a": {"x": "1", "qiita_study_id": str(study_id)}}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    assert await stored(services, study_id) == {f"{study_id}.a": {"x": "1"}}


async def test_a_thousand_categories(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    row = {f"cat{i}": f"v{i}" for i in range(1000)}
    body = {f"s.{n}": row for n in range(3)}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    more = {f"extra{i}": "x" for i in range(1000)}
    update = {f"{study_id}.s.0": {**row, **more}}
    assert (await patch(client, owner, study_id, update)).status_code == 200
    names = ",".join(["cat999", "extra999", "cat0"])
    response = await client.get(
        f"/api/v1/study/{study_id}/samples/categories={names}", headers=owner.headers
    )
    assert response.json()["samples"] == {
        f"{study_id}.s.0": ["v999", "x", "v0"],
        f"{study_id}.s.1": ["v999", None, "v0"],
        f"{study_id}.s.2": ["v999", None, "v0"],
    }
    info = await client.get(f"/api/v1/study/{study_id}/samples/info", headers=owner.headers)
    assert len(info.json()["categories"]) == 2000
    everything = ",".join(info.json()["categories"])
    wide = await client.get(
        f"/api/v1/study/{study_id}/samples/categories={everything}", headers=owner.headers
    )
    assert wide.status_code == 200
    assert len(wide.json()["header"]) == 2000
    assert wide.json()["samples"][f"{study_id}.s.0"][-1] == "x"


async def test_a_patch_failing_in_its_last_sample_changes_nothing(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    first = {f"s.{n}": {"ph": str(n)} for n in range(5)}
    assert (await patch(client, owner, study_id, first)).status_code == 201
    before_values = await stored(services, study_id)
    before_files = await file_count(services)
    body: dict[str, object] = {f"{study_id}.s.{n}": {"ph": "changed", "new": "x"} for n in range(5)}
    body.update({f"n.{n}": {"ph": "1", "new": "y"} for n in range(20)})
    body["n.last"] = {"ph": "1", "new": {"nested": "not allowed"}}
    response = await patch(client, owner, study_id, body)
    assert response.status_code == 400
    assert response.json() == {
        "message": "The value of 'new' for sample 'n.last' must be text or a number, not dict."
    }
    assert await stored(services, study_id) == before_values
    assert await file_count(services) == before_files
    async with unit_of_work(services) as ctx:
        template = await ctx.session.get(SampleTemplate, study_id)
    assert template is not None
    assert template.columns == ["ph"]
