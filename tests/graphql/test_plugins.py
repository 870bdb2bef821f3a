"""Plugins and commands over GraphQL (public to every caller)."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.plugins import make_plugin


async def test_plugin_by_name_and_version_with_command_definitions(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    query = """query($name: String!, $version: String!) { plugin(name: $name, version: $version) {
        pluginId name version type active
        commands { id commandId name
          parameters { name type required defaultValue }
          outputs { name artifactType { name } }
          defaultParameterSets { name values } } } }"""
    result = await run_graphql(
        client, query, {"name": plugin.name, "version": "1.0"}, caller=callers.anonymous
    )
    assert "errors" not in result, result
    found = result["data"]["plugin"]
    assert found["pluginId"] == plugin.plugin_id
    assert found["type"] == "ARTIFACT_TRANSFORMATION"
    [command] = found["commands"]
    assert command["commandId"] == plugin.command_id
    assert [p["name"] for p in command["parameters"]] == ["input_data", "threads", "similarity"]
    assert command["parameters"][1] == {
        "name": "threads",
        "type": "integer",
        "required": False,
        "defaultValue": "1",
    }
    assert command["outputs"] == [{"name": "OTU table", "artifactType": {"name": "BIOM"}}]
    assert command["defaultParameterSets"] == [
        {"name": "Defaults", "values": {"threads": 1, "similarity": 0.97}}
    ]
    by_id = await run_graphql(
        client,
        "query($id: ID!) { command(commandId: $id) { name plugin { name } } }",
        {"id": command["id"]},
    )
    assert by_id == {
        "data": {"command": {"name": "Pick closed-reference OTUs", "plugin": {"name": plugin.name}}}
    }


async def test_unknown_plugin_is_not_found(client: httpx.AsyncClient) -> None:
    query = '{ plugin(name: "nope", version: "0") { name } }'
    result = await run_graphql(client, query)
    assert result["data"] == {"plugin": None}
    assert error_codes(result) == ["NOT_FOUND"]
    assert result["errors"][0]["message"] == "Plugin not found: nope 0"


async def test_plugins_lists_every_plugin_and_vocabularies(
    client: httpx.AsyncClient, services: Services
) -> None:
    plugin = await make_plugin(services, name="Aaa plugin")
    result = await run_graphql(
        client, "{ plugins { name commands { name } } artifactTypes { name } dataTypes }"
    )
    assert result["data"]["plugins"] == [
        {"name": plugin.name, "commands": [{"name": "Pick closed-reference OTUs"}]}
    ]
    assert [t["name"] for t in result["data"]["artifactTypes"]][:3] == [
        "SFF",
        "FASTA_Sanger",
        "FASTQ",
    ]
    assert result["data"]["dataTypes"][0] == "16S"
