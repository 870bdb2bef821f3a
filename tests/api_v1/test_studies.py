"""`/api/v1/study`, `/study/<id>`, `/status`, `/associations` (study-api.md §3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db.models import Study
from resolvers.context import Services, unit_of_work
from tests.api_v1.calls import patch, read_lines
from tests.builders.callers import Caller, make_caller
from tests.builders.studies import make_artifact, make_person, make_study

JSON = "application/json; charset=UTF-8"


def study_body(owner: Caller, **changes: Any) -> dict[str, Any]:
    body = {
        "title": "Soil  microbes ",
        "study_abstract": "abstract",
        "study_description": "description",
        "study_alias": "alias",
        "owner": owner.account.email,
        "contacts": {
            "principal_investigator": ["PIDude", "Wash U"],
            "lab_person": ["LabDude", "knight lab", "ignored"],
        },
        "notes": "some notes",
    }
    body.update(changes)
    return body


@pytest.fixture
async def contacts(services: Services) -> None:
    await make_person(services, "PIDude", "Wash U", email="PI_dude@foo.bar")
    await make_person(services, "LabDude", "knight lab", email="lab_dude@foo.bar")


async def test_get_study_answers_texts_and_contacts(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    response = await client.get(f"/api/v1/study/{study_id}", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert body == {
        "title": body["title"],
        "contacts": {
            "principal_investigator": [body["contacts"]["principal_investigator"][0], "Wash U",
                                       body["contacts"]["principal_investigator"][2]],
            "lab_person": [body["contacts"]["lab_person"][0], "knight lab",
                           body["contacts"]["lab_person"][2]],
        },
        "study_abstract": "abstract",
        "study_description": "description",
        "study_alias": body["study_alias"],
    }  # fmt: skip
    assert body["title"].startswith("Study ")


async def test_study_without_lab_person_has_null_contact(
    client: httpx.AsyncClient, services: Services, owner: Caller
) -> None:
    sid = await make_study(services, owner.principal, artifact=False)
    response = await client.get(f"/api/v1/study/{sid}", headers=owner.headers)
    assert response.status_code == 200
    assert response.json()["contacts"]["lab_person"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/study/999",
        "/api/v1/study/0",
        "/api/v1/study/0/status",
        "/api/v1/study/99999999999999999999999/associations",
        "/api/v1/study/9223372036854775808/samples",
    ],
)
async def test_unknown_study_is_404_with_message(
    client: httpx.AsyncClient, owner: Caller, path: str
) -> None:
    response = await client.get(path, headers=owner.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert response.json() == {"message": "Study not found"}


async def test_private_study_of_someone_else_is_404(
    client: httpx.AsyncClient, services: Services, study_id: int
) -> None:
    stranger = await make_caller(services)
    response = await client.get(f"/api/v1/study/{study_id}", headers=stranger.headers)
    assert response.status_code == 404
    assert response.json() == {"message": "Study not found"}


async def test_public_study_of_someone_else_is_readable(
    client: httpx.AsyncClient, services: Services, study_id: int
) -> None:
    await make_artifact(services, study_id, visibility="public")
    stranger = await make_caller(services)
    response = await client.get(f"/api/v1/study/{study_id}/status", headers=stranger.headers)
    assert response.status_code == 200
    assert response.json()["is_public"] is True


@pytest.mark.parametrize("path", ["/api/v1/study/-1", "/api/v1/study/1.5", "/api/v1/study/x",
                                  "/api/v1/study/1/"])  # fmt: skip
async def test_malformed_study_paths_match_no_route(
    client: httpx.AsyncClient, owner: Caller, path: str
) -> None:
    response = await client.get(path, headers=owner.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert (await client.delete(path, headers=owner.headers)).status_code == 405


async def test_no_token_is_the_oauth_400(client: httpx.AsyncClient, study_id: int) -> None:
    response = await client.get(f"/api/v1/study/{study_id}")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Oauth2 error: invalid access token",
    }


async def test_create_study_201_with_defaults(
    client: httpx.AsyncClient, services: Services, owner: Caller, contacts: None
) -> None:
    response = await client.post("/api/v1/study", json=study_body(owner), headers=owner.headers)
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    new_id = response.json()["id"]
    assert response.json() == {"id": new_id}
    async with unit_of_work(services) as ctx:
        study = await ctx.session.get(Study, new_id)
    assert study is not None
    assert study.title == "Soil microbes"
    assert study.owner_id == owner.account.id
    assert (study.mixs_compliant, study.metadata_complete, study.timeseries_type_id) == (
        False,
        False,
        1,
    )
    assert study.notes == "some notes"


async def test_create_study_without_notes_defaults_to_empty(
    client: httpx.AsyncClient, services: Services, owner: Caller, contacts: None
) -> None:
    body = study_body(owner)
    del body["notes"]
    response = await client.post("/api/v1/study", json=body, headers=owner.headers)
    assert response.status_code == 201
    async with unit_of_work(services) as ctx:
        study = await ctx.session.get(Study, response.json()["id"])
    assert study is not None
    assert study.notes == ""


async def _post_study(client: httpx.AsyncClient, caller: Caller, content: Any) -> httpx.Response:
    if isinstance(content, bytes):
        return await client.post("/api/v1/study", content=content, headers=caller.headers)
    return await client.post("/api/v1/study", json=content, headers=caller.headers)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ("not json", 400, "Could not parse body"),
        ("drop title", 400, "Not all required arguments provided"),
        ("drop contacts", 400, "Not all required arguments provided"),
        ("drop lab person", 400, "Not all required arguments provided"),
        ("unknown owner", 403, "Unknown user"),
        ("bad owner email", 403, "Unknown user"),
        ("unknown pi", 403, "Unknown principal investigator"),
        ("unknown lab person", 403, "Unknown lab person"),
    ],
)
async def test_create_study_errors(
    client: httpx.AsyncClient,
    services: Services,
    owner: Caller,
    contacts: None,
    change: str,
    status: int,
    message: str,
) -> None:
    body: Any = study_body(owner)
    if change == "not json":
        body = b"{not json"
    elif change == "drop title":
        del body["title"]
    elif change == "drop contacts":
        del body["contacts"]
    elif change == "drop lab person":
        del body["contacts"]["lab_person"]
    elif change == "unknown owner":
        body["owner"] = "nobody@x.org"
    elif change == "bad owner email":
        body["owner"] = "not an email"
    elif change == "unknown pi":
        body["contacts"]["principal_investigator"] = ["Nobody", "Wash U"]
    elif change == "unknown lab person":
        body["contacts"]["lab_person"] = ["LabDude", "elsewhere"]
    response = await _post_study(client, owner, body)
    assert response.status_code == status
    assert response.headers["content-type"] == JSON
    assert response.json() == {"message": message}
    async with unit_of_work(services) as ctx:
        assert (await ctx.session.execute(select(Study.id))).first() is None


async def test_duplicate_title_is_409(
    client: httpx.AsyncClient, owner: Caller, contacts: None
) -> None:
    assert (await _post_study(client, owner, study_body(owner))).status_code == 201
    again = await _post_study(client, owner, study_body(owner, title="Soil microbes"))
    assert again.status_code == 409
    assert again.json() == {"message": "Study title already exists"}


async def test_users_cannot_create_studies_for_others_but_admins_can(
    client: httpx.AsyncClient, services: Services, owner: Caller, contacts: None
) -> None:
    other = await make_caller(services)
    refused = await _post_study(client, other, study_body(owner))
    assert refused.status_code == 403
    assert "only create studies owned by yourself" in refused.json()["message"]
    admin = await make_caller(services, level="admin")
    assert (await _post_study(client, admin, study_body(owner))).status_code == 201


async def test_create_study_with_trailing_slash_is_not_routed(
    client: httpx.AsyncClient, owner: Caller, contacts: None
) -> None:
    response = await client.post("/api/v1/study/", json=study_body(owner), headers=owner.headers)
    assert response.status_code == 405


async def test_status_lists_preparations_in_id_order(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    empty = await client.get(f"/api/v1/study/{study_id}/status", headers=owner.headers)
    assert empty.status_code == 200
    assert empty.headers["content-type"] == JSON
    assert empty.json() == {
        "is_public": False,
        "has_sample_information": False,
        "sample_information_has_warnings": False,
        "preparations": [],
    }
    await patch(client, owner, study_id, {"a": {"x": "1"}, "b": {"x": "2"}})
    ids = []
    for _ in range(2):
        created = await client.post(
            f"/api/v1/study/{study_id}/preparation?data_type=16S",
            json={"a": {"barcode": "AC"}},
            headers=owner.headers,
        )
        ids.append(created.json()["id"])
    await make_artifact(services, study_id, prep_id=ids[0], root_of_prep=True, visibility="private")
    response = await client.get(f"/api/v1/study/{study_id}/status", headers=owner.headers)
    assert response.json() == {
        "is_public": False,
        "has_sample_information": True,
        "sample_information_has_warnings": False,
        "preparations": [
            {"id": ids[0], "has_artifact": True},
            {"id": ids[1], "has_artifact": False},
        ],
    }


async def test_associations_of_a_study_without_anything(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.get(f"/api/v1/study/{study_id}/associations", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "study_id": study_id,
        "study_sample_metadata_filepath": None,
        "prep_templates": [],
    }


async def test_associations_list_files_preparations_and_artifact_trees(
    client: httpx.AsyncClient, services: Services, owner: Caller, study_id: int
) -> None:
    await patch(client, owner, study_id, {"a": {"x": "1"}})
    await patch(client, owner, study_id, {f"{study_id}.a": {"x": "2"}})
    created = await client.post(
        f"/api/v1/study/{study_id}/preparation?data_type=18S",
        json={"a": {"barcode": "AC"}},
        headers=owner.headers,
    )
    prep_id = created.json()["id"]
    root = await make_artifact(
        services, study_id, prep_id=prep_id, root_of_prep=True, visibility="private"
    )
    response = await client.get(f"/api/v1/study/{study_id}/associations", headers=owner.headers)
    body = response.json()
    templates = services.settings.data_dir.resolve() / "templates"
    sample_file = body["study_sample_metadata_filepath"]
    assert sample_file.startswith(f"{templates}/{study_id}_")
    newest_rows = read_lines(sample_file)
    assert newest_rows == ["sample_name\tqiita_study_id\tx", f"{study_id}.a\t{study_id}\t2"]
    [prep] = body["prep_templates"]
    assert prep["prep_sample_metadata_filepath"].startswith(f"{templates}/{study_id}_prep_")
    assert prep == {
        "prep_id": prep_id,
        "prep_status": "private",
        "prep_sample_metadata_filepath": prep["prep_sample_metadata_filepath"],
        "prep_data_type": "18S",
        "prep_human_filtering": None,
        "prep_artifacts": [
            {
                "artifact_id": root,
                "artifact_status": "private",
                "artifact_parent_ids": None,
                "artifact_basal_id": root,
                "artifact_processing_id": None,
                "artifact_processing_name": None,
                "artifact_processing_arguments": None,
                "artifact_filepaths": None,
            }
        ],
    }
