"""`/qiita_db/archive/observations/` (plugin-api.md §5.5, §5.6; lifecycle §8)."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from db.models import ArchiveMergingScheme
from resolvers.artifacts.archive import MergingScheme, human_scheme, merge_overlapping
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.world import World, make_world_job
from tests.rest_compat.media import JSON

URL = "/qiita_db/archive/observations/"


def test_human_scheme_and_overlap_merge() -> None:
    pick = MergingScheme("Pick closed-reference OTUs", [], [], False)
    split = MergingScheme("Split libraries FASTQ", ["barcode_type"], [], False)
    assert human_scheme(pick, {}, split, {"barcode_type": "golay_12"}) == (
        "Pick closed-reference OTUs | Split libraries FASTQ (barcode_type: golay_12)"
    )
    assert human_scheme(split, {"barcode_type": "golay_12"}, None, None) == (
        "Split libraries FASTQ (barcode_type: golay_12) | N/A"
    )
    flagged = MergingScheme("Deblur", ["Trim length", "keep"], [], True)
    assert human_scheme(flagged, {"Trim length": 150, "keep": True}, split, {}) == (
        "Deblur (Trim length: 150,keep: True)"
    )
    assert merge_overlapping("A | B (x: 1)", "B (x: 1) | N/A") == "A | B (x: 1) | N/A"
    assert merge_overlapping("A | B", "C | D") == "A | BC | D"


async def test_store_then_look_up_features_under_the_job_scheme(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    headers = bearer(world.deblur.token)
    value = json.dumps({"TACG": '{"placement": 1}', "GGAA": "2"})
    stored = await client.patch(URL, data={"op": "add", "path": job_id, "value": value},
                                headers=headers)  # fmt: skip
    assert stored.status_code == 200
    assert stored.headers["content-type"] == JSON
    assert stored.json() == {"GGAA": "2", "TACG": '{"placement": 1}'}
    replaced = await client.patch(
        URL, data={"path": job_id, "req_value": json.dumps({"GGAA": "3"})}, headers=headers
    )
    assert replaced.json() == {"GGAA": "3"}
    found = await client.post(
        URL, data={"job_id": job_id, "features": ["TACG", "GGAA", "NOPE"]}, headers=headers
    )
    assert found.status_code == 200
    assert found.json() == {"GGAA": "3", "TACG": '{"placement": 1}'}
    async with services.sessions() as session:
        schemes = (await session.execute(select(ArchiveMergingScheme.scheme))).scalars()
        assert list(schemes) == ["Deblur (Trim length: 150) | N/A"]


async def test_look_up_before_anything_is_stored_is_empty(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    found = await client.post(URL, data={"job_id": job_id, "features": "X"},
                              headers=bearer(world.deblur.token))  # fmt: skip
    assert (found.status_code, found.json()) == (200, {})


async def test_archive_errors(client: httpx.AsyncClient, services: Services, world: World) -> None:
    headers = bearer(world.deblur.token)
    job_id = await make_world_job(services, world, status="running")
    no_inputs = await make_world_job(services, world, status="running", parameters={})
    cases = [
        ("POST", {"features": "X"}, 400, "Missing argument job_id"),
        ("POST", {"job_id": job_id}, 400, "Missing argument features"),
        ("PATCH", {"value": "{}"}, 400, "Missing argument path"),
        ("PATCH", {"path": job_id}, 400, "Missing argument value"),
        ("PATCH", {"path": job_id, "value": "{"}, 400,
         {"message": "Argument value is not valid JSON"}),
        ("PATCH", {"path": job_id, "value": '{"a": 1}'}, 400,
         {"message": "Archived values must be strings; not for: a"}),
        ("POST", {"job_id": "nope", "features": "X"}, 404, {"message": "Job not found: nope"}),
        ("POST", {"job_id": no_inputs, "features": "X"}, 400,
         {"message": f"Job {no_inputs} has no input artifact, so it has no merging scheme."}),
    ]  # fmt: skip
    for method, data, status, body in cases:
        response = await client.request(method, URL, data=data, headers=headers)
        assert response.status_code == status, data
        if isinstance(body, str):
            assert response.text == body
        else:
            assert response.json() == body
