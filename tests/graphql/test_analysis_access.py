"""Who may create, share, publish and delete an analysis: owner, sharer, another user, a
guest, an admin and an anonymous caller; and what deleting leaves behind."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from db.models import Analysis, Artifact, StoredFile
from resolvers.context import Services
from tests.builders.callers import Caller, Callers, SignedInCaller, make_caller, run_graphql
from tests.graphql.analysis_builders import add_to_cart, biom_study, create_analysis, mount_path

SHARE = """mutation($input: ShareAnalysisInput!) {
  shareAnalysis(input: $input) { analysis { analysisId sharedWith { email } viewerCanEdit }
    userErrors { field message code } } }"""
UNSHARE = """mutation($input: ShareAnalysisInput!) {
  unshareAnalysis(input: $input) { analysis { sharedWith { email } }
    userErrors { field message code } } }"""
PUBLIC = """mutation($input: AnalysisIdInput!) {
  makeAnalysisPublic(input: $input) {
    analysis { isPublic artifacts { edges { node { visibility } } } }
    userErrors { field message code } } }"""
DELETE = """mutation($input: AnalysisIdInput!) {
  deleteAnalysis(input: $input) { deletedAnalysisId userErrors { field message code } } }"""
INBOX = "{ messages { edges { node { kind analysis { analysisId } } } } }"
READ = """query($id: Int!) { analysis(analysisId: $id) {
  analysisId isPublic viewerCanEdit viewerCanDelete } }"""


def counts(names: Any) -> dict[str, dict[str, int]]:
    return {name: {"OTU_1": index + 1} for index, name in enumerate(names)}


async def owned_analysis(
    client: httpx.AsyncClient, services: Services, owner: SignedInCaller, visibility: str
) -> int:
    study = await biom_study(services, owner.account, counts, visibility=visibility)
    await add_to_cart(client, owner, study.child_artifact_id)
    payload = await create_analysis(client, owner)
    assert payload["userErrors"] == [], payload
    analysis_id: int = payload["analysis"]["analysisId"]
    return analysis_id


async def call(
    client: httpx.AsyncClient, document: str, caller: Caller, **input: Any
) -> tuple[dict[str, Any] | None, list[str]]:
    """The payload (None on a GraphQL error) and the codes of the errors, either kind."""
    result = await run_graphql(client, document, {"input": input}, caller=caller)
    if result.get("errors"):
        return None, [error["extensions"]["code"] for error in result["errors"]]
    payload: dict[str, Any] = next(iter(result["data"].values()))
    return payload, [error["code"] for error in payload["userErrors"]]


async def test_creating_needs_a_member(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    guest = await make_caller(services, "guest")
    for caller, codes in [
        (callers.anonymous, ["UNAUTHENTICATED"]),
        (guest, ["FORBIDDEN"]),
        (callers.other, ["INVALID"]),  # may, but has an empty cart
        (callers.admin, ["INVALID"]),
    ]:
        result = await run_graphql(
            client,
            'mutation { createAnalysis(input: {name: "x"}) { userErrors { code } } }',
            caller=caller,
        )
        found = [e["extensions"]["code"] for e in result.get("errors", [])] or [
            e["code"] for e in result["data"]["createAnalysis"]["userErrors"]
        ]
        assert found == codes, caller


async def test_sharing_matrix(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    guest = await make_caller(services, "guest")
    analysis_id = await owned_analysis(client, services, callers.owner, "private")
    target = await make_caller(services)
    key = str(analysis_id)

    payload, codes = await call(
        client, SHARE, callers.owner, analysisId=key, email=callers.shared.account.email
    )
    assert codes == []
    assert payload is not None
    assert payload["analysis"]["sharedWith"] == [{"email": callers.shared.account.email}]
    for caller, expected in [
        (callers.shared, []),
        (callers.admin, []),
        (callers.other, ["NOT_FOUND"]),
        (guest, ["NOT_FOUND"]),
        (callers.anonymous, ["UNAUTHENTICATED"]),
    ]:
        _, codes = await call(client, SHARE, caller, analysisId=key, email=target.account.email)
        assert codes == expected, caller
    inbox = await run_graphql(client, INBOX, caller=callers.shared)
    notices = [edge["node"] for edge in inbox["data"]["messages"]["edges"]]
    assert [(n["kind"], n["analysis"]["analysisId"]) for n in notices] == [
        ("ANALYSIS_SHARED", analysis_id)
    ]
    shared = await run_graphql(client, READ, {"id": analysis_id}, caller=callers.shared)
    assert shared["data"]["analysis"]["viewerCanEdit"] is True
    assert shared["data"]["analysis"]["viewerCanDelete"] is False
    _, codes = await call(client, SHARE, callers.owner, analysisId=key, email="nobody@x.org")
    assert codes == ["INVALID"]
    payload, codes = await call(
        client, UNSHARE, callers.owner, analysisId=key, email=target.account.email
    )
    assert codes == []
    assert payload is not None
    assert payload["analysis"]["sharedWith"] == [{"email": callers.shared.account.email}]


async def test_making_public_matrix(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    guest = await make_caller(services, "guest")
    private_sources = await owned_analysis(client, services, callers.owner, "private")
    _, codes = await call(client, PUBLIC, callers.owner, analysisId=str(private_sources))
    assert codes == ["NOT_ALLOWED"]

    analysis_id = await owned_analysis(client, services, callers.owner, "public")
    key = str(analysis_id)
    await call(client, SHARE, callers.owner, analysisId=key, email=callers.shared.account.email)
    for caller, expected in [
        (callers.other, ["NOT_FOUND"]),
        (guest, ["NOT_FOUND"]),
        (callers.anonymous, ["UNAUTHENTICATED"]),
    ]:
        _, codes = await call(client, PUBLIC, caller, analysisId=key)
        assert codes == expected, caller
    read = await run_graphql(client, READ, {"id": analysis_id}, caller=guest)
    assert read["data"]["analysis"] is None

    payload, codes = await call(client, PUBLIC, callers.shared, analysisId=key)
    assert codes == []
    assert payload is not None
    assert payload["analysis"]["isPublic"] is True
    assert {e["node"]["visibility"] for e in payload["analysis"]["artifacts"]["edges"]} == {
        "PUBLIC"
    }
    read = await run_graphql(client, READ, {"id": analysis_id}, caller=guest)
    assert read["data"]["analysis"] == {
        "analysisId": analysis_id,
        "isPublic": True,
        "viewerCanEdit": False,
        "viewerCanDelete": False,
    }
    _, codes = await call(client, SHARE, guest, analysisId=key, email=callers.other.account.email)
    assert codes == ["FORBIDDEN"]
    _, codes = await call(client, PUBLIC, callers.admin, analysisId=key)
    assert codes == []
    _, codes = await call(client, DELETE, callers.owner, analysisId=key)
    assert codes == ["NOT_ALLOWED"]


async def rows_of(services: Services, analysis_id: int) -> tuple[int, int, int]:
    async with services.sessions() as session:
        return (
            await session.scalar(select(func.count()).where(Analysis.id == analysis_id)) or 0,
            await session.scalar(select(func.count()).where(Artifact.analysis_id == analysis_id))
            or 0,
            await session.scalar(select(func.count()).where(StoredFile.analysis_id == analysis_id))
            or 0,
        )


async def test_deleting_matrix_and_what_is_left(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    guest = await make_caller(services, "guest")
    analysis_id = await owned_analysis(client, services, callers.owner, "private")
    key = str(analysis_id)
    await call(client, SHARE, callers.owner, analysisId=key, email=callers.shared.account.email)
    for caller, expected in [
        (callers.shared, ["FORBIDDEN"]),
        (callers.other, ["NOT_FOUND"]),
        (guest, ["NOT_FOUND"]),
        (callers.anonymous, ["UNAUTHENTICATED"]),
    ]:
        _, codes = await call(client, DELETE, caller, analysisId=key)
        assert codes == expected, caller
    assert await rows_of(services, analysis_id) == (1, 1, 1)
    biom_folder = await mount_path(services)
    async with services.sessions() as session:
        relpath = (
            await session.execute(
                select(StoredFile.relpath)
                .join(Artifact, Artifact.id == StoredFile.artifact_id)
                .where(Artifact.analysis_id == analysis_id)
            )
        ).scalar_one()
    assert (biom_folder / relpath).exists()

    payload, codes = await call(client, DELETE, callers.owner, analysisId=key)
    assert codes == []
    assert payload is not None
    assert payload["deletedAnalysisId"] is not None
    assert await rows_of(services, analysis_id) == (0, 0, 0)
    assert not (biom_folder / relpath).exists()
    assert not (biom_folder / relpath).parent.exists()
    read = await run_graphql(client, READ, {"id": analysis_id}, caller=callers.owner)
    assert read["data"]["analysis"] is None

    by_admin = await owned_analysis(client, services, callers.owner, "private")
    _, codes = await call(client, DELETE, callers.admin, analysisId=str(by_admin))
    assert codes == []
    cart = await run_graphql(client, "{ cart { analysisId } }", caller=callers.owner)
    _, codes = await call(
        client, DELETE, callers.owner, analysisId=str(cart["data"]["cart"]["analysisId"])
    )
    assert codes == ["FORBIDDEN"]
