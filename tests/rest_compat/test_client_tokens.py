"""Plugin-API writes need a client token; a user's token (an admin's too) reads only
(decisions.md). Artifact types, global vocabulary, are made by plugins, system clients
and admins only, under names that are also plain folder names."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlalchemy import func, select
from starlette.routing import Route

from db.models import ArtifactType, DataDirectory
from resolvers.artifacts import artifact_types
from resolvers.auth import tokens
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.errors import Forbidden
from rest_compat.plugin_routes import PLUGIN_ROUTES
from tests.builders.accounts import bearer, token_for
from tests.rest_compat.test_plugins import TYPE_FIELDS

USER_TOKEN_WRITE = {
    "message": "Plugin-API writes need a client token (grant_type=client); "
    "a user's token may only read."
}
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
ACTIVATE = "/activate/"


def plugin_api_writes() -> list[tuple[str, str]]:
    """(method, concrete path) of every `/qiita_db` write route; activation by GET too."""
    writes = []
    for route in PLUGIN_ROUTES:
        assert isinstance(route, Route)
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        methods = set(route.methods or ())
        for method in sorted(methods & WRITE_METHODS):
            writes.append((method, path))
        if route.path.endswith(ACTIVATE):
            writes.append(("GET", path))
    return writes


async def type_count(services: Services) -> tuple[int, int]:
    async with services.sessions() as session:
        types = (await session.execute(select(func.count()).select_from(ArtifactType))).scalar()
        mounts = (await session.execute(select(func.count()).select_from(DataDirectory))).scalar()
        return int(types or 0), int(mounts or 0)


def test_every_write_route_is_listed() -> None:
    paths = {path for _, path in plugin_api_writes()}
    assert len(plugin_api_writes()) == 12
    assert "/qiita_db/artifacts/types/" in paths
    assert "/qiita_db/archive/observations/" in paths


@pytest.mark.parametrize("kind", ["admin", "user", "guest"])
async def test_user_tokens_are_refused_on_every_plugin_api_write(
    client: httpx.AsyncClient, services: Services, kind: str
) -> None:
    headers = bearer(await token_for(services, kind))  # type: ignore[arg-type]
    before = await type_count(services)
    for method, path in plugin_api_writes():
        response = await client.request(method, path, data=TYPE_FIELDS, headers=headers)
        assert (response.status_code, response.json()) == (403, USER_TOKEN_WRITE), (method, path)
    assert await type_count(services) == before


@pytest.mark.parametrize("kind", ["user", "guest"])
async def test_users_cannot_create_artifact_types_even_with_odd_names(
    client: httpx.AsyncClient, services: Services, kind: str
) -> None:
    """The finding: a guest token created global types and mountpoint folders."""
    headers = bearer(await token_for(services, kind))  # type: ignore[arg-type]
    before = await type_count(services)
    for name in ("guest_type", "bad\x07type"):
        response = await client.post(
            "/qiita_db/artifacts/types/", data=TYPE_FIELDS | {"type_name": name}, headers=headers
        )
        assert response.status_code == 403
        assert response.json() == USER_TOKEN_WRITE
    assert await type_count(services) == before
    data_dir = services.settings.resolved_data_dir
    assert not (data_dir / "guest_type").exists()


async def test_the_resolver_refuses_users_too(services: Services) -> None:
    """The rule lives in the resolver, whatever surface calls it."""
    user = await tokens.principal_for_token(services, await token_for(services, "user"))
    with pytest.raises(Forbidden, match="created by plugins, system clients and admins"):
        async with unit_of_work(services, user) as ctx:
            await artifact_types.create_artifact_type(
                ctx,
                name="user_type",
                description="",
                can_be_submitted_to_ebi=False,
                can_be_submitted_to_vamps=False,
                is_user_uploadable=False,
                filepath_types=[],
            )
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await artifact_types.create_artifact_type(
            ctx,
            name="FeatureData[Taxonomy] (v2)",
            description="",
            can_be_submitted_to_ebi=False,
            can_be_submitted_to_vamps=False,
            is_user_uploadable=False,
            filepath_types=[("plain_text", True)],
        )


BAD_NAMES = [
    ("bad\x07type", "The artifact type name must not contain control characters."),
    ("tab\tname", "The artifact type name must not contain control characters."),
    ("x" * 65, "The artifact type name is limited to 64 characters."),
    ("a/b", "The artifact type name 'a/b' cannot be used as a folder name."),
    (
        "semi;colon",
        "The artifact type name 'semi;colon' may only hold letters, digits, spaces and "
        "_ . + - [ ] ( ), starting with a letter or digit and not ending with a space.",
    ),
    (
        ".hidden",
        "The artifact type name '.hidden' may only hold letters, digits, spaces and "
        "_ . + - [ ] ( ), starting with a letter or digit and not ending with a space.",
    ),
    ("   ", "The artifact type name must not be empty."),
    (
        "trailing ",
        "The artifact type name 'trailing ' may only hold letters, digits, spaces and "
        "_ . + - [ ] ( ), starting with a letter or digit and not ending with a space.",
    ),
]


async def test_artifact_type_names_are_checked(
    client: httpx.AsyncClient, services: Services
) -> None:
    headers = bearer(await token_for(services, "system"))
    before = await type_count(services)
    for name, message in BAD_NAMES:
        response = await client.post(
            "/qiita_db/artifacts/types/", data=TYPE_FIELDS | {"type_name": name}, headers=headers
        )
        assert response.status_code == 400, (name, response.text)
        assert response.json() == {"message": message}, name
    assert await type_count(services) == before
    fine = await client.post(
        "/qiita_db/artifacts/types/",
        data=TYPE_FIELDS | {"filepath_types": json.dumps([["plain_text", True]])},
        headers=headers,
    )
    assert fine.status_code == 200
