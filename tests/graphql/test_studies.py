"""Studies over GraphQL: fields, relations and the authorization matrix of the REST routes."""

from __future__ import annotations

import httpx
import pytest

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.study_tree import make_study_tree

STUDY = """
query Study($id: Int!) {
  study(studyId: $id) {
    id studyId title alias status viewerCanEdit
    owner { email }
    principalInvestigator { name affiliation }
    publications { publication isDoi }
    sampleInformation { categories sampleCount table }
    preparations { nodes {
      prepId name dataType status sampleCount categories artifact { artifactId } } }
    artifacts { nodes { artifactId } }
  }
}
"""


async def test_owner_reads_a_sandboxed_study_with_its_relations(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    result = await run_graphql(client, STUDY, {"id": tree.study_id}, caller=callers.owner)
    assert "errors" not in result
    study = result["data"]["study"]
    assert study["studyId"] == tree.study_id
    assert study["title"] == tree.title
    assert study["status"] == "SANDBOX"
    assert study["viewerCanEdit"] is True
    assert study["owner"] == {"email": callers.owner.account.email}
    assert study["publications"] == [{"publication": "10.1/x", "isDoi": True}]
    assert study["sampleInformation"] == {
        "categories": ["env_package", "host"],
        "sampleCount": 2,
        "table": {
            f"{tree.study_id}.S0": {"env_package": "soil", "host": None},
            f"{tree.study_id}.S1": {"env_package": "water", "host": "host 1"},
        },
    }
    assert study["preparations"]["nodes"] == [
        {
            "prepId": tree.prep_id,
            "name": "Prep 1",
            "dataType": "16S",
            "status": "SANDBOX",
            "sampleCount": 2,
            "categories": ["barcode"],
            "artifact": {"artifactId": tree.root_artifact_id},
        }
    ]
    assert study["artifacts"]["nodes"] == [
        {"artifactId": tree.root_artifact_id},
        {"artifactId": tree.child_artifact_id},
    ]


@pytest.mark.parametrize(
    ("visibility", "who", "visible"),
    [
        ("public", "anonymous", True),
        ("public", "other", True),
        ("sandbox", "anonymous", False),
        ("sandbox", "other", False),
        ("sandbox", "shared", True),
        ("sandbox", "owner", True),
        ("sandbox", "admin", True),
    ],
)
async def test_study_visibility_follows_the_rest_rules(
    client: httpx.AsyncClient,
    services: Services,
    callers: Callers,
    visibility: str,
    who: str,
    visible: bool,
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, visibility=visibility, shared_with=[callers.shared.account]
    )
    caller = getattr(callers, who)
    query = "query($id: Int!) { study(studyId: $id) { studyId } }"
    result = await run_graphql(client, query, {"id": tree.study_id}, caller=caller)
    listing = await run_graphql(
        client, "{ studies(first: 50) { totalCount nodes { studyId } } }", caller=caller
    )
    if visible:
        assert result == {"data": {"study": {"studyId": tree.study_id}}}
        assert listing["data"]["studies"] == {
            "totalCount": 1,
            "nodes": [{"studyId": tree.study_id}],
        }
    else:
        assert result["data"] == {"study": None}
        assert error_codes(result) == ["NOT_FOUND"]
        assert result["errors"][0]["message"] == f"Study not found: {tree.study_id}"
        assert listing["data"]["studies"] == {"totalCount": 0, "nodes": []}


async def test_other_users_see_public_studies_but_not_their_sandboxed_artifacts(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="public")
    async with services.sessions() as session, session.begin():
        from db.models import Artifact

        child = await session.get(Artifact, tree.child_artifact_id)
        assert child is not None
        child.visibility = "sandbox"
    query = """query($id: Int!) { study(studyId: $id) {
        status viewerCanEdit sharedWith { email } artifacts { nodes { artifactId } } } }"""
    result = await run_graphql(client, query, {"id": tree.study_id}, caller=callers.other)
    assert result == {
        "data": {
            "study": {
                "status": "PUBLIC",
                "viewerCanEdit": False,
                "sharedWith": [],
                "artifacts": {"nodes": [{"artifactId": tree.root_artifact_id}]},
            }
        }
    }


async def test_studies_filter_by_text_status_owner_and_data_type(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    soil = await make_study_tree(services, callers.owner.account, title="Arctic soil survey")
    ocean = await make_study_tree(
        services, callers.other.account, title="Ocean water survey", visibility="public"
    )
    query = """query($where: StudyFilterInput) {
        studies(first: 10, where: $where) { totalCount nodes { studyId } } }"""

    async def ids(where: dict[str, object]) -> list[int]:
        result = await run_graphql(client, query, {"where": where}, caller=callers.admin)
        assert "errors" not in result, result
        return [node["studyId"] for node in result["data"]["studies"]["nodes"]]

    assert await ids({"text": "ARCTIC"}) == [soil.study_id]
    assert await ids({"text": "survey"}) == [soil.study_id, ocean.study_id]
    assert await ids({"status": "PUBLIC"}) == [ocean.study_id]
    assert await ids({"status": "SANDBOX"}) == [soil.study_id]
    assert await ids({"ownerEmail": callers.other.account.email.upper()}) == [ocean.study_id]
    assert await ids({"dataType": "16S"}) == [soil.study_id, ocean.study_id]
    assert await ids({"dataType": "Metagenomic"}) == []
    bad = await run_graphql(client, query, {"where": {"status": "gone"}}, caller=callers.admin)
    [error] = bad["errors"]
    assert "Value 'gone' does not exist in 'Visibility' enum" in error["message"]


async def test_studies_ordered_by_title_descending_page_with_cursors(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    for title in ("B study", "A study", "C study"):
        await make_study_tree(services, callers.owner.account, title=title, samples=1)
    query = """query($after: String) {
        studies(first: 2, after: $after, orderBy: {field: TITLE, direction: DESC}) {
            totalCount nodes { title } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
    first = await run_graphql(client, query, {}, caller=callers.owner)
    page = first["data"]["studies"]
    assert [n["title"] for n in page["nodes"]] == ["C study", "B study"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True
    second = await run_graphql(
        client, query, {"after": page["pageInfo"]["endCursor"]}, caller=callers.owner
    )
    page2 = second["data"]["studies"]
    assert [n["title"] for n in page2["nodes"]] == ["A study"]
    assert page2["pageInfo"]["hasNextPage"] is False
    assert page2["pageInfo"]["hasPreviousPage"] is True


async def test_samples_connection_filters_on_a_category_value(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=5)
    query = """query($id: Int!, $where: MetadataFilterInput, $after: String) {
        study(studyId: $id) { samples(first: 2, after: $after, where: $where) {
            totalCount
            nodes { sampleName values(categories: ["env_package", "missing"]) { category value } }
            pageInfo { hasNextPage endCursor } } } }"""
    variables = {"id": tree.study_id, "where": {"category": "env_package", "value": "soil"}}
    result = await run_graphql(client, query, variables, caller=callers.owner)
    samples = result["data"]["study"]["samples"]
    assert samples["totalCount"] == 3
    assert [n["sampleName"] for n in samples["nodes"]] == [
        f"{tree.study_id}.S0",
        f"{tree.study_id}.S2",
    ]
    assert samples["nodes"][0]["values"] == [
        {"category": "env_package", "value": "soil"},
        {"category": "missing", "value": None},
    ]
    rest = await run_graphql(
        client,
        query,
        {**variables, "after": samples["pageInfo"]["endCursor"]},
        caller=callers.owner,
    )
    assert [n["sampleName"] for n in rest["data"]["study"]["samples"]["nodes"]] == [
        f"{tree.study_id}.S4"
    ]
    assert rest["data"]["study"]["samples"]["pageInfo"]["hasNextPage"] is False


async def test_preparation_query_with_its_samples_and_table(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=3)
    query = """query($id: Int!) { preparation(prepId: $id) {
        prepId name study { studyId } table
        samples(last: 2) { totalCount nodes { sampleName metadata } pageInfo { hasPreviousPage } }
        artifacts { artifactId } } }"""
    result = await run_graphql(client, query, {"id": tree.prep_id}, caller=callers.owner)
    assert "errors" not in result, result
    prep = result["data"]["preparation"]
    names = list(tree.sample_names)
    assert prep["study"] == {"studyId": tree.study_id}
    assert list(prep["table"]) == names
    assert prep["samples"]["totalCount"] == 3
    assert [n["sampleName"] for n in prep["samples"]["nodes"]] == names[1:]
    assert prep["samples"]["pageInfo"] == {"hasPreviousPage": True}
    assert prep["artifacts"] == [
        {"artifactId": tree.root_artifact_id},
        {"artifactId": tree.child_artifact_id},
    ]
    hidden = await run_graphql(client, query, {"id": tree.prep_id}, caller=callers.other)
    assert hidden["data"] == {"preparation": None}
    assert error_codes(hidden) == ["NOT_FOUND"]


async def test_persons_need_authentication(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    query = "{ persons(first: 5) { totalCount nodes { name affiliation } } }"
    listed = await run_graphql(client, query, caller=callers.other)
    assert listed["data"]["persons"]["totalCount"] == 1
    assert listed["data"]["persons"]["nodes"][0]["affiliation"] == "Example Lab"
    anonymous = await run_graphql(client, query)
    assert anonymous["data"] is None
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert tree.study_id > 0


async def test_preparation_samples_give_their_values_as_entries_and_as_json(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    query = """query($id: Int!) { preparation(prepId: $id) { samples { nodes {
        sampleName values(categories: ["barcode", "missing"]) { category value } metadata } } } }"""
    result = await run_graphql(client, query, {"id": tree.prep_id}, caller=callers.owner)
    assert "errors" not in result, result
    [node] = result["data"]["preparation"]["samples"]["nodes"]
    barcode = node["metadata"]["barcode"]
    assert barcode.startswith("AC")
    assert node == {
        "sampleName": tree.sample_names[0],
        "values": [
            {"category": "barcode", "value": barcode},
            {"category": "missing", "value": None},
        ],
        "metadata": {"barcode": barcode},
    }
