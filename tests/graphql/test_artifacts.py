"""Artifacts over GraphQL: the DAG both ways, jobs, files, filters and visibility."""

from __future__ import annotations

import httpx
import pytest

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.study_tree import make_study_tree

ARTIFACT = """
query($id: Int!) {
  artifact(artifactId: $id) {
    artifactId name visibility dataType
    type { name filepathTypes { filepathType { name } required } }
    study { studyId } preparation { prepId }
    parents { artifactId }
    children { nodes {
      artifactId command { name } producedBy { jobId status }
      files { filename relpath size checksum filepathType { name } }
    } }
    jobs { nodes {
      jobId status step command { name plugin { name } }
      inputs { artifactId } outputs { artifactId }
    } }
  }
}
"""


async def test_artifact_walks_the_dag_to_jobs_commands_and_plugins(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    result = await run_graphql(
        client, ARTIFACT, {"id": tree.root_artifact_id}, caller=callers.owner
    )
    assert "errors" not in result, result
    artifact = result["data"]["artifact"]
    assert artifact["type"] == {
        "name": "FASTQ",
        "filepathTypes": [
            {"filepathType": {"name": "raw_forward_seqs"}, "required": True},
            {"filepathType": {"name": "raw_reverse_seqs"}, "required": False},
            {"filepathType": {"name": "raw_barcodes"}, "required": True},
        ],
    }
    assert artifact["study"] == {"studyId": tree.study_id}
    assert artifact["preparation"] == {"prepId": tree.prep_id}
    assert artifact["parents"] == []
    assert artifact["dataType"] == "16S"
    [child] = artifact["children"]["nodes"]
    assert child["artifactId"] == tree.child_artifact_id
    assert child["command"] == {"name": "Pick closed-reference OTUs"}
    assert child["producedBy"] == {"jobId": tree.job_id, "status": "SUCCESS"}
    assert child["files"] == [
        {
            "filename": "otu_table.biom",
            "relpath": f"{tree.child_artifact_id}/otu_table.biom",
            "size": 20,
            "checksum": "456",
            "filepathType": {"name": "biom"},
        }
    ]
    [job] = artifact["jobs"]["nodes"]
    assert job["jobId"] == tree.job_id
    assert job["step"] == "Step 2 of 2"
    assert job["inputs"] == [{"artifactId": tree.root_artifact_id}]
    assert job["outputs"] == [{"artifactId": tree.child_artifact_id}]
    parents = await run_graphql(
        client,
        "query($id: Int!) { artifact(artifactId: $id) { parents { artifactId } } }",
        {"id": tree.child_artifact_id},
        caller=callers.owner,
    )
    assert parents["data"]["artifact"]["parents"] == [{"artifactId": tree.root_artifact_id}]


@pytest.mark.parametrize(
    ("visibility", "who", "visible"),
    [
        ("public", "anonymous", True),
        ("private", "anonymous", False),
        ("private", "other", False),
        ("private", "shared", True),
        ("private", "admin", True),
    ],
)
async def test_artifact_visibility_matrix(
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
    query = "query($id: Int!) { artifact(artifactId: $id) { artifactId } }"
    caller = getattr(callers, who)
    result = await run_graphql(client, query, {"id": tree.root_artifact_id}, caller=caller)
    if visible:
        assert result == {"data": {"artifact": {"artifactId": tree.root_artifact_id}}}
    else:
        assert result["data"] == {"artifact": None}
        assert error_codes(result) == ["NOT_FOUND"]


async def test_artifacts_filter_by_type_study_and_visibility(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    first = await make_study_tree(services, callers.owner.account, visibility="public")
    second = await make_study_tree(services, callers.owner.account)
    query = """query($where: ArtifactFilterInput) {
        artifacts(first: 10, where: $where) { totalCount nodes { artifactId } } }"""

    async def ids(where: dict[str, object], caller: object = callers.owner) -> list[int]:
        result = await run_graphql(client, query, {"where": where}, caller=caller)  # type: ignore[arg-type]
        assert "errors" not in result, result
        return [node["artifactId"] for node in result["data"]["artifacts"]["nodes"]]

    assert await ids({"type": "BIOM"}) == [first.child_artifact_id, second.child_artifact_id]
    assert await ids({"studyId": second.study_id}) == [
        second.root_artifact_id,
        second.child_artifact_id,
    ]
    assert await ids({"visibility": "PUBLIC", "type": "FASTQ"}) == [first.root_artifact_id]
    assert await ids({}, callers.anonymous) == [first.root_artifact_id, first.child_artifact_id]
