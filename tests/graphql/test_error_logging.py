"""Error logging: client errors are answered, not logged; unexpected ones are logged once."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator

import httpx
import pytest
import strawberry

from resolvers.errors import NotFound
from schema.errors import DomainErrorExtension, GatewaySchema
from tests.builders.callers import Callers, error_codes, run_graphql


async def test_client_errors_are_answered_without_an_error_log(
    client: httpx.AsyncClient, callers: Callers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    missing = await run_graphql(
        client,
        "query Study($id: Int!) { study(studyId: $id) { title } }",
        {"id": 987654},
        caller=callers.owner,
    )
    bad_cursor = await run_graphql(
        client,
        "query Page($after: String) { studies(after: $after) { totalCount } }",
        {"after": "zz"},
    )
    unknown_field = await run_graphql(client, "{ study(studyId: 1) { noSuchField } }")
    syntax = await run_graphql(client, "{ study(")

    assert error_codes(missing) == ["NOT_FOUND"]
    assert error_codes(bad_cursor) == ["BAD_USER_INPUT"]
    assert unknown_field["errors"][0]["message"].startswith("Cannot query field 'noSuchField'")
    assert syntax["errors"][0]["message"].startswith("Syntax Error")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@strawberry.type
class _Query:
    @strawberry.field
    def broken(self) -> int | None:
        raise RuntimeError("the disk caught fire")

    @strawberry.field
    def missing(self) -> int | None:
        raise NotFound("Nothing here: 7")


@strawberry.type
class _Subscription:
    @strawberry.subscription
    async def failing(self, unexpected: bool) -> AsyncGenerator[int, None]:
        yield 1
        if unexpected:
            raise RuntimeError("the disk caught fire")
        raise NotFound("Nothing here: 7")


async def test_an_unexpected_error_is_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = GatewaySchema(query=_Query, extensions=[DomainErrorExtension])
    caplog.set_level(logging.INFO)

    result = await schema.execute("query Check { broken missing }")

    assert result.errors is not None
    assert sorted((e.message, (e.extensions or {})["code"]) for e in result.errors) == [
        ("Nothing here: 7", "NOT_FOUND"),
        ("Unexpected error.", "INTERNAL_SERVER_ERROR"),
    ]
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert (record.name, record.levelno) == ("schema.errors", logging.ERROR)
    assert record.getMessage() == "unexpected error in GraphQL operation Check at broken"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.parametrize(
    ("unexpected", "error", "logged"),
    [
        (True, ("Unexpected error.", "INTERNAL_SERVER_ERROR"), 1),
        (False, ("Nothing here: 7", "NOT_FOUND"), 0),
    ],
)
async def test_subscription_errors_are_masked_and_logged_like_the_others(
    caplog: pytest.LogCaptureFixture, unexpected: bool, error: tuple[str, str], logged: int
) -> None:
    schema = GatewaySchema(
        query=_Query, subscription=_Subscription, extensions=[DomainErrorExtension]
    )
    caplog.set_level(logging.INFO)

    stream = await schema.subscribe(
        "subscription Fail($unexpected: Boolean!) { failing(unexpected: $unexpected) }",
        variable_values={"unexpected": unexpected},
    )
    results = [result async for result in stream]

    assert [result.data for result in results] == [{"failing": 1}, None]
    assert [(e.message, (e.extensions or {})["code"]) for e in results[1].errors or []] == [error]
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelno) for r in records] == [("schema.errors", logging.ERROR)] * logged
