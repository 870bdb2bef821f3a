"""Mutations the web UI offers and REST does not: sharing, cancelling, visibility."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from db.models import Artifact, PrepSample, ProcessingJob
from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.study_tree import make_study_tree

SHARE = """mutation($input: ShareStudyInput!) {
  shareStudy(input: $input) { study { sharedWith { email } } userErrors { field message } } }"""
UNSHARE = """mutation($input: UnshareStudyInput!) {
  unshareStudy(input: $input) { study { sharedWith { email } } userErrors { field message } } }"""
CANCEL = """mutation($id: ID!) {
  cancelJob(input: {jobId: $id}) { job { status errorMessage } userErrors { message } } }"""
VISIBILITY = """mutation($id: ID!, $to: Visibility!) {
  setArtifactVisibility(input: {artifactId: $id, visibility: $to}) {
    artifact { visibility children { nodes { visibility } } } userErrors { field message } } }"""
READ = "query($id: Int!) { study(studyId: $id) { studyId } }"


async def test_share_and_unshare_a_study(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    email = callers.other.account.email
    variables = {"input": {"studyId": tree.study_id, "email": email.upper()}}
    hidden = await run_graphql(client, READ, {"id": tree.study_id}, caller=callers.other)
    assert error_codes(hidden) == ["NOT_FOUND"]
    shared = await run_graphql(client, SHARE, variables, caller=callers.owner)
    assert shared["data"]["shareStudy"] == {
        "study": {"sharedWith": [{"email": email}]},
        "userErrors": [],
    }
    again = await run_graphql(client, SHARE, variables, caller=callers.owner)
    assert again["data"]["shareStudy"]["study"] == {"sharedWith": [{"email": email}]}
    seen = await run_graphql(client, READ, {"id": tree.study_id}, caller=callers.other)
    assert seen == {"data": {"study": {"studyId": tree.study_id}}}
    removed = await run_graphql(client, UNSHARE, variables, caller=callers.owner)
    assert removed["data"]["unshareStudy"] == {"study": {"sharedWith": []}, "userErrors": []}
    gone = await run_graphql(client, READ, {"id": tree.study_id}, caller=callers.other)
    assert error_codes(gone) == ["NOT_FOUND"]
    unknown = await run_graphql(
        client,
        SHARE,
        {"input": {"studyId": tree.study_id, "email": "nobody@example.org"}},
        caller=callers.owner,
    )
    assert unknown["data"]["shareStudy"] == {
        "study": None,
        "userErrors": [
            {"field": ["input", "email"], "message": "Unknown user: nobody@example.org"}
        ],
    }
    stranger = await run_graphql(client, SHARE, variables, caller=callers.other)
    assert stranger["data"]["shareStudy"] == {
        "study": None,
        "userErrors": [
            {"field": ["input", "studyId"], "message": f"Study not found: {tree.study_id}"}
        ],
    }


async def test_cancel_job_fails_it_once_with_who_cancelled(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, job_status="queued")
    stranger = await run_graphql(client, CANCEL, {"id": tree.job_id}, caller=callers.other)
    assert stranger["data"]["cancelJob"]["userErrors"] == [
        {"message": f"Job not found: {tree.job_id}"}
    ]
    result = await run_graphql(client, CANCEL, {"id": tree.job_id}, caller=callers.owner)
    assert result["data"]["cancelJob"] == {
        "job": {
            "status": "ERROR",
            "errorMessage": f"Cancelled by {callers.owner.account.email}.",
        },
        "userErrors": [],
    }
    again = await run_graphql(client, CANCEL, {"id": tree.job_id}, caller=callers.owner)
    assert again["data"]["cancelJob"] == {
        "job": None,
        "userErrors": [{"message": f"Job {tree.job_id} cannot be cancelled: it is already error."}],
    }
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, tree.job_id)
        assert job is not None
        assert job.status == "error"


async def test_set_artifact_visibility_checks_restrictions_and_moves_the_dag(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    refused = await run_graphql(
        client,
        VISIBILITY,
        {"id": tree.root_artifact_id, "to": "PRIVATE"},
        caller=callers.owner,
    )
    payload = refused["data"]["setArtifactVisibility"]
    assert payload["artifact"] is None
    [error] = payload["userErrors"]
    assert error["field"] == ["input", "visibility"]
    assert error["message"].startswith("Errors in your info files: ")
    assert "column 'target_gene' is missing or empty" in error["message"]
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(PrepSample)
            .where(PrepSample.prep_id == tree.prep_id)
            .values(
                values={
                    "target_gene": "16S rRNA",
                    "target_subfragment": "V4",
                    "platform": "Illumina",
                    "instrument_model": "Illumina MiSeq",
                }
            )
        )
    private = await run_graphql(
        client,
        VISIBILITY,
        {"id": tree.child_artifact_id, "to": "PRIVATE"},
        caller=callers.owner,
    )
    assert private["data"]["setArtifactVisibility"] == {
        "artifact": {"visibility": "PRIVATE", "children": {"nodes": []}},
        "userErrors": [],
    }
    public = await run_graphql(
        client, VISIBILITY, {"id": tree.root_artifact_id, "to": "PUBLIC"}, caller=callers.owner
    )
    assert public["data"]["setArtifactVisibility"]["artifact"] == {
        "visibility": "PUBLIC",
        "children": {"nodes": [{"visibility": "PUBLIC"}]},
    }
    back = await run_graphql(
        client, VISIBILITY, {"id": tree.root_artifact_id, "to": "SANDBOX"}, caller=callers.owner
    )
    assert back["data"] == {"setArtifactVisibility": None}
    assert error_codes(back) == ["FORBIDDEN"]
    admin = await run_graphql(
        client, VISIBILITY, {"id": tree.root_artifact_id, "to": "SANDBOX"}, caller=callers.admin
    )
    assert admin["data"]["setArtifactVisibility"]["artifact"]["visibility"] == "SANDBOX"
    async with services.sessions() as session:
        states = (
            (
                await session.execute(
                    select(Artifact.visibility).where(Artifact.study_id == tree.study_id)
                )
            )
            .scalars()
            .all()
        )
    assert sorted(states) == ["sandbox", "sandbox"]
