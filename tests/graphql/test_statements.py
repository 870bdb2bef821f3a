"""No N+1: a nested query costs as many SQL statements for 100 studies as for 1.

Each loader appears at one depth of the query: a loader used at two depths may or may not
merge its two batches depending on scheduling, which moves the count by one either way
(never with the number of rows), and would make an exact comparison flaky.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from db.settings import Settings
from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.study_tree import make_study_tree

NESTED = """
query($first: Int!) {
  studies(first: $first) {
    totalCount
    nodes {
      studyId title status viewerCanEdit
      owner { email } principalInvestigator { name } labPerson { name }
      publications { publication } tags environmentalPackages sharedWith { email }
      sampleInformation { categories sampleCount }
      samples(first: 2, where: {category: "env_package", value: "soil"}) {
        totalCount nodes { sampleName values(categories: ["host"]) { category value } }
      }
      preparations { nodes {
        prepId dataType status sampleCount
        samples(first: 1) { nodes { sampleName } }
        artifact {
          artifactId type { name filepathTypes { required filepathType { name } } }
          files { filename }
          jobs { nodes {
            jobId status inputs { artifactId }
            outputs { artifactId visibility parents { artifactId } }
          } }
          children { nodes {
            artifactId
            producedBy { jobId validators { jobId } }
            command {
              name
              plugin { name commands { name parameters { name } outputs { name } } }
            }
          } }
        }
      } }
    }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A budget large enough for the deliberately wide query below; tokens checked once."""
    return settings.replace(max_query_cost=100_000_000, token_cache_seconds=3600.0)


@contextmanager
def counting_statements(services: Services) -> Iterator[list[str]]:
    engine = services.sessions.kw["bind"].sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_nested_query_statement_count_does_not_grow_with_rows(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    owner = callers.owner

    async def count() -> int:
        with counting_statements(services) as statements:
            result = await run_graphql(client, NESTED, {"first": 100}, caller=owner)
        assert "errors" not in result, result
        return len(statements)

    await make_study_tree(services, owner.account, command_id=plugin.command_id, samples=3)
    await count()  # warms the pool, the dialect caches and the token cache
    one = await count()
    for _ in range(99):
        await make_study_tree(services, owner.account, command_id=plugin.command_id, samples=3)
    await count()
    hundred = await count()
    result = await run_graphql(client, NESTED, {"first": 100}, caller=owner)
    assert result["data"]["studies"]["totalCount"] == 100
    assert len(result["data"]["studies"]["nodes"]) == 100
    assert one == hundred
