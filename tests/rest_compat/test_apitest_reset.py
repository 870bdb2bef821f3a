"""`POST /apitest/reset/`: the database back to its seeded state (plugin-api.md §7)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from db.models import Account, Artifact, ArtifactType, OAuthToken, Study
from gateway.demo import load_demo
from gateway.demo_data import DEMO_MARKER_TITLE, SYSTEM_CLIENT_ID, SYSTEM_CLIENT_SECRET
from resolvers.context import SYSTEM, Services, unit_of_work
from tests.builders.accounts import bearer, make_user, token_for

TIMED_OUT = {"error": "invalid_grant", "error_description": "Oauth2 error: token has timed out"}


async def _count(services: Services, model: type) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_reset_restores_the_demo_with_its_ids_and_drops_tokens(
    client: httpx.AsyncClient, services: Services
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await load_demo(ctx)
    studies_before = await _count(services, Study)
    artifacts_before = await _count(services, Artifact)
    await make_user(services, email="extra@example.org")
    async with services.sessions() as session, session.begin():
        session.add(ArtifactType(name="plugin_made_type", description="from a plugin"))
    token = await token_for(services, "system")

    response = await client.post("/apitest/reset/", headers=bearer(token))

    assert response.status_code == 200
    assert response.content == b""
    again = await client.get("/qiita_db/artifacts/1/", headers=bearer(token))
    assert again.status_code == 400
    assert again.json() == TIMED_OUT
    async with services.sessions() as session:
        assert (await session.get(Study, 1)).title == DEMO_MARKER_TITLE  # type: ignore[union-attr]
        assert await session.get(Artifact, 1) is not None
        emails = set((await session.execute(select(Account.email))).scalars())
        types = set((await session.execute(select(ArtifactType.name))).scalars())
    assert "extra@example.org" not in emails
    assert "plugin_made_type" not in types
    assert "BIOM" in types
    assert await _count(services, Study) == studies_before
    assert await _count(services, Artifact) == artifacts_before
    assert await _count(services, OAuthToken) == 0

    fresh = await client.post(
        "/qiita_db/authenticate/",
        data={
            "grant_type": "client",
            "client_id": SYSTEM_CLIENT_ID,
            "client_secret": SYSTEM_CLIENT_SECRET,
        },
    )
    assert fresh.status_code == 200
    artifact = await client.get(
        "/qiita_db/artifacts/1/", headers=bearer(fresh.json()["access_token"])
    )
    assert artifact.status_code == 200
    for path in artifact.json()["files"].values():
        for entry in path:
            assert entry["filepath"].startswith(str(services.settings.resolved_data_dir))


async def test_reset_without_demo_leaves_only_vocabulary_and_removes_files(
    client: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "system")
    upload = services.settings.resolved_data_dir / "uploads" / "7" / "reads.fastq"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("@r\nACGT\n+\nIIII\n")

    response = await client.post(
        "/apitest/reset/", data={"drop_labcontrol": "yes"}, headers=bearer(token)
    )

    assert response.status_code == 200
    assert await _count(services, Account) == 0
    assert await _count(services, ArtifactType) == 10
    assert not upload.exists()
    assert upload.parent.parent.is_dir()


async def test_reset_needs_a_plugin_or_system_client(
    client: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "user")
    response = await client.post("/apitest/reset/", headers=bearer(token))
    assert response.status_code == 403
    assert await _count(services, Account) == 1
