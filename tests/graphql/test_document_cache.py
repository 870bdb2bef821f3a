"""Repeated documents are parsed and validated once, and still refused when invalid."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import graphql
import httpx
import pytest
import strawberry.schema.schema as strawberry_schema

from schema.limits import ValidatedDocuments
from tests.builders.callers import run_graphql


@contextmanager
def counting_validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every full validation graphql-core runs (a library function, not ours)."""
    seen: list[str] = []
    original = strawberry_schema.validate_document

    def counted(schema: graphql.GraphQLSchema, document: graphql.DocumentNode, rules: object):
        seen.append(graphql.print_ast(document))
        return original(schema, document, rules)

    monkeypatch.setattr(strawberry_schema, "validate_document", counted)
    yield seen


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_repeated_query_is_validated_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "query Studies($n: Int!) { studies(first: $n) { totalCount } }"
    with counting_validations(monkeypatch) as validations:
        results = [await run_graphql(client, query, {"n": n}) for n in (1, 2, 3)]
    assert all(result == {"data": {"studies": {"totalCount": 0}}} for result in results)
    assert len(validations) == 1


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_repeated_too_deep_query_is_refused_every_time(
    client: httpx.AsyncClient,
) -> None:
    nested = "artifactId " + "children { nodes { " * 6 + "artifactId" + " } }" * 6
    query = "{ artifact(artifactId: 1) { " + nested + " } }"
    first = await run_graphql(client, query)
    second = await run_graphql(client, query)
    assert first == second
    assert first["data"] is None
    assert first["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 12"


def test_validated_documents_forget_the_least_recently_used() -> None:
    cache = ValidatedDocuments(maxsize=2)
    cache.put("a", [])
    cache.put("b", [])
    assert cache.get("a") == []
    cache.put("c", [])
    assert cache.get("b") is None
    assert cache.get("a") == []
    assert cache.get("c") == []
