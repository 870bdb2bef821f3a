"""Query limits: page cap, cost budget (refused before any SQL), depth, aliases, introspection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.study_tree import make_study_tree
from tests.graphql.test_statements import counting_statements


async def test_page_over_the_cap_is_refused_before_any_sql(
    client: httpx.AsyncClient, services: Services
) -> None:
    query = "query($n: Int!) { studies(first: $n) { totalCount } }"
    with counting_statements(services) as statements:
        result = await run_graphql(client, query, {"n": 101})
    assert statements == []
    assert result["data"] is None
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == (
        "Page size 101 of `studies` is not allowed: ask for 0 to 100 objects "
        "and follow the cursors."
    )
    assert "cost" not in result.get("extensions", {})


async def test_page_at_the_cap_and_default_size_are_served(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    for _ in range(3):
        await make_study_tree(services, callers.owner.account, samples=1)
    capped = await run_graphql(
        client, "{ studies(first: 100) { nodes { studyId } } }", caller=callers.owner
    )
    assert len(capped["data"]["studies"]["nodes"]) == 3
    nested = await run_graphql(
        client,
        "{ studies { nodes { samples(last: 1) { nodes { sampleName } } } } }",
        caller=callers.owner,
    )
    assert "errors" not in nested


async def test_cost_over_budget_is_refused_before_any_sql_and_reported(
    client: httpx.AsyncClient, services: Services
) -> None:
    query = """{ studies(first: 100) { nodes { preparations { nodes { artifacts {
        children { nodes { children { nodes { jobs { nodes { outputs { artifactId }
        } } } } } } } } } } } }"""
    with counting_statements(services) as statements:
        result = await run_graphql(client, query)
    assert statements == []
    assert result["data"] is None
    assert error_codes(result) == ["QUERY_TOO_COSTLY"]
    cost = result["extensions"]["cost"]
    assert cost["limit"] == 50000
    assert cost["requested"] > 50000
    assert result["errors"][0]["message"] == (
        f"Query cost {cost['requested']} is over the budget of 50000: ask for smaller pages "
        "(first/last) or fewer nested lists."
    )


async def test_cost_is_reported_when_asked(client: httpx.AsyncClient) -> None:
    query = "{ studies(first: 10) { nodes { studyId owner { email } } } }"
    result = await run_graphql(client, query, extensions={"cost": True})
    # the connection (1), up to 10 studies and their 10 owners
    assert result["extensions"] == {"cost": {"requested": 21, "limit": 50000}}
    plain = await run_graphql(client, query)
    assert "extensions" not in plain


async def test_depth_limit(client: httpx.AsyncClient) -> None:
    nested = "artifactId " + "children { nodes { " * 6 + "artifactId" + " } }" * 6
    result = await run_graphql(client, "{ artifact(artifactId: 1) { " + nested + " } }")
    assert result["data"] is None
    assert result["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 12"


async def test_alias_limit(client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{i}: dataTypes" for i in range(31))
    result = await run_graphql(client, "{ " + aliases + " }")
    assert result["data"] is None
    assert "aliases" in result["errors"][0]["message"]


@pytest.fixture
async def locked_down(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.replace(introspection=False, production=True))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_introspection_off_and_no_field_suggestions_in_production(
    locked_down: httpx.AsyncClient,
) -> None:
    result = await run_graphql(locked_down, "{ __schema { queryType { name } } }")
    assert result["data"] is None
    assert result["errors"][0]["message"] == (
        "GraphQL introspection has been disabled, but the requested query contained "
        "the field '__schema'."
    )
    typo = await run_graphql(locked_down, "{ studys { totalCount } }")
    assert typo["errors"][0]["message"] == "Cannot query field 'studys' on type 'Query'."


async def test_introspection_on_by_default_with_suggestions(client: httpx.AsyncClient) -> None:
    result = await run_graphql(client, "{ __schema { queryType { name } } }")
    assert result == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    typo = await run_graphql(client, "{ studys { totalCount } }")
    assert typo["errors"][0]["message"] == (
        "Cannot query field 'studys' on type 'Query'. Did you mean 'study' or 'studies'?"
    )


async def test_a_declared_page_size_variable_left_out_means_the_default_size(
    client: httpx.AsyncClient,
) -> None:
    query = "query($first: Int) { studies(first: $first) { totalCount } }"
    result = await run_graphql(client, query, {})
    assert result == {"data": {"studies": {"totalCount": 0}}}
