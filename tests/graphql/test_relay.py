"""Relay: global ids for every node type, node/nodes, users, analyses and references."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.studies import make_analysis, make_reference
from tests.builders.study_tree import make_study_tree

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Study { studyId } ... on Artifact { artifactId } ... on Preparation { prepId }
  ... on ProcessingJob { jobId } ... on Command { commandId } ... on Plugin { pluginId }
  ... on Person { personId } ... on ArtifactType { artifactTypeId } } }"""


async def test_every_global_id_resolves_back_to_its_object(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    ids = await run_graphql(
        client,
        """query($id: Int!) { study(studyId: $id) { id principalInvestigator { id personId }
            preparations { nodes { id artifact { id type { id }
              jobs { nodes { id command { id plugin { id } } } } } } } } }""",
        {"id": tree.study_id},
        caller=callers.owner,
    )
    study = ids["data"]["study"]
    prep = study["preparations"]["nodes"][0]
    job = prep["artifact"]["jobs"]["nodes"][0]
    expected: dict[str, dict[str, object]] = {
        study["id"]: {"__typename": "Study", "studyId": tree.study_id},
        prep["id"]: {"__typename": "Preparation", "prepId": tree.prep_id},
        prep["artifact"]["id"]: {"__typename": "Artifact", "artifactId": tree.root_artifact_id},
        prep["artifact"]["type"]["id"]: {"__typename": "ArtifactType", "artifactTypeId": 3},
        job["id"]: {"__typename": "ProcessingJob", "jobId": tree.job_id},
        study["principalInvestigator"]["id"]: {
            "__typename": "Person",
            "personId": study["principalInvestigator"]["personId"],
        },
    }
    for global_id, fields in expected.items():
        result = await run_graphql(client, NODE, {"id": global_id}, caller=callers.owner)
        assert result["data"]["node"] == {"id": global_id, **fields}
    many = await run_graphql(
        client,
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [study["id"], job["command"]["id"], job["command"]["plugin"]["id"]]},
        caller=callers.other,
    )
    assert many["data"]["nodes"] == [
        None,
        {"id": job["command"]["id"]},
        {"id": job["command"]["plugin"]["id"]},
    ]


async def test_malformed_global_id_is_not_found(client: httpx.AsyncClient) -> None:
    result = await run_graphql(client, NODE, {"id": "not-an-id"})
    assert result["data"] == {"node": None}
    assert error_codes(result) == ["NOT_FOUND"]


async def test_user_details_are_for_the_user_and_admins(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    await make_study_tree(services, callers.owner.account, visibility="public")
    query = "{ viewer { email level } studies { nodes { owner { email level } } } }"
    own = await run_graphql(client, query, caller=callers.owner)
    email = callers.owner.account.email
    assert own["data"] == {
        "viewer": {"email": email, "level": "USER"},
        "studies": {"nodes": [{"owner": {"email": email, "level": "USER"}}]},
    }
    other = await run_graphql(client, query, caller=callers.other)
    assert other["data"]["studies"] == {"nodes": [{"owner": {"email": email, "level": None}}]}
    admin = await run_graphql(client, query, caller=callers.admin)
    assert admin["data"]["studies"] == {"nodes": [{"owner": {"email": email, "level": "USER"}}]}
    anonymous = await run_graphql(client, query)
    assert anonymous["data"]["viewer"] is None


async def test_analyses_follow_owner_share_and_public_rules(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    private_id, _ = await make_analysis(
        services, callers.owner.account, shared_with=[callers.shared.account]
    )
    public_id, public_artifact = await make_analysis(
        services, callers.other.account, artifact_visibility="public"
    )
    query = "{ analyses { totalCount nodes { analysisId artifacts { nodes { artifactId } } } } }"

    async def seen(caller: object) -> list[int]:
        result = await run_graphql(client, query, caller=caller)  # type: ignore[arg-type]
        return [node["analysisId"] for node in result["data"]["analyses"]["nodes"]]

    assert await seen(callers.owner) == [private_id, public_id]
    assert await seen(callers.shared) == [private_id, public_id]
    assert await seen(callers.anonymous) == [public_id]
    assert await seen(callers.admin) == [private_id, public_id]
    one = await run_graphql(
        client,
        "query($id: Int!) { analysis(analysisId: $id) {"
        " name artifacts { nodes { artifactId } } } }",
        {"id": public_id},
    )
    assert one["data"]["analysis"]["artifacts"]["nodes"] == [{"artifactId": public_artifact}]


async def test_references_with_their_files(client: httpx.AsyncClient, services: Services) -> None:
    reference_id = await make_reference(services)
    result = await run_graphql(
        client,
        """{ references { totalCount nodes {
            referenceId version files { filename filepathType { name } } } } }""",
    )
    assert result["data"]["references"]["totalCount"] == 1
    [node] = result["data"]["references"]["nodes"]
    assert node["referenceId"] == reference_id
    assert node["version"] == "13_8"
    assert node["files"][0]["filepathType"] == {"name": "reference_seqs"}
