"""Pages of samples asked for several studies (and preparations) in one operation."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.study_tree import make_study_tree

PAGES = """
query {
  studies(first: 10, where: {text: "Paged"}) {
    nodes {
      studyId
      first: samples(first: 2) { totalCount nodes { sampleName }
        pageInfo { hasNextPage hasPreviousPage endCursor } }
      last: samples(last: 2) { nodes { sampleName } pageInfo { hasNextPage hasPreviousPage } }
      preparations { nodes { samples(first: 3) { totalCount nodes { sampleName }
        pageInfo { hasNextPage } } } }
    }
  }
}
"""

AFTER = """
query($id: Int!, $after: String!) {
  study(studyId: $id) { samples(first: 10, after: $after) {
    totalCount nodes { sampleName } pageInfo { hasNextPage hasPreviousPage endCursor } } }
}
"""


async def test_each_study_gets_its_own_page_forwards_and_backwards(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    trees = [
        await make_study_tree(
            services,
            callers.owner.account,
            command_id=plugin.command_id,
            samples=count,
            title=f"Paged study {count}",
        )
        for count in (1, 3, 4)
    ]
    result = await run_graphql(client, PAGES, caller=callers.owner)
    assert "errors" not in result, result
    nodes = result["data"]["studies"]["nodes"]
    assert [node["studyId"] for node in nodes] == [tree.study_id for tree in trees]
    for node, tree in zip(nodes, trees, strict=True):
        names = sorted(tree.sample_names)
        first, last = node["first"], node["last"]
        assert first["totalCount"] == len(names)
        assert [n["sampleName"] for n in first["nodes"]] == names[:2]
        assert first["pageInfo"]["hasNextPage"] is (len(names) > 2)
        assert first["pageInfo"]["hasPreviousPage"] is False
        assert [n["sampleName"] for n in last["nodes"]] == names[-2:]
        assert last["pageInfo"]["hasPreviousPage"] is (len(names) > 2)
        prep_page = node["preparations"]["nodes"][0]["samples"]
        assert prep_page["totalCount"] == len(names)
        assert [n["sampleName"] for n in prep_page["nodes"]] == names[:3]
        assert prep_page["pageInfo"]["hasNextPage"] is (len(names) > 3)

    biggest, page = trees[-1], nodes[-1]["first"]
    result = await run_graphql(
        client,
        AFTER,
        {"id": biggest.study_id, "after": page["pageInfo"]["endCursor"]},
        caller=callers.owner,
    )
    rest = result["data"]["study"]["samples"]
    assert [n["sampleName"] for n in rest["nodes"]] == sorted(biggest.sample_names)[2:]
    assert rest["totalCount"] == len(biggest.sample_names)
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True

    past_the_end = {"id": biggest.study_id, "after": rest["pageInfo"]["endCursor"]}
    result = await run_graphql(client, AFTER, past_the_end, caller=callers.owner)
    empty = result["data"]["study"]["samples"]
    assert empty["nodes"] == []
    assert empty["totalCount"] == len(biggest.sample_names)
