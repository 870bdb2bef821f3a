"""The sample cart and analyses built from it: merged BIOM tables, as a user sees them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import func, select

from db.models import Analysis, DataDirectory, StoredFile
from resolvers.context import Services
from tests.builders.accounts import bearer, token_for
from tests.builders.callers import Callers, run_graphql
from tests.builders.study_tree import make_study_tree
from tests.graphql.analysis_builders import (
    add_to_cart,
    biom_study,
    create_analysis,
    mount_path,
    read_table,
    second_biom_artifact,
)

CART = """{ cart { analysisId isDefault selections { artifactId sampleNames } } }"""
REMOVE_FROM_CART = """mutation($input: CartSelectionInput!) {
  removeFromCart(input: $input) { cart { selections { artifactId sampleNames } }
    userErrors { field message code } } }"""


def counts_a(names: Sequence[str]) -> dict[str, dict[str, int]]:
    return {
        names[0]: {"OTU_1": 5, "OTU_2": 1},
        names[1]: {"OTU_1": 2, "OTU_2": 7},
        names[2]: {"OTU_1": 100},
    }


def counts_b(names: Sequence[str]) -> dict[str, dict[str, int]]:
    return {
        names[0]: {"OTU_2": 3, "OTU_3": 4},
        names[1]: {"OTU_3": 1},
        names[2]: {"OTU_2": 10, "OTU_3": 2},
    }


async def analysis_file(services: Services, relpath: str) -> Any:
    return read_table((await mount_path(services)) / relpath)


async def test_an_analysis_of_two_studies_merges_the_selected_samples(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    owner = callers.owner
    study_a = await biom_study(services, owner.account, counts_a)
    study_b = await biom_study(services, owner.account, counts_b)
    a, b = study_a.child_artifact_id, study_b.child_artifact_id
    chosen_a = list(study_a.sample_names[:2])

    first = await add_to_cart(client, owner, a, chosen_a)
    assert first["userErrors"] == []
    assert first["cart"]["isDefault"] is True
    await add_to_cart(client, owner, a, chosen_a[:1])  # already selected: skipped
    await add_to_cart(client, owner, b)  # all the samples of b
    removed = await run_graphql(
        client,
        REMOVE_FROM_CART,
        {"input": {"artifactId": str(b), "sampleNames": [study_b.sample_names[1]]}},
        caller=owner,
    )
    chosen_b = [study_b.sample_names[0], study_b.sample_names[2]]
    assert removed["data"]["removeFromCart"]["cart"]["selections"] == [
        {"artifactId": a, "sampleNames": chosen_a},
        {"artifactId": b, "sampleNames": chosen_b},
    ]

    payload = await create_analysis(client, owner, "Soil and water", description="both")
    assert payload["userErrors"] == []
    analysis = payload["analysis"]
    assert analysis["isDefault"] is False
    assert analysis["selections"] == [
        {"artifactId": a, "sampleNames": chosen_a},
        {"artifactId": b, "sampleNames": chosen_b},
    ]
    [table_node] = [edge["node"] for edge in analysis["artifacts"]["edges"]]
    assert table_node["type"]["name"] == "BIOM"
    assert table_node["dataType"] == "16S"
    assert table_node["visibility"] == "SANDBOX"
    [file] = table_node["files"]
    assert file["relpath"] == (
        f"{table_node['artifactId']}/{analysis['analysisId']}_analysis_16S.biom"
    )
    table = await analysis_file(services, file["relpath"])
    expected_ids = {f"{a}.{name}" for name in chosen_a} | {f"{b}.{name}" for name in chosen_b}
    assert set(table.ids()) == expected_ids
    assert set(table.ids(axis="observation")) == {"OTU_1", "OTU_2", "OTU_3"}
    totals = dict(zip(table.ids(axis="observation"), table.sum(axis="observation"), strict=True))
    assert totals == {"OTU_1": 7, "OTU_2": 1 + 7 + 3 + 10, "OTU_3": 4 + 2}
    assert table.get_value_by_ids("OTU_2", f"{b}.{chosen_b[1]}") == 10

    cart = await run_graphql(client, CART, caller=owner)
    assert cart["data"]["cart"]["selections"] == []
    async with services.sessions() as session:
        mapping = (
            await session.execute(
                select(DataDirectory.mountpoint, StoredFile.relpath)
                .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
                .where(StoredFile.analysis_id == analysis["analysisId"])
            )
        ).one()
    text = (services.settings.resolved_data_dir / mapping[0] / mapping[1]).read_text()
    header, *lines = text.splitlines()
    assert header.split("\t")[0] == "#SampleID"
    assert {line.split("\t")[0] for line in lines} == expected_ids
    assert not list(services.settings.resolved_working_dir.glob("analysis_*"))

    plugin_view = await client.get(
        f"/qiita_db/analysis/{analysis['analysisId']}/metadata/",
        headers=bearer(await token_for(services, "system")),
    )
    assert plugin_view.status_code == 200
    metadata = plugin_view.json()
    assert set(metadata) == expected_ids
    first = metadata[f"{a}.{chosen_a[0]}"]
    assert first["original_SampleID"] == chosen_a[0]
    assert first["qiita_artifact_id"] == str(a)
    assert first["barcode"].startswith("AC")


async def test_merged_duplicate_sample_ids_sum_their_counts(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    owner = callers.owner
    study = await biom_study(services, owner.account, counts_a)
    names = study.sample_names
    second = await second_biom_artifact(
        services, study, {names[0]: {"OTU_1": 1, "OTU_9": 2}, names[1]: {"OTU_2": 3}}
    )
    await add_to_cart(client, owner, study.child_artifact_id, [names[0], names[1]])
    await add_to_cart(client, owner, second, [names[0]])

    payload = await create_analysis(client, owner, mergeDuplicateSampleIds=True)
    [node] = [edge["node"] for edge in payload["analysis"]["artifacts"]["edges"]]
    table = await analysis_file(services, node["files"][0]["relpath"])
    assert sorted(table.ids()) == [names[0], names[1]]
    assert table.get_value_by_ids("OTU_1", names[0]) == 5 + 1
    assert table.get_value_by_ids("OTU_9", names[0]) == 2
    assert table.get_value_by_ids("OTU_2", names[1]) == 7


async def test_cart_input_problems_are_user_errors(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    owner = callers.owner
    study = await biom_study(services, owner.account, counts_a)
    unknown = await add_to_cart(client, owner, study.child_artifact_id, ["nope"])
    assert unknown == {
        "cart": None,
        "userErrors": [
            {
                "field": ["input", "sampleNames"],
                "message": f"Artifact {study.child_artifact_id} has no sample(s) nope.",
                "code": "INVALID",
            }
        ],
    }
    raw = await add_to_cart(client, owner, study.root_artifact_id)
    assert raw["userErrors"][0]["field"] == ["input", "artifactId"]
    hidden = await make_study_tree(services, callers.other.account)
    invisible = await add_to_cart(client, owner, hidden.child_artifact_id)
    assert invisible["userErrors"][0]["code"] == "NOT_FOUND"
    empty = await create_analysis(client, owner)
    assert empty["analysis"] is None
    assert empty["userErrors"][0]["message"].startswith("Your cart is empty")
    assert (await run_graphql(client, CART, caller=callers.anonymous))["data"]["cart"] is None


async def test_a_table_that_cannot_be_read_leaves_nothing_behind(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    owner = callers.owner
    readable = await biom_study(services, owner.account, counts_a)
    missing = await make_study_tree(services, owner.account)  # its BIOM file is not on disk
    await add_to_cart(client, owner, readable.child_artifact_id)
    await add_to_cart(client, owner, missing.child_artifact_id)
    async with services.sessions() as session:
        before = await session.scalar(select(func.count(Analysis.id)))

    payload = await create_analysis(client, owner)
    assert payload["analysis"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "INVALID"
    assert error["message"].startswith(
        f"The BIOM file of artifact {missing.child_artifact_id} cannot be read"
    )
    async with services.sessions() as session:
        assert await session.scalar(select(func.count(Analysis.id))) == before
    cart = await run_graphql(client, CART, caller=owner)
    assert [s["artifactId"] for s in cart["data"]["cart"]["selections"]] == [
        readable.child_artifact_id,
        missing.child_artifact_id,
    ]
    assert not list(services.settings.resolved_working_dir.glob("analysis_*"))
