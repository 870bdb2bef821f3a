"""PATCHes of one study at the same time apply one after the other: nothing is lost."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from db.models import Sample, SampleTemplate
from resolvers.context import Services, unit_of_work
from tests.api_v1.calls import patch
from tests.builders.callers import Caller


async def test_concurrent_new_categories_never_lose_one(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    assert (await patch(client, owner, study_id, {"a": {"x": "1"}})).status_code == 201
    name = f"{study_id}.a"
    first, second = await asyncio.gather(
        patch(client, owner, study_id, {name: {"x": "1", "left": "L"}}),
        patch(client, owner, study_id, {name: {"x": "1", "right": "R"}}),
    )
    # The later one no longer lists every category of the study, because the other one
    # added one while it waited: a conflict, not the client's mistake (study-api.md §4.2).
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    added = "right" if loser is first else "left"
    assert loser.json() == {
        "message": f"Another change to this study added the categories {added} while this one"
        " waited; send them too and try again."
    }
    winner = "left" if first.status_code == 200 else "right"
    async with unit_of_work(services) as ctx:
        template = await ctx.session.get(SampleTemplate, study_id)
        values = (await ctx.session.execute(select(Sample.values))).scalar_one()
    assert template is not None
    assert template.columns == ["x", winner]
    assert set(values) == {"x", winner}


async def test_concurrent_new_samples_both_land(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    assert (await patch(client, owner, study_id, {"a": {"x": "1"}})).status_code == 201
    results = await asyncio.gather(
        *(patch(client, owner, study_id, {f"n.{n}": {"x": str(n)}}) for n in range(4))
    )
    assert [r.status_code for r in results] == [201] * 4
    async with unit_of_work(services) as ctx:
        names = (await ctx.session.execute(select(Sample.sample_name))).scalars().all()
    assert len(names) == 5
