"""Request bodies: size limits, one decoding whatever the Content-Type, hostile bytes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from db.settings import Settings
from tests.api_v1.calls import patch
from tests.builders.callers import Caller

UPLOAD_LIMIT = 4096


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(max_upload_body_bytes=UPLOAD_LIMIT)


def samples_body(size: int) -> bytes:
    """A samples PATCH body of at least `size` bytes."""
    return json.dumps({"a": {"x": "y" * size}}).encode()


async def chunks(body: bytes, size: int = 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_declared_oversized_body_is_413_before_it_is_read(app: Starlette) -> None:
    received = []
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
        "query_string": b"", "server": ("testserver", 80), "client": ("127.0.0.1", 1234),
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(50 * 1024 * 1024).encode())],
    }  # fmt: skip
    await app(scope, receive, send)
    assert received == []
    assert sent[0]["status"] == 413
    message = json.loads(sent[1]["body"])["errors"][0]  # type: ignore[arg-type]
    assert "larger than" in message["message"]
    assert message["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_oversized_metadata_patch_is_413_and_stores_nothing(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await patch(client, owner, study_id, {"a": {"x": "y" * UPLOAD_LIMIT}})
    assert response.status_code == 413
    assert "larger than the 4096 bytes" in response.json()["message"]
    listed = await client.get(f"/api/v1/study/{study_id}/samples", headers=owner.headers)
    assert listed.json() == []


async def test_chunked_body_is_counted_while_it_streams(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    url = f"/api/v1/study/{study_id}/samples"
    response = await client.patch(
        url, content=chunks(samples_body(UPLOAD_LIMIT)), headers=owner.headers
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    small = await client.patch(url, content=chunks(samples_body(100)), headers=owner.headers)
    assert small.status_code == 201


async def test_graphql_body_over_one_mebibyte_is_413(client: httpx.AsyncClient) -> None:
    query = "{ __typename }" + " " * (1024 * 1024)
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_token_endpoint_body_over_one_mebibyte_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/qiita_db/authenticate/", data={"grant_type": "password", "password": "x" * 2**20}
    )
    assert response.status_code == 413
    assert response.json()["message"]


async def test_non_numeric_content_length_is_400(app: Starlette) -> None:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
        "query_string": b"", "server": ("testserver", 80), "client": ("127.0.0.1", 1234),
        "headers": [(b"content-length", b"12x")],
    }  # fmt: skip
    await app(scope, receive, send)
    assert sent[0]["status"] == 400


FORM = "application/x-www-form-urlencoded"


async def test_json_preparation_with_a_form_content_type_is_created(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    assert (await patch(client, owner, study_id, {"s1": {"ph": "7"}})).status_code == 201
    response = await client.post(
        f"/api/v1/study/{study_id}/preparation?data_type=16S",
        content=json.dumps({"s1": {"barcode": "AC"}}).encode(),
        headers={**owner.headers, "content-type": FORM},
    )
    assert response.status_code == 201, response.text
    assert isinstance(response.json()["id"], int)


async def test_json_preparation_with_a_multipart_content_type_is_400_with_a_message(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.post(
        f"/api/v1/study/{study_id}/preparation?data_type=16S",
        content=json.dumps({"s1": {"barcode": "AC"}}).encode(),
        headers={**owner.headers, "content-type": "multipart/form-data"},
    )
    assert response.status_code == 400
    assert response.json()["message"]


async def test_json_samples_with_a_form_content_type_are_stored(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await client.patch(
        f"/api/v1/study/{study_id}/samples",
        content=json.dumps({"a": {"x": "1"}}).encode(),
        headers={**owner.headers, "content-type": FORM},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [b'{"a": {"x": "\xff\xfe"}}', b"[" * 1000 + b"]" * 1000, b'{"a":' * 600 + b"1" + b"}" * 600],
    ids=["invalid-utf8", "deep-list", "deep-object"],
)
async def test_hostile_json_bodies_are_4xx_with_a_message(
    client: httpx.AsyncClient, owner: Caller, study_id: int, body: bytes
) -> None:
    for method, url in [
        ("PATCH", f"/api/v1/study/{study_id}/samples"),
        ("POST", f"/api/v1/study/{study_id}/preparation?data_type=16S"),
        ("POST", f"/api/v1/study/{study_id}/samples/status"),
        ("POST", "/api/v1/study"),
    ]:
        response = await client.request(method, url, content=body, headers=owner.headers)
        assert 400 <= response.status_code < 500, (method, url, response.text)
        assert response.json()["message"]


async def test_chunked_graphql_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    body = json.dumps({"query": "{ __typename }" + " " * (1024 * 1024)}).encode()
    response = await client.post(
        "/graphql", content=chunks(body, 64 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_chunked_token_request_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    body = b"grant_type=password&password=" + b"x" * (1024 * 1024)
    response = await client.post(
        "/qiita_db/authenticate/",
        content=chunks(body, 64 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.json()["message"]
