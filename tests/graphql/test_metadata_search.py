"""Metadata search across readable studies, and the "shared with me" study filter."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.study_tree import StudyTree, make_study_tree
from tests.graphql.editing_builders import ROLES, caller_for

SEARCH = """query($category: String!, $value: String!, $match: MetadataMatchMode!,
                 $first: Int, $after: String) {
  searchSampleMetadata(category: $category, value: $value, match: $match, first: $first,
                       after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { studyId sampleId category value sample { sampleName } study { studyId } } } }"""
SHARED = """query { studies(where: {sharedWithMe: true}) { totalCount nodes { studyId } } }"""


@dataclass(frozen=True)
class Studies:
    own: StudyTree
    private: StudyTree
    public: StudyTree
    shared: StudyTree


@pytest.fixture
async def studies(services: Services, callers: Callers) -> Studies:
    return Studies(
        own=await make_study_tree(services, callers.owner.account),
        private=await make_study_tree(services, callers.other.account),
        public=await make_study_tree(services, callers.other.account, visibility="public"),
        shared=await make_study_tree(
            services, callers.other.account, shared_with=[callers.shared.account]
        ),
    )


def readable(role: str, studies: Studies) -> set[int]:
    by_role = {
        "owner": {studies.own, studies.public},
        "shared": {studies.shared, studies.public},
        "other": {studies.private, studies.public, studies.shared},
        "guest": {studies.public},
        "anonymous": {studies.public},
        "admin": {studies.own, studies.private, studies.public, studies.shared},
    }
    return {tree.study_id for tree in by_role[role]}


@pytest.mark.parametrize("role", ROLES)
async def test_search_finds_samples_of_readable_studies_only(
    client: httpx.AsyncClient, services: Services, callers: Callers, studies: Studies, role: str
) -> None:
    caller = await caller_for(role, callers, services)
    variables = {"category": "host", "value": "HOST", "match": "CONTAINS", "first": 50}
    result = await run_graphql(client, SEARCH, variables, caller=caller)
    found = result["data"]["searchSampleMetadata"]
    expected = sorted(
        (study_id, f"{study_id}.S{index}")
        for study_id in readable(role, studies)
        for index in (1, 2)
    )
    assert [(n["studyId"], n["sampleId"]) for n in found["nodes"]] == expected
    assert found["totalCount"] == len(expected)
    assert {n["value"] for n in found["nodes"]} == {"host 1", "host 2"}
    assert all(n["sample"]["sampleName"] == n["sampleId"] for n in found["nodes"])
    assert all(n["study"]["studyId"] == n["studyId"] for n in found["nodes"])
    assert {n["category"] for n in found["nodes"]} <= {"host"}


async def test_exact_match_and_paging(
    client: httpx.AsyncClient, callers: Callers, studies: Studies
) -> None:
    variables = {"category": "env_package", "value": "soil", "match": "EXACT", "first": 2}
    first = await run_graphql(client, SEARCH, variables, caller=callers.admin)
    page = first["data"]["searchSampleMetadata"]
    assert page["totalCount"] == 8
    assert page["pageInfo"]["hasNextPage"] is True
    seen = [n["sampleId"] for n in page["nodes"]]
    after = page["pageInfo"]["endCursor"]
    while after is not None:
        more = await run_graphql(
            client, SEARCH, {**variables, "after": after}, caller=callers.admin
        )
        page = more["data"]["searchSampleMetadata"]
        seen += [n["sampleId"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    trees = (studies.own, studies.private, studies.public, studies.shared)
    assert seen == [f"{t.study_id}.S{index}" for t in trees for index in (0, 2)]
    upper = await run_graphql(client, SEARCH, {**variables, "value": "SOIL"}, caller=callers.admin)
    assert upper["data"]["searchSampleMetadata"]["totalCount"] == 0
    wildcard = await run_graphql(
        client, SEARCH, {**variables, "value": "%", "match": "CONTAINS"}, caller=callers.admin
    )
    assert wildcard["data"]["searchSampleMetadata"]["totalCount"] == 0


async def test_search_input_problems_are_errors(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    empty = await run_graphql(
        client,
        SEARCH,
        {"category": " ", "value": "x", "match": "EXACT"},
        caller=callers.owner,
    )
    assert error_codes(empty) == ["BAD_USER_INPUT"]
    nothing = await run_graphql(
        client,
        SEARCH,
        {"category": "host", "value": "", "match": "CONTAINS"},
        caller=callers.owner,
    )
    assert error_codes(nothing) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("role", ROLES)
async def test_shared_with_me_lists_only_studies_shared_with_the_caller(
    client: httpx.AsyncClient, services: Services, callers: Callers, studies: Studies, role: str
) -> None:
    caller = await caller_for(role, callers, services)
    result = await run_graphql(client, SHARED, caller=caller)
    expected = [studies.shared.study_id] if role == "shared" else []
    assert result["data"]["studies"] == {
        "totalCount": len(expected),
        "nodes": [{"studyId": study_id} for study_id in expected],
    }
