"""Bad input anywhere is a 4xx with a message, never a 500 (decisions.md)."""

from __future__ import annotations

import json

import httpx

from resolvers.context import Services
from tests.builders.accounts import bearer, make_user, token_for
from tests.builders.world import World, make_world_job

GARBAGE = ["", "x", "%00", "1/2", "-1", "99999999999999999999", "null", "{", "[]", "é", "..",
           "%2E%2E"]  # fmt: skip
CAPTURING_ROUTES = [
    "/qiita_db/jobs/{g}", "/qiita_db/jobs/{g}/heartbeat/", "/qiita_db/jobs/{g}/step/",
    "/qiita_db/jobs/{g}/complete/", "/qiita_db/artifacts/{g}/", "/qiita_db/user/{g}/data/",
    "/qiita_db/sample_information/{g}/data/", "/qiita_db/prep_template/{g}/data/",
    "/qiita_db/prep_template/{g}/", "/qiita_db/references/{g}/",
    "/qiita_db/plugins/{g}/{g}/commands/{g}/activate/", "/qiita_db/plugins/{g}/{g}/commands/{g}/",
    "/qiita_db/plugins/{g}/{g}/commands/", "/qiita_db/plugins/{g}/{g}/",
    "/qiita_db/analysis/{g}/metadata/", "/qiita_db/studies/{g}",
    "/cloud/fetch_file_from_central/{g}",
]  # fmt: skip
FORM_ROUTES = [
    "/qiita_db/artifacts/types/", "/qiita_db/artifact/", "/qiita_db/prep_template/",
    "/qiita_db/archive/observations/", "/apitest/processing_job/", "/apitest/artifact/",
    "/apitest/prep_template/", "/cloud/push_file_to_central/",
]  # fmt: skip
FIELDS = [
    "op", "path", "value", "job_id", "features", "prep_info", "study", "data_type", "name",
    "description", "required_parameters", "optional_parameters", "default_parameter_sets",
    "type_name", "can_be_submitted_to_ebi", "can_be_submitted_to_vamps", "is_user_uploadable",
    "filepath_types", "user_email", "artifact_type", "files", "prep_id", "command",
    "parameters", "user", "filepaths", "type", "prep", "parents", "status",
]  # fmt: skip


async def test_garbage_ids_and_fields_never_give_a_500(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = bearer(world.system_token)
    failures = []
    for template in CAPTURING_ROUTES:
        for garbage in GARBAGE:
            path = template.replace("{g}", garbage)
            for method in ("GET", "POST", "PATCH"):
                for body in (None, dict.fromkeys(FIELDS, garbage)):
                    response = await client.request(method, path, data=body, headers=headers)
                    if response.status_code >= 500:
                        failures.append((method, path, response.status_code, response.text))
    for path in FORM_ROUTES:
        for garbage in GARBAGE:
            for method in ("POST", "PATCH"):
                body = dict.fromkeys(FIELDS, garbage)
                response = await client.request(method, path, data=body, headers=headers)
                if response.status_code >= 500:
                    failures.append((method, path, response.status_code, response.text))
    assert failures == []


async def test_raw_json_bodies_with_nul_characters_are_400(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    headers = bearer(world.deblur.token)
    for suffix, body in [
        ("step/", {"step": "a\u0000b"}),
        ("complete/", {"success": False, "error": "a\u0000b", "artifacts": None}),
    ]:
        response = await client.post(
            f"/qiita_db/jobs/{job_id}/{suffix}", content=json.dumps(body).encode(),
            headers=headers,
        )  # fmt: skip
        assert response.status_code == 400
        assert response.json() == {"message": "The request body must not contain NUL characters"}


API_V1_ROUTES = [
    "/api/v1/study", "/api/v1/study/{g}", "/api/v1/study/{g}/associations",
    "/api/v1/study/{g}/samples", "/api/v1/study/{g}/samples/categories={g}",
    "/api/v1/study/{g}/samples?categories={g}", "/api/v1/study/{g}/samples/status",
    "/api/v1/study/{g}/sample/{g}/status", "/api/v1/study/{g}/samples/info",
    "/api/v1/person?name={g}&affiliation={g}", "/api/v1/study/{g}/preparation?data_type={g}",
    "/api/v1/study/{g}/preparation/{g}/artifact", "/api/v1/study/{g}/status",
]  # fmt: skip
GARBAGE_BODIES: list[tuple[bytes, str | None]] = [
    (b"", None), (b"\xff\xfe\x00", None), (b"{", "application/json"), (b"[" * 2000, None),
    (b'{"a": ' * 900 + b"1" + b"}" * 900, None), (b'{"a": {"x": "\x00"}}', None),
    (b"null", None), (b"[1, 2]", None), (b'{"99999999999999999999999": {"x": 1}}', None),
    (b"a=1&b=%ff", "application/x-www-form-urlencoded"), (b"--x\r\n", "multipart/form-data"),
    (b"--x\r\n", "multipart/form-data; boundary=x"),
]  # fmt: skip


async def test_garbage_on_api_v1_never_gives_a_500(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    user = await make_user(services)
    headers = bearer(await token_for(services, "user", account=user))
    failures = []
    for template in API_V1_ROUTES:
        for garbage in [*GARBAGE, "1", "99999999999999999999999"]:
            path = template.replace("{g}", garbage)
            for method in ("GET", "POST", "PATCH"):
                for body, content_type in GARBAGE_BODIES[:: 1 if method == "PATCH" else 4]:
                    extra = {"content-type": content_type} if content_type else {}
                    response = await client.request(
                        method, path, content=body, headers={**headers, **extra}
                    )
                    if response.status_code >= 500:
                        failures.append((method, path, body[:20], response.status_code))
    assert failures == []


async def test_garbage_on_graphql_never_gives_a_500(client: httpx.AsyncClient) -> None:
    failures = []
    node = b'{"query": "{ node(id: \\"\\u00ff\\") { id } }"}'
    for body, content_type in [*GARBAGE_BODIES, (b'{"query": 1}', None), (node, None)]:
        for accept in ("application/json", "application/graphql-response+json"):
            headers = {"content-type": content_type or "application/json", "accept": accept}
            response = await client.post("/graphql", content=body, headers=headers)
            if response.status_code >= 500 or not response.json().get("errors"):
                failures.append((body[:20], response.status_code, response.text[:200]))
    for garbage in [*GARBAGE, "[" * 2000, "%ff"]:
        for name in ("query", "variables", "operationName", "extensions"):
            params = {"query": "{ __typename }", name: garbage}
            response = await client.get("/graphql", params=params)
            if response.status_code >= 500:
                failures.append((name, garbage[:20], response.status_code, response.text[:200]))
    assert failures == []
