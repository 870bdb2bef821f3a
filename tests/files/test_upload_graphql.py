"""`Study.uploads` and `deleteUpload`: who sent which file, and removing it."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.callers import run_graphql
from tests.builders.studies import make_study
from tests.files.uploads import TUS, UploadWorld, metadata

UPLOADS = """query($id: Int!) { study(studyId: $id) {
  uploads { name size uploadedAt uploadedBy { email } } } }"""
DELETE = """mutation($input: DeleteUploadInput!) {
  deleteUpload(input: $input) { deletedName userErrors { field message code } } }"""


async def test_uploads_are_listed_and_deleted(
    client: httpx.AsyncClient, upload_world: UploadWorld
) -> None:
    owner = upload_world.owner
    created = await client.post(
        "/uploads/",
        headers={
            **TUS,
            **bearer(owner.token),
            "Upload-Length": "0",
            "Upload-Metadata": metadata(study_id=str(upload_world.study_id), filename="é.tsv"),
        },
    )
    assert created.status_code == 201
    (upload_world.upload_folder / "by_hand.txt").write_text("hello")

    result = await run_graphql(client, UPLOADS, {"id": upload_world.study_id}, caller=owner)
    listed = result["data"]["study"]["uploads"]
    assert [(f["name"], f["size"]) for f in listed] == [("by_hand.txt", 5), ("é.tsv", 0)]
    assert listed[0]["uploadedBy"] is None
    assert listed[1]["uploadedBy"] == {"email": owner.account.email}

    escape = await run_graphql(
        client,
        DELETE,
        {"input": {"studyId": upload_world.study_id, "name": "../../qiita.sqlite"}},
        caller=owner,
    )
    assert escape["data"]["deleteUpload"]["userErrors"][0]["field"] == ["input", "name"]
    deleted = await run_graphql(
        client,
        DELETE,
        {"input": {"studyId": upload_world.study_id, "name": "é.tsv"}},
        caller=owner,
    )
    assert deleted["data"]["deleteUpload"] == {"deletedName": "é.tsv", "userErrors": []}
    assert not (upload_world.upload_folder / "é.tsv").exists()


async def test_outsiders_see_no_uploads(
    client: httpx.AsyncClient, upload_world: UploadWorld, services: Services
) -> None:
    public_study = await make_study(services, upload_world.owner.account, public=True)
    seen = await run_graphql(client, UPLOADS, {"id": public_study}, caller=upload_world.other)
    assert "errors" not in seen
    assert seen["data"]["study"] == {"uploads": None}
    (upload_world.upload_folder).mkdir(parents=True)
    (upload_world.upload_folder / "secret.txt").write_text("x")
    result = await run_graphql(
        client,
        DELETE,
        {"input": {"studyId": upload_world.study_id, "name": "secret.txt"}},
        caller=upload_world.other,
    )
    assert result["data"]["deleteUpload"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (upload_world.upload_folder / "secret.txt").exists()
