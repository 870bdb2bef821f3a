"""`qiita-gateway plugin trust|untrust` and the trust column of `plugin list`, run as real
processes against the test's database."""

from __future__ import annotations

import json

import httpx
import pytest

from db.models import Software
from resolvers.context import Services
from tests.auth.test_cli import assert_one_line_error, run_cli
from tests.auth.test_client_writes import client_grant, patch_samples
from tests.builders.accounts import make_plugin_client, make_user
from tests.builders.study_tree import make_study_tree


@pytest.fixture
def backend() -> str:
    """The commands call resolvers tested on both databases in test_client_writes.py; a
    process start costs seconds, so these run on SQLite only."""
    return "sqlite"


async def test_trust_command_lets_the_plugin_client_write(
    client: httpx.AsyncClient, services: Services
) -> None:
    tree = await make_study_tree(services, await make_user(services))
    credentials = await make_plugin_client(services)
    async with services.sessions() as session:
        software = await session.get(Software, credentials.software_id)
        assert software is not None
        name = software.name
    refused = await patch_samples(client, await client_grant(client, credentials), tree, "cow")
    assert refused.status_code == 403
    assert f"qiita-gateway plugin trust {name} 1.0" in refused.json()["message"]

    trusted = await run_cli(services.settings, "plugin", "trust", name, "1.0")
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout == (
        f"Plugin {name} 1.0 is trusted: its client may write through /api/v1 and GraphQL.\n"
    )
    token = await client_grant(client, credentials)  # a new token: no cached principal
    assert (await patch_samples(client, token, tree, "cow")).status_code == 200

    listed = await run_cli(services.settings, "plugin", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = [p for p in json.loads(listed.stdout) if p["name"] == name]
    assert entry["trusted"] is True

    text = await run_cli(services.settings, "plugin", "list")
    assert f"{name} 1.0  artifact transformation  active  trusted  0 command(s)  -" in (
        text.stdout.splitlines()
    )

    missing = await run_cli(services.settings, "plugin", "untrust", "No such plugin", "9")
    assert_one_line_error(missing, "No plugin No such plugin 9 is registered.")
