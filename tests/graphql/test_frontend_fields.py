"""What a frontend builds its screens on: permission flags, global ids in inputs, one way to
sort, filters on every list."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from schema.relay import global_id
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.studies import make_analysis, make_person, make_reference
from tests.builders.study_tree import make_study_tree
from tests.graphql.test_statements import counting_statements

FLAGS = """
query($id: Int!) {
  study(studyId: $id) {
    viewerCanEdit viewerCanShare
    preparations { nodes { viewerCanEdit artifact { viewerCanEdit type { name } } } }
    owner { viewerCanSeeDetails level }
  }
  job: jobs(first: 1) { nodes { viewerCanCancel command { plugin { name } } } }
}
"""


async def test_viewer_can_flags_follow_the_mutations_rules(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, visibility="public", job_status="queued"
    )
    owner = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=callers.owner)
    assert "errors" not in owner, owner
    study = owner["data"]["study"]
    assert (study["viewerCanEdit"], study["viewerCanShare"]) == (True, True)
    assert study["preparations"]["nodes"] == [
        {"viewerCanEdit": True, "artifact": {"viewerCanEdit": True, "type": {"name": "FASTQ"}}}
    ]
    assert study["owner"] == {"viewerCanSeeDetails": True, "level": "USER"}
    [job] = owner["data"]["job"]["nodes"]
    assert job["viewerCanCancel"] is True
    assert job["command"]["plugin"]["name"]
    other = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=callers.other)
    study = other["data"]["study"]
    assert (study["viewerCanEdit"], study["viewerCanShare"]) == (False, False)
    assert study["preparations"]["nodes"][0]["viewerCanEdit"] is False
    assert study["preparations"]["nodes"][0]["artifact"]["viewerCanEdit"] is False
    assert study["owner"] == {"viewerCanSeeDetails": False, "level": None}
    assert [node["viewerCanCancel"] for node in other["data"]["job"]["nodes"]] == [False]


async def test_inputs_take_global_ids_and_integers_alike(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    share = """mutation($input: ShareStudyInput!) {
      shareStudy(input: $input) { study { sharedWith { email } } userErrors { field code } } }"""
    email = callers.other.account.email
    for study_id in (global_id("Study", tree.study_id), tree.study_id):
        result = await run_graphql(
            client, share, {"input": {"studyId": study_id, "email": email}}, caller=callers.owner
        )
        assert result["data"]["shareStudy"] == {
            "study": {"sharedWith": [{"email": email}]},
            "userErrors": [],
        }
    wrong_type = await run_graphql(
        client,
        share,
        {"input": {"studyId": global_id("Artifact", 1), "email": email}},
        caller=callers.owner,
    )
    assert wrong_type["data"]["shareStudy"]["userErrors"] == [
        {"field": ["input", "studyId"], "code": "NOT_FOUND"}
    ]
    listing = """query($study: ID!) { artifacts(where: {studyId: $study}) { totalCount } }"""
    found = await run_graphql(
        client, listing, {"study": global_id("Study", tree.study_id)}, caller=callers.owner
    )
    assert found["data"]["artifacts"]["totalCount"] == 2


async def test_order_by_on_artifacts_and_jobs_and_text_filters_on_every_list(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    await make_person(services, name="Dr Zebra Finch")
    await make_analysis(services, callers.owner.account)
    await make_reference(services)
    query = """query($study: ID!) {
      desc: artifacts(where: {studyId: $study}, orderBy: {direction: DESC}) {
        nodes { artifactId }
      }
      asc: jobs(orderBy: {direction: ASC}) { nodes { jobId } }
      persons(where: {text: "zebra"}) { nodes { name } }
      analyses(where: {text: "analysis"}) { totalCount }
      noAnalyses: analyses(where: {text: "nothing like it"}) { totalCount }
      references(where: {text: "greengenes"}) { totalCount }
    }"""
    result = await run_graphql(client, query, {"study": tree.study_id}, caller=callers.owner)
    assert "errors" not in result, result
    data = result["data"]
    assert [n["artifactId"] for n in data["desc"]["nodes"]] == [
        tree.child_artifact_id,
        tree.root_artifact_id,
    ]
    assert data["asc"]["nodes"] == [{"jobId": tree.job_id}]
    assert data["persons"]["nodes"] == [{"name": "Dr Zebra Finch"}]
    assert (data["analyses"]["totalCount"], data["noAnalyses"]["totalCount"]) == (1, 0)
    assert data["references"]["totalCount"] == 1


async def test_nested_lists_are_paged_and_priced_by_their_page(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    query = """query($id: Int!, $after: String) {
      study(studyId: $id) {
        artifacts(first: 1, after: $after) {
          totalCount nodes { artifactId } pageInfo { hasNextPage endCursor }
        }
      }
    }"""
    first = await run_graphql(
        client, query, {"id": tree.study_id}, caller=callers.owner, extensions={"cost": True}
    )
    page = first["data"]["study"]["artifacts"]
    assert (page["totalCount"], page["nodes"]) == (2, [{"artifactId": tree.root_artifact_id}])
    assert page["pageInfo"]["hasNextPage"] is True
    # the study, its connection, one artifact and the page info: 1 each
    assert first["extensions"]["cost"]["requested"] == 4
    after = page["pageInfo"]["endCursor"]
    second = await run_graphql(
        client, query, {"id": tree.study_id, "after": after}, caller=callers.owner
    )
    page = second["data"]["study"]["artifacts"]
    assert page["nodes"] == [{"artifactId": tree.child_artifact_id}]
    assert page["pageInfo"]["hasNextPage"] is False


async def test_a_whole_table_costs_a_full_page_of_rows(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    query = "query($id: Int!) { preparation(prepId: $id) { table } }"
    result = await run_graphql(
        client, query, {"id": tree.prep_id}, caller=callers.owner, extensions={"cost": True}
    )
    assert "errors" not in result, result
    # the preparation (1) and its table, priced as the largest page of samples (100)
    assert result["extensions"]["cost"]["requested"] == 101


async def test_a_table_answers_a_page_of_first_rows_and_the_next_after_a_sample_name(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=3)
    query = """query($study: Int!, $prep: Int!, $after: String) {
      study(studyId: $study) { sampleInformation { table(first: 2, after: $after) } }
      preparation(prepId: $prep) { table(first: 2, after: $after) }
    }"""
    variables = {"study": tree.study_id, "prep": tree.prep_id}
    first = await run_graphql(client, query, variables, caller=callers.owner)
    assert "errors" not in first, first
    names = sorted(tree.sample_names)
    samples = first["data"]["study"]["sampleInformation"]["table"]
    prep = first["data"]["preparation"]["table"]
    assert list(samples) == names[:2]
    assert list(prep) == names[:2]
    assert all(isinstance(values, dict) for values in [*samples.values(), *prep.values()])
    rest = await run_graphql(client, query, {**variables, "after": names[1]}, caller=callers.owner)
    assert list(rest["data"]["study"]["sampleInformation"]["table"]) == names[2:]
    assert list(rest["data"]["preparation"]["table"]) == names[2:]
    whole = await run_graphql(
        client,
        "query($id: Int!) { preparation(prepId: $id) { table } }",
        {"id": tree.prep_id},
        caller=callers.owner,
    )
    assert list(whole["data"]["preparation"]["table"]) == names


async def test_a_table_page_costs_its_first_rows(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    query = "query($id: Int!) { preparation(prepId: $id) { table(first: 50) } }"
    result = await run_graphql(
        client, query, {"id": tree.prep_id}, caller=callers.owner, extensions={"cost": True}
    )
    assert "errors" not in result, result
    # the preparation (1) and a page of at most 50 rows
    assert result["extensions"]["cost"]["requested"] == 51


async def test_whole_tables_over_the_budget_are_refused_before_any_sql(
    client: httpx.AsyncClient, services: Services
) -> None:
    query = "{ studies(first: 100) { nodes { preparations(first: 100) { nodes { table } } } } }"
    with counting_statements(services) as statements:
        result = await run_graphql(client, query)
    assert statements == []
    assert result["data"] is None
    assert error_codes(result) == ["QUERY_TOO_COSTLY"]
    over_cap = await run_graphql(
        client, "{ studies(first: 1) { nodes { sampleInformation { table(first: 101) } } } }"
    )
    assert error_codes(over_cap) == ["BAD_USER_INPUT"]


async def test_files_and_samples_are_nodes_refetched_by_global_id(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    listing = """query($id: Int!) {
      study(studyId: $id) {
        samples(first: 1) { nodes { id sampleName } }
        artifacts(first: 1) { nodes { files { id fileId } } }
      }
    }"""
    result = await run_graphql(client, listing, {"id": tree.study_id}, caller=callers.owner)
    study = result["data"]["study"]
    [sample] = study["samples"]["nodes"]
    [file] = study["artifacts"]["nodes"][0]["files"]
    assert sample["id"] == global_id("Sample", tree.sample_names[0])
    assert file["id"] == global_id("File", file["fileId"])
    refetch = """query($ids: [ID!]!) {
      nodes(ids: $ids) { id ... on Sample { sampleName } ... on File { fileId } }
    }"""
    ids = [sample["id"], file["id"]]
    owner = await run_graphql(client, refetch, {"ids": ids}, caller=callers.owner)
    assert owner["data"]["nodes"] == [sample, file]
    other = await run_graphql(client, refetch, {"ids": ids}, caller=callers.other)
    assert other["data"]["nodes"] == [None, None]
