"""The app skeleton answers health checks and a first GraphQL query."""

from __future__ import annotations

import httpx


async def test_healthz_reports_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_studies_query_on_empty_database(client: httpx.AsyncClient) -> None:
    query = "query { studies(first: 5) { totalCount nodes { studyId title } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    assert response.json() == {"data": {"studies": {"totalCount": 0, "nodes": []}}}
