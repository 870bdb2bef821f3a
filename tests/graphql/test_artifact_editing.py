"""Renaming and deleting study artifacts through GraphQL: who may, what refuses, and the
rows and files after."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from db import file_journal
from db.models import (
    Analysis,
    AnalysisSample,
    Artifact,
    ArtifactParent,
    AuditEntry,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    Sample,
    StoredFile,
)
from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.studies import make_analysis
from tests.builders.study_tree import make_study_tree
from tests.graphql.editing_builders import ROLES, caller_for, payload, write_artifact_files

RENAME = """mutation($input: RenameArtifactInput!) {
  renameArtifact(input: $input) {
    artifact { artifactId name } userErrors { field message code } } }"""
DELETE = """mutation($input: DeleteArtifactInput!) {
  deleteArtifact(input: $input) {
    deletedArtifactId study { studyId } userErrors { field message code } } }"""
FLAGS = """query($id: Int!) { study(studyId: $id) {
  artifacts { nodes { artifactId viewerCanEdit viewerCanDelete } } } }"""

EDITORS = ("owner", "shared", "admin")


async def _count(services: Services, model: Any, *conditions: Any) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*conditions)
        return int((await session.execute(query)).scalar_one())


async def _delete(client: httpx.AsyncClient, artifact_id: int, caller: Any) -> dict[str, Any]:
    return await run_graphql(
        client, DELETE, {"input": {"artifactId": str(artifact_id)}}, caller=caller
    )


def _refusal(result: dict[str, Any]) -> dict[str, Any]:
    found = payload(result, "deleteArtifact")
    assert (found["deletedArtifactId"], found["study"]) == (None, None)
    [error] = found["userErrors"]
    return dict(error)


async def test_delete_child_then_root_removes_rows_and_gives_raw_files_back(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    [raw] = await write_artifact_files(services, tree.root_artifact_id)
    [table] = await write_artifact_files(services, tree.child_artifact_id)
    flags = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=callers.owner)
    assert flags["data"]["study"]["artifacts"]["nodes"] == [
        {"artifactId": tree.root_artifact_id, "viewerCanEdit": True, "viewerCanDelete": False},
        {"artifactId": tree.child_artifact_id, "viewerCanEdit": True, "viewerCanDelete": True},
    ]
    child = await _delete(client, tree.child_artifact_id, callers.owner)
    assert payload(child, "deleteArtifact")["study"] == {"studyId": tree.study_id}
    assert await _count(services, Artifact, Artifact.id == tree.child_artifact_id) == 0
    assert await _count(services, StoredFile, StoredFile.artifact_id == tree.child_artifact_id) == 0
    assert (
        await _count(services, ArtifactParent, ArtifactParent.parent_id == tree.root_artifact_id)
        == 0
    )
    assert await _count(services, ProcessingJob, ProcessingJob.id == tree.job_id) == 1
    assert not table.exists()
    assert not table.parent.exists()
    root = await _delete(client, tree.root_artifact_id, callers.owner)
    assert payload(root, "deleteArtifact")["userErrors"] == []
    assert await _count(services, Artifact, Artifact.study_id == tree.study_id) == 0
    assert await _count(services, ProcessingJobInput, ProcessingJobInput.job_id == tree.job_id) == 0
    async with services.sessions() as session:
        prep = await session.get(PrepTemplate, tree.prep_id)
        assert prep is not None
        assert prep.artifact_id is None
        audited = await session.execute(
            select(AuditEntry.target).where(
                AuditEntry.action == "delete", AuditEntry.actor == callers.owner.account.email
            )
        )
        assert {"artifact", "stored_file"} <= set(audited.scalars())
        named = await session.execute(
            select(AuditEntry.target_id)
            .where(AuditEntry.action == "delete", AuditEntry.target == "artifact")
            .order_by(AuditEntry.id)
        )
        assert list(named.scalars()) == [str(tree.child_artifact_id), str(tree.root_artifact_id)]
    assert not raw.exists()
    uploaded = services.settings.data_dir / "uploads" / str(tree.study_id) / raw.name
    assert uploaded.read_bytes() == b"data of " + f"{tree.root_artifact_id}/{raw.name}".encode()


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_delete_an_artifact(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, shared_with=[callers.shared.account]
    )
    caller = await caller_for(role, callers, services)
    result = await _delete(client, tree.child_artifact_id, caller)
    if role in EDITORS:
        assert payload(result, "deleteArtifact")["userErrors"] == []
    else:
        assert _refusal(result) == {
            "field": ["input", "artifactId"],
            "message": f"Artifact not found: {tree.child_artifact_id}",
            "code": "NOT_FOUND",
        }
    left = await _count(services, Artifact, Artifact.id == tree.child_artifact_id)
    assert left == (0 if role in EDITORS else 1)


@pytest.mark.parametrize("role", ["other", "guest", "anonymous"])
async def test_readers_of_a_public_artifact_may_not_rename_or_delete_it(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="public")
    caller = await caller_for(role, callers, services)
    deleted = await _delete(client, tree.child_artifact_id, caller)
    assert error_codes(deleted) == ["FORBIDDEN"]
    variables = {"input": {"artifactId": str(tree.child_artifact_id), "name": "mine"}}
    renamed = await run_graphql(client, RENAME, variables, caller=caller)
    assert error_codes(renamed) == ["FORBIDDEN"]
    flags = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=caller)
    assert {(n["viewerCanEdit"], n["viewerCanDelete"]) for n in
            flags["data"]["study"]["artifacts"]["nodes"]} == {(False, False)}  # fmt: skip


async def test_what_blocks_deleting_an_artifact(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    children = _refusal(await _delete(client, tree.root_artifact_id, callers.owner))
    assert children == {
        "field": None,
        "message": f"Artifact {tree.root_artifact_id} cannot be deleted: it has child "
        f"artifacts ({tree.child_artifact_id}).",
        "code": "NOT_ALLOWED",
    }
    analysis_id, _ = await make_analysis(services, callers.other.account)
    job_id = str(uuid.uuid4())
    async with services.sessions() as session, session.begin():
        sample_id = await session.scalar(
            select(Sample.id).where(Sample.sample_name == tree.sample_names[0])
        )
        session.add(
            AnalysisSample(
                analysis_id=analysis_id, artifact_id=tree.child_artifact_id, sample_id=sample_id
            )
        )
        source = await session.get(ProcessingJob, tree.job_id)
        assert source is not None
        session.add(
            ProcessingJob(
                id=job_id,
                account_id=callers.owner.account.id,
                command_id=source.command_id,
                parameters={"input_data": tree.child_artifact_id},
                status="queued",
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        await session.flush()
        session.add(ProcessingJobInput(job_id=job_id, artifact_id=tree.child_artifact_id))
        await session.execute(
            update(Artifact)
            .where(Artifact.id == tree.child_artifact_id)
            .values(visibility="public")
        )
    blocked = _refusal(await _delete(client, tree.child_artifact_id, callers.admin))
    assert blocked["message"] == (
        f"Artifact {tree.child_artifact_id} cannot be deleted: it is public; it is used in "
        f"analyses ({analysis_id} of {callers.other.account.email}); jobs are using it "
        f"({job_id})."
    )
    assert blocked["code"] == "NOT_ALLOWED"
    async with services.sessions() as session:
        assert await session.get(Analysis, analysis_id) is not None
    assert await _count(services, Artifact, Artifact.study_id == tree.study_id) == 2


async def test_analysis_use_alone_blocks_deletion(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    analysis_id, _ = await make_analysis(services, callers.owner.account)
    async with services.sessions() as session, session.begin():
        sample_id = await session.scalar(
            select(Sample.id).where(Sample.sample_name == tree.sample_names[1])
        )
        session.add(
            AnalysisSample(
                analysis_id=analysis_id, artifact_id=tree.child_artifact_id, sample_id=sample_id
            )
        )
    flags = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=callers.owner)
    assert [n["viewerCanDelete"] for n in flags["data"]["study"]["artifacts"]["nodes"]] == [
        False,
        False,
    ]
    blocked = _refusal(await _delete(client, tree.child_artifact_id, callers.owner))
    assert blocked["message"] == (
        f"Artifact {tree.child_artifact_id} cannot be deleted: it is used in analyses "
        f"({analysis_id} of {callers.owner.account.email})."
    )


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_rename_an_artifact(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, shared_with=[callers.shared.account]
    )
    caller = await caller_for(role, callers, services)
    variables = {"input": {"artifactId": str(tree.child_artifact_id), "name": "  Clean table "}}
    result = await run_graphql(client, RENAME, variables, caller=caller)
    found = payload(result, "renameArtifact")
    if role in EDITORS:
        assert found == {
            "artifact": {"artifactId": tree.child_artifact_id, "name": "Clean table"},
            "userErrors": [],
        }
    else:
        assert found == {
            "artifact": None,
            "userErrors": [
                {
                    "field": ["input", "artifactId"],
                    "message": f"Artifact not found: {tree.child_artifact_id}",
                    "code": "NOT_FOUND",
                }
            ],
        }
    async with services.sessions() as session:
        name = await session.scalar(
            select(Artifact.name).where(Artifact.id == tree.child_artifact_id)
        )
    assert name == ("Clean table" if role in EDITORS else "OTU table")


async def test_rename_refusals(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    empty = await run_graphql(
        client,
        RENAME,
        {"input": {"artifactId": str(tree.root_artifact_id), "name": "  "}},
        caller=callers.owner,
    )
    assert payload(empty, "renameArtifact")["userErrors"] == [
        {"field": ["input", "name"], "message": "The name must not be empty.", "code": "REQUIRED"}
    ]
    _, analysis_artifact = await make_analysis(services, callers.owner.account)
    other = await run_graphql(
        client,
        RENAME,
        {"input": {"artifactId": str(analysis_artifact), "name": "x"}},
        caller=callers.owner,
    )
    [error] = payload(other, "renameArtifact")["userErrors"]
    assert (error["field"], error["code"]) == (["input", "artifactId"], "INVALID")


async def test_files_of_a_deletion_stay_journaled_until_they_can_be_removed(
    client: httpx.AsyncClient,
    services: Services,
    callers: Callers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    [table] = await write_artifact_files(services, tree.child_artifact_id)

    def disk_fails(step: file_journal.FileMoveStep) -> None:
        raise OSError("disk unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(file_journal, "carry_out", disk_fails)
        result = await _delete(client, tree.child_artifact_id, callers.owner)
    assert payload(result, "deleteArtifact")["userErrors"] == []
    assert await _count(services, Artifact, Artifact.id == tree.child_artifact_id) == 0
    assert table.exists()
    async with services.sessions() as session:
        pending = await file_journal.pending_steps(session)
    assert [step.source for step in pending] == [table, table.parent]
    assert all(step.destination is None for step in pending)
    assert (await file_journal.replay_pending(services.sessions)).done == 2
    assert not table.parent.exists()
