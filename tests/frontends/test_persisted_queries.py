"""Automatic Persisted Queries (Apollo Client / urql protocol), the allow-list, the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from db.models import PersistedQuery
from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from resolvers.persisted_queries import store_document
from tests.builders.accounts import make_user, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.cli.test_cli import run_cli, session_for
from tests.frontends.client_for import ClientFor
from tests.graphql_transport.live_server import serve
from tests.graphql_transport.ws import bearer_payload, graphql_socket, receive, subscribe

QUERY = "query Probe { __typename }"
PRINTED = "query Probe {\n  __typename\n}"
"""QUERY as `graphql persist` stores it: printed like graphql-js `print`."""


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}


NOT_FOUND = {
    "data": None,
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ],
}
NOT_IN_LIST = {
    "data": None,
    "errors": [
        {
            "message": "PersistedQueryNotInList",
            "extensions": {"code": "PERSISTED_QUERY_NOT_IN_LIST"},
        }
    ],
}


async def stored_count(services: Services) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PersistedQuery)) or 0)


async def test_miss_register_then_hit_by_post_and_get(
    client: httpx.AsyncClient, services: Services
) -> None:
    miss = await client.post("/graphql", json={"extensions": persisted(QUERY)})
    assert miss.status_code == 200
    assert miss.json() == NOT_FOUND

    registered = await client.post(
        "/graphql", json={"query": QUERY, "extensions": persisted(QUERY)}
    )
    assert registered.json() == {"data": {"__typename": "Query"}}
    assert await stored_count(services) == 1

    hit = await client.post("/graphql", json={"extensions": persisted(QUERY)})
    assert hit.json() == {"data": {"__typename": "Query"}}
    get_hit = await client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(QUERY)), "operationName": "Probe"},
        headers={"accept": "application/json"},
    )
    assert get_hit.status_code == 200
    assert get_hit.json() == {"data": {"__typename": "Query"}}


async def test_get_with_a_hash_of_a_mutation_is_405(
    client: httpx.AsyncClient, services: Services
) -> None:
    mutation = "mutation Change { __typename }"
    await client.post("/graphql", json={"query": mutation, "extensions": persisted(mutation)})
    response = await client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(mutation))},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 405


async def test_a_hash_that_does_not_match_the_query_is_refused_and_not_stored(
    client: httpx.AsyncClient, services: Services
) -> None:
    response = await client.post(
        "/graphql", json={"query": QUERY, "extensions": persisted("{ other }")}
    )
    assert response.json()["errors"][0]["message"] == "provided sha does not match query"
    assert "data" not in response.json() or response.json()["data"] is None
    assert await stored_count(services) == 0


async def test_an_invalid_document_is_not_stored(
    client: httpx.AsyncClient, services: Services
) -> None:
    bad = "query Bad { noSuchField }"
    response = await client.post("/graphql", json={"query": bad, "extensions": persisted(bad)})
    assert "noSuchField" in response.json()["errors"][0]["message"]
    assert await stored_count(services) == 0


async def test_unsupported_version_is_an_error(client: httpx.AsyncClient) -> None:
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": sha(QUERY)}}
    response = await client.post("/graphql", json={"extensions": extensions})
    assert "version" in response.json()["errors"][0]["message"]


async def test_allow_list_refuses_unregistered_documents(
    client_for: ClientFor, settings: Settings, tmp_path: Path
) -> None:
    async with client_for(persisted_queries_only=True) as http:
        plain = await http.post("/graphql", json={"query": QUERY})
        assert plain.json() == NOT_IN_LIST
        with_hash = await http.post(
            "/graphql", json={"query": QUERY, "extensions": persisted(QUERY)}
        )
        assert with_hash.json() == NOT_IN_LIST
        by_hash = await http.post("/graphql", json={"extensions": persisted(QUERY)})
        assert by_hash.json() == NOT_IN_LIST

    document = tmp_path / "probe.graphql"
    document.write_text(QUERY + "\n")
    result = run_cli(
        "graphql", "persist", str(document),
        data_dir=settings.data_dir, database_url=settings.database_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == sha(PRINTED)

    async with client_for(persisted_queries_only=True) as http:
        by_hash = await http.post("/graphql", json={"extensions": persisted(PRINTED)})
        assert by_hash.json() == {"data": {"__typename": "Query"}}
        plain = await http.post("/graphql", json={"query": PRINTED})
        assert plain.json() == {"data": {"__typename": "Query"}}


async def test_persist_cli_registers_each_operation_with_its_fragments(
    settings: Settings, tmp_path: Path
) -> None:
    frontend = tmp_path / "frontend.graphql"
    frontend.write_text(
        "fragment StudyBits on Study { studyId title }\n"
        "query Studies { studies(first: 5) { nodes { ...StudyBits } } }\n"
        "query Viewer { viewer { email } }\n"
    )
    result = run_cli(
        "graphql", "persist", str(frontend),
        data_dir=settings.data_dir, database_url=settings.database_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    studies = (
        "query Studies {\n  studies(first: 5) {\n    nodes {\n      ...StudyBits\n    }\n  }\n}"
        "\n\nfragment StudyBits on Study {\n  studyId\n  title\n}"
    )
    viewer = "query Viewer {\n  viewer {\n    email\n  }\n}"
    lines = result.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        [sha(studies), "Studies", "registered"],
        [sha(viewer), "Viewer", "registered"],
    ]
    async with session_for(settings) as session:
        rows = dict(
            (await session.execute(select(PersistedQuery.sha256, PersistedQuery.document))).all()
        )
    assert rows == {sha(studies): studies, sha(viewer): viewer}

    again = run_cli(
        "graphql", "persist", str(frontend),
        data_dir=settings.data_dir, database_url=settings.database_url,
    )  # fmt: skip
    assert "already registered" in again.stdout


async def test_persist_cli_refuses_an_invalid_file_and_stores_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    good = tmp_path / "good.graphql"
    good.write_text(QUERY)
    bad = tmp_path / "bad.graphql"
    bad.write_text("query Bad { noSuchField }")
    result = run_cli(
        "graphql", "persist", str(good), str(bad),
        data_dir=settings.data_dir, database_url=settings.database_url,
    )  # fmt: skip
    assert result.returncode == 2
    assert "bad.graphql:1: Cannot query field 'noSuchField'" in result.stderr
    assert "Traceback" not in result.stderr
    async with session_for(settings) as session:
        assert await session.scalar(select(func.count()).select_from(PersistedQuery)) == 0


async def test_sockets_follow_the_allow_list_and_accept_hashes(settings: Settings) -> None:
    subscription = "subscription Follow($jobId: String!) { jobUpdated(jobId: $jobId) { status } }"
    async with serve(create_app(settings.replace(persisted_queries_only=True))) as live:
        user = await make_user(live.services)
        token = await token_for(live.services, "user", account=user)
        command_id = await make_command(live.services)
        job_id = (await make_job(live.services, command_id, user.id)).id
        variables = {"jobId": job_id}
        async with graphql_socket(live, bearer_payload(token)) as ws:
            await subscribe(ws, "1", subscription, variables)
            refused = await receive(ws)
            assert refused["type"] == "error"
            assert refused["payload"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_IN_LIST"}

            await store_document(live.services, subscription)
            message = {
                "variables": variables,
                "extensions": persisted(subscription),
            }
            await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": message}))
            first = await receive(ws)
            assert first == {
                "id": "2",
                "type": "next",
                "payload": {"data": {"jobUpdated": {"status": "QUEUED"}}},
            }


async def test_a_miss_is_a_400_for_graphql_response_json_clients(
    client: httpx.AsyncClient,
) -> None:
    miss = await client.post(
        "/graphql",
        json={"extensions": persisted(QUERY)},
        headers={"accept": "application/graphql-response+json"},
    )
    assert miss.status_code == 400
    assert miss.json() == {"errors": NOT_FOUND["errors"]}
