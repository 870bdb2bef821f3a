"""Plugins from configuration files: create, compare, update, credentials, broken files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from db.models import Command, OAuthClient, Software, SoftwarePublication
from gateway.plugin_config import read_plugin_config
from gateway.plugin_loader import load_plugins
from resolvers.auth.credentials import new_client_id, new_client_secret
from resolvers.auth.graphiql_client import GRAPHIQL_CLIENT_ID
from resolvers.context import Principal, Services, unit_of_work
from resolvers.errors import Invalid
from resolvers.plugins.registration import (
    PluginDefinition,
    apply_plugin_definition,
    begin_registration,
    end_registration,
    registration_in_progress,
)
from tests.lifecycle.plugin_files import write_plugin_config

SYSTEM = Principal(kind="system")


def definition(**changes: object) -> PluginDefinition:
    base = PluginDefinition(
        name="BIOM type",
        version="2.1.4 - Qiime2",
        description="The Biological Observation Matrix format",
        environment_script="source activate qtp-biom",
        start_script="start_biom",
        plugin_type="artifact definition",
        client_id="c" * 50,
        client_secret="s" * 255,
        publications=(("10.1038/nmeth.f.303", "20383131"),),
        config_path="/plugins/BIOM type_2.1.4 - Qiime2.conf",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def apply(services: Services, plugin: PluginDefinition, *, update: bool = True) -> list[str]:
    async with unit_of_work(services, SYSTEM) as ctx:
        result = await apply_plugin_definition(ctx, plugin, update_existing=update)
        return result.warnings


async def stored(services: Services) -> tuple[Software, list[str], list[OAuthClient]]:
    async with services.sessions() as session:
        software = (await session.execute(select(Software))).scalar_one()
        dois = list(
            (
                await session.execute(
                    select(SoftwarePublication.doi).order_by(SoftwarePublication.doi)
                )
            ).scalars()
        )
        plugin_clients = select(OAuthClient).where(OAuthClient.client_id != GRAPHIQL_CLIENT_ID)
        clients = list((await session.execute(plugin_clients)).scalars())
        return software, dois, clients


async def test_new_plugin_is_created_inactive_with_its_client(
    services: Services, client: httpx.AsyncClient
) -> None:
    await apply(services, definition())
    software, dois, clients = await stored(services)
    assert (software.name, software.version, software.type) == (
        "BIOM type",
        "2.1.4 - Qiime2",
        "artifact definition",
    )
    assert software.active is False
    assert software.environment_script == "source activate qtp-biom"
    assert dois == ["10.1038/nmeth.f.303"]
    assert [(c.client_id, c.software_id) for c in clients] == [("c" * 50, software.id)]
    assert clients[0].client_secret_hash != "s" * 255
    response = await client.post(
        "/qiita_db/authenticate/",
        data={"client_id": "c" * 50, "client_secret": "s" * 255, "grant_type": "client"},
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


async def test_update_stores_changed_fields_and_adds_publications(services: Services) -> None:
    await apply(services, definition())
    warnings = await apply(
        services,
        definition(
            description="new text",
            start_script="start_biom2",
            publications=(("10.1038/nmeth.f.303", "20383131"), ("10.1/new", None)),
        ),
    )
    software, dois, _ = await stored(services)
    assert warnings == []
    assert (software.description, software.start_script) == ("new text", "start_biom2")
    assert dois == ["10.1/new", "10.1038/nmeth.f.303"]


async def test_without_update_differences_are_warnings(services: Services) -> None:
    await apply(services, definition())
    warnings = await apply(services, definition(description="other"), update=False)
    software, _, _ = await stored(services)
    assert software.description == "The Biological Observation Matrix format"
    assert warnings == [
        'Plugin "BIOM type" version "2.1.4 - Qiime2" config file does not match with stored '
        "information. description: stored 'The Biological Observation Matrix format', "
        "file 'other'"
    ]


async def test_different_plugin_type_is_refused(services: Services) -> None:
    await apply(services, definition())
    with pytest.raises(Invalid) as caught:
        await apply(services, definition(plugin_type="artifact transformation"))
    assert caught.value.message == (
        'The plugin type of the plugin "BIOM type" version 2.1.4 - Qiime2 does not match '
        "the one in the system"
    )


async def test_new_credentials_replace_the_old_client(services: Services) -> None:
    await apply(services, definition())
    new_id, new_secret = new_client_id(), new_client_secret()
    await apply(services, definition(client_id=new_id, client_secret=new_secret))
    software, _, clients = await stored(services)
    assert [(c.client_id, c.software_id) for c in clients] == [(new_id, software.id)]


async def test_new_credentials_without_update_are_refused(services: Services) -> None:
    await apply(services, definition())
    with pytest.raises(Invalid) as caught:
        await apply(services, definition(client_secret="x" * 255), update=False)
    assert caught.value.message == (
        'The (client_id, client_secret) pair of the plugin "BIOM type" version '
        '"2.1.4 - Qiime2" does not match the one in the system'
    )
    _, _, clients = await stored(services)
    assert [c.client_id for c in clients] == ["c" * 50]


async def test_loading_a_folder_skips_broken_files_and_deactivates_removed_plugins(
    services: Services,
) -> None:
    folder = services.settings.resolved_plugins_dir
    kept = write_plugin_config(folder, "Kept", "1", "artifact transformation", "start_kept")
    gone = write_plugin_config(folder, "Gone", "1", "artifact transformation", "start_gone")
    first = await load_plugins(services)
    assert sorted(p.name for p in first.loaded) == ["Gone", "Kept"]
    async with unit_of_work(services, SYSTEM) as ctx:
        gone_id = next(p.software_id for p in first.loaded if p.name == "Gone")
        ctx.session.add(Command(software_id=gone_id, name="Do", active=True))

    gone.path.unlink()
    (folder / "broken.conf").write_text("[main]\nNAME = Broken\n")
    second = await load_plugins(services)

    assert [p.name for p in second.loaded] == ["Kept"]
    assert second.errors == [f"{folder / 'broken.conf'}:1: VERSION in [main] is missing"]
    async with services.sessions() as session:
        rows = {s.name: s.active for s in (await session.execute(select(Software))).scalars()}
        commands = {c.name: c.active for c in (await session.execute(select(Command))).scalars()}
    assert rows == {"Kept": True, "Gone": False}
    assert commands == {"Do": False}
    assert read_plugin_config(kept.path).name == "Kept"


async def test_plugin_type_mismatch_in_a_file_is_reported_not_fatal(services: Services) -> None:
    folder: Path = services.settings.resolved_plugins_dir
    written = write_plugin_config(folder, "Twice", "1", "artifact transformation", "s")
    await load_plugins(services)
    write_plugin_config(
        folder,
        "Twice",
        "1",
        "artifact definition",
        "s",
        client_id=written.client_id,
        client_secret=written.client_secret,
    )
    report = await load_plugins(services)
    assert report.loaded == []
    assert report.errors == [
        f'{written.path}: The plugin type of the plugin "Twice" version 1 does not match '
        "the one in the system"
    ]


async def test_one_process_at_a_time_runs_a_plugins_registration(services: Services) -> None:
    await apply(services, definition())
    software, _, _ = await stored(services)
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await begin_registration(ctx, software.id, seconds=60) is True
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await registration_in_progress(ctx, software.id) is True
        assert await begin_registration(ctx, software.id, seconds=60) is False
    async with unit_of_work(services, SYSTEM) as ctx:
        await end_registration(ctx, software.id)
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await registration_in_progress(ctx, software.id) is False
        assert await begin_registration(ctx, software.id, seconds=-1) is True
    async with unit_of_work(services, SYSTEM) as ctx:
        assert await begin_registration(ctx, software.id, seconds=60) is True
