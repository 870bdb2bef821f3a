"""64-bit sizes and date-times with their UTC offset, as a frontend reads them."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from db.models import StoredFile
from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.study_tree import make_study_tree

THREE_GB = 3 * 1024**3

FILES = """
query($id: Int!) {
  artifact(artifactId: $id) { generatedAt files { size filename } }
}
"""


async def test_a_3_gb_file_size_round_trips_exactly(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(StoredFile)
            .where(StoredFile.artifact_id == tree.root_artifact_id)
            .values(size=THREE_GB)
        )
    result = await run_graphql(client, FILES, {"id": tree.root_artifact_id}, caller=callers.owner)
    assert "errors" not in result, result
    artifact = result["data"]["artifact"]
    assert artifact["files"] == [{"size": THREE_GB, "filename": "reads_R1.fastq.gz"}]
    assert THREE_GB > 2**31
    assert artifact["generatedAt"].endswith("+00:00")


async def test_a_malformed_date_time_literal_is_the_clients_mistake(
    client: httpx.AsyncClient,
) -> None:
    result = await run_graphql(
        client, '{ jobs(first: 1, where: {createdAfter: "not a date"}) { totalCount } }'
    )
    assert result["errors"][0].get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR"
    assert "DateTime cannot represent" in result["errors"][0]["message"]
