"""Artifact types (§4.1, §4.2), plugins and commands (§5.1-§5.4)."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from db.models import Command
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.world import World
from tests.rest_compat.media import HTML, JSON

TYPE_FIELDS = {
    "type_name": "new_type",
    "description": "A new type",
    "can_be_submitted_to_ebi": "False",
    "can_be_submitted_to_vamps": "True",
    "is_user_uploadable": "False",
    "filepath_types": json.dumps([["plain_text", True], ["log", False]]),
}


async def test_types_list_every_mountpoint_and_uploads(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    response = await client.get("/qiita_db/artifacts/types/", headers=bearer(world.deblur.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    root = services.settings.resolved_data_dir
    names = ["SFF", "FASTA_Sanger", "FASTQ", "FASTA", "per_sample_FASTQ", "Demultiplexed",
             "BIOM", "beta_div_plots", "rarefaction_curves", "taxa_summary"]  # fmt: skip
    assert response.json() == {
        **{name: str(root / name) for name in names},
        "uploads": str(root / "uploads"),
    }


async def test_create_type_makes_type_and_folder_and_is_idempotent(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    headers = bearer(world.type_plugin.token)
    for _ in range(2):
        response = await client.post(
            "/qiita_db/artifacts/types/", data=TYPE_FIELDS, headers=headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == HTML
        assert response.content == b""
    listed = (await client.get("/qiita_db/artifacts/types/", headers=headers)).json()
    folder = services.settings.resolved_data_dir / "new_type"
    assert listed["new_type"] == str(folder)
    assert folder.is_dir()


async def test_create_type_accepts_the_documented_name_field(
    client: httpx.AsyncClient, world: World
) -> None:
    fields = {k: v for k, v in TYPE_FIELDS.items() if k != "type_name"} | {"name": "other_type"}
    headers = bearer(world.type_plugin.token)
    response = await client.post("/qiita_db/artifacts/types/", data=fields, headers=headers)
    assert response.status_code == 200
    listed = (await client.get("/qiita_db/artifacts/types/", headers=headers)).json()
    assert "other_type" in listed


BAD_TYPE_FIELDS = [
    ({"description": None}, 400, "Missing argument description"),
    ({"type_name": None}, 400, "Missing argument type_name"),
    ({"filepath_types": "[[1"}, 400, {"message": "Argument filepath_types is not valid JSON"}),
    (
        {"filepath_types": json.dumps([["no_such_type", True]])},
        400,
        {"message": "Unknown filepath type: no_such_type"},
    ),
    (
        {"is_user_uploadable": "maybe"},
        400,
        {"message": "Argument is_user_uploadable must be true or false, not 'maybe'"},
    ),
    (
        {"type_name": "../escape"},
        400,
        {"message": "The artifact type name '../escape' cannot be used as a folder name."},
    ),
]


async def test_create_type_rejects_bad_fields(client: httpx.AsyncClient, world: World) -> None:
    for change, status, body in BAD_TYPE_FIELDS:
        fields = {k: v for k, v in (TYPE_FIELDS | change).items() if v is not None}
        headers = bearer(world.type_plugin.token)
        response = await client.post("/qiita_db/artifacts/types/", data=fields, headers=headers)
        assert response.status_code == status
        if isinstance(body, str):
            assert response.text == body
        else:
            assert response.json() == body
        listed = (await client.get("/qiita_db/artifacts/types/", headers=headers)).json()
        assert "new_type" not in listed


async def test_get_plugin(client: httpx.AsyncClient, world: World) -> None:
    name, version = world.type_plugin.name, world.type_plugin.version
    response = await client.get(
        f"/qiita_db/plugins/{name}/{version}/", headers=bearer(world.type_plugin.token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "name": "BIOM type",
        "version": "2.1.4 - Qiime2",
        "description": "",
        "commands": ["Validate", "Generate HTML summary"],
        "publications": [],
        "type": "artifact definition",
        "active": True,
    }


async def test_unknown_plugin_or_command_is_404(client: httpx.AsyncClient, world: World) -> None:
    headers = bearer(world.system_token)
    response = await client.get("/qiita_db/plugins/Nope/1.0/", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"message": "Plugin 'Nope' version '1.0' does not exist."}
    response = await client.get(
        f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}/commands/Nope/",
        headers=headers,
    )
    assert response.status_code == 404
    assert response.json() == {
        "message": "Command 'Nope' of plugin 'Deblur' version '2021.09' does not exist."
    }


async def test_get_command(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}/commands/Deblur/",
        headers=bearer(world.deblur.token),
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "Deblur",
        "description": "Deblurring of sequences",
        "required_parameters": {"Demultiplexed sequences": ["artifact", ["FASTQ"]]},
        "optional_parameters": {"Trim length": ["integer", "150"], "Threads": ["integer", "1"]},
        "default_parameter_sets": {"Defaults": {"Threads": "1", "Trim length": "150"}},
        "outputs": [["deblur final table", "BIOM"], ["deblur reference hit table", "BIOM"]],
    }


async def test_validate_command_gets_name_and_provenance(
    client: httpx.AsyncClient, world: World
) -> None:
    name, version = world.type_plugin.name, world.type_plugin.version
    response = await client.get(
        f"/qiita_db/plugins/{name}/{version}/commands/Validate/",
        headers=bearer(world.type_plugin.token),
    )
    body = response.json()
    assert body["required_parameters"] == {
        "template": ["prep_template", [None]],
        "analysis": ["analysis", [None]],
        "files": ["string", [None]],
        "artifact_type": ["string", [None]],
    }
    assert body["optional_parameters"] == {
        "name": ["string", "dflt_name"],
        "provenance": ["string", None],
    }


def command_fields(**change: str) -> dict[str, str]:
    fields = {
        "name": "Pick OTUs",
        "description": "Picks OTUs",
        "required_parameters": json.dumps({"input": ['artifact:["FASTQ", "BIOM"]', None]}),
        "optional_parameters": json.dumps(
            {
                "similarity": ["float", 0.97],
                "mode": ['choice:["fast", "slow"]', "fast"],
                "extras": ['mchoice:["a", "b", "c"]', '["a", "b"]'],
            }
        ),
        "default_parameter_sets": json.dumps({"Defaults": {}, "Slow": {"mode": "slow"}}),
        "outputs": json.dumps({"OTU table": "BIOM"}),
        "analysis_only": "False",
    }
    return fields | change


async def test_create_command_from_json_in_form_fields(
    client: httpx.AsyncClient, world: World
) -> None:
    base = f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}"
    headers = bearer(world.deblur.token)
    response = await client.post(f"{base}/commands/", data=command_fields(), headers=headers)
    assert response.status_code == 200
    assert response.content == b""
    plugin = (await client.get(f"{base}/", headers=headers)).json()
    assert plugin["commands"] == ["Deblur", "Pick OTUs"]
    command = (await client.get(f"{base}/commands/Pick OTUs/", headers=headers)).json()
    assert command == {
        "name": "Pick OTUs",
        "description": "Picks OTUs",
        "required_parameters": {"input": ["artifact", ["BIOM", "FASTQ"]]},
        "optional_parameters": {
            "similarity": ["float", "0.97"],
            "mode": ['choice:["fast", "slow"]', "fast"],
            "extras": ['mchoice:["a", "b", "c"]', ["a", "b"]],
        },
        "default_parameter_sets": {
            "Defaults": {"extras": ["a", "b"], "mode": "fast", "similarity": "0.97"},
            "Slow": {"extras": ["a", "b"], "mode": "slow", "similarity": "0.97"},
        },
        "outputs": [["OTU table", "BIOM"]],
    }


BAD_DEFINITIONS = [
    ({"name": "Deblur"}, 409, "The command 'Deblur' already exists in plugin Deblur 2021.09."),
    ({"required_parameters": "{"}, 400, "Argument required_parameters is not valid JSON"),
    (
        {"outputs": json.dumps({"t": "NOPE"})},
        400,
        "Error creating Deblur, Pick OTUs, Picks OTUs - Unknown artifact_type: NOPE",
    ),
    (
        {"optional_parameters": json.dumps({"x": ["wat", 1]})},
        400,
        "Unknown parameter type 'wat' for parameter 'x'",
    ),
    (
        {"optional_parameters": json.dumps({"m": ['choice:["a"]', "b"]})},
        400,
        "The default value 'b' of parameter 'm' is not one of ['a']",
    ),
    (
        {"default_parameter_sets": json.dumps({"S": {"unknown": 1}})},
        400,
        "Parameter set 'S' has parameters that are not optional parameters of the command: unknown",
    ),
]


async def test_create_command_rejects_bad_definitions(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for change, status, message in BAD_DEFINITIONS:
        base = f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}"
        response = await client.post(
            f"{base}/commands/", data=command_fields(**change), headers=bearer(world.deblur.token)
        )
        assert response.status_code == status
        assert response.json() == {"message": message}
        async with services.sessions() as session:
            names = (await session.execute(select(Command.name).order_by(Command.id))).scalars()
            assert "Pick OTUs" not in list(names)


async def test_create_command_missing_field_is_400(client: httpx.AsyncClient, world: World) -> None:
    base = f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}"
    fields = {k: v for k, v in command_fields().items() if k != "description"}
    response = await client.post(
        f"{base}/commands/", data=fields, headers=bearer(world.deblur.token)
    )
    assert response.status_code == 400
    assert response.text == "Missing argument description"


async def test_another_plugin_may_not_add_commands(client: httpx.AsyncClient, world: World) -> None:
    base = f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}"
    response = await client.post(
        f"{base}/commands/", data=command_fields(), headers=bearer(world.type_plugin.token)
    )
    assert response.status_code == 403
    assert response.json() == {"message": "This client may not change plugin Deblur 2021.09."}


ACTIVATION_METHODS = ["POST", "GET"]


async def test_activate_command(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for method in ACTIVATION_METHODS:
        async with services.sessions() as session, session.begin():
            command = await session.get(Command, world.deblur_command_id)
            assert command is not None
            command.active = False
        base = f"/qiita_db/plugins/{world.deblur.name}/{world.deblur.version}"
        url = f"{base}/commands/Deblur/activate/"
        response = await client.request(method, url, headers=bearer(world.deblur.token))
        assert response.status_code == 200
        assert response.content == b""
        async with services.sessions() as session:
            command = await session.get(Command, world.deblur_command_id)
            assert command is not None
            assert command.active is True
        response = await client.post(url.replace("Deblur/activate", "Nope/activate"),
                                     headers=bearer(world.deblur.token))  # fmt: skip
        assert response.status_code == 404
