"""Builders for the analysis tests: studies whose BIOM artifact has a real BIOM file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import biom
import httpx
import numpy as np
from sqlalchemy import select

from db.models import Account, Artifact, ArtifactParent, DataDirectory, StoredFile
from resolvers.context import Services
from tests.builders.callers import Caller, run_graphql
from tests.builders.seeded import BIOM, BIOM_FILE, BIOM_MOUNT, DATA_16S
from tests.builders.study_tree import StudyTree, make_study_tree

Counts = Mapping[str, Mapping[str, int]]
"""Sample name -> {observation id: count}."""

ADD_TO_CART = """mutation($input: CartSelectionInput!) {
  addToCart(input: $input) {
    cart { analysisId isDefault selections { artifactId sampleNames } }
    userErrors { field message code } } }"""

CREATE_ANALYSIS = """mutation($input: CreateAnalysisInput!) {
  createAnalysis(input: $input) {
    analysis { analysisId name isDefault
      selections { artifactId sampleNames }
      artifacts { edges { node { artifactId name dataType visibility
        type { name } files { relpath } } } } }
    userErrors { field message code } } }"""


async def mount_path(services: Services, data_directory_id: int = BIOM_MOUNT) -> Path:
    async with services.sessions() as session:
        mountpoint = (
            await session.execute(
                select(DataDirectory.mountpoint).where(DataDirectory.id == data_directory_id)
            )
        ).scalar_one()
    return services.settings.resolved_data_dir / mountpoint


def write_biom(path: Path, counts: Counts) -> None:
    samples = list(counts)
    observations = sorted({o for row in counts.values() for o in row})
    data = np.array([[counts[s].get(o, 0) for s in samples] for o in observations], dtype=float)
    table = biom.Table(data, observations, samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table.to_json("qiita-gateway tests"))


async def biom_study(
    services: Services, owner: Account, counts_of: Any, *, visibility: str = "private"
) -> StudyTree:
    """A study whose BIOM artifact's file holds `counts_of(sample names)`."""
    tree = await make_study_tree(services, owner, visibility=visibility, samples=3)
    folder = await mount_path(services)
    write_biom(folder / f"{tree.child_artifact_id}/otu_table.biom", counts_of(tree.sample_names))
    return tree


async def second_biom_artifact(services: Services, tree: StudyTree, counts: Counts) -> int:
    """Another BIOM artifact of the tree's preparation (a child of its raw artifact)."""
    async with services.sessions() as session, session.begin():
        artifact = Artifact(
            name="second table",
            artifact_type_id=BIOM,
            data_type_id=DATA_16S,
            visibility="private",
            study_id=tree.study_id,
            prep_id=tree.prep_id,
        )
        session.add(artifact)
        await session.flush()
        session.add(ArtifactParent(artifact_id=artifact.id, parent_id=tree.root_artifact_id))
        session.add(
            StoredFile(
                data_directory_id=BIOM_MOUNT,
                relpath=f"{artifact.id}/second.biom",
                filepath_type_id=BIOM_FILE,
                checksum="1",
                size=1,
                artifact_id=artifact.id,
            )
        )
        artifact_id = artifact.id
    write_biom((await mount_path(services)) / f"{artifact_id}/second.biom", counts)
    return artifact_id


async def add_to_cart(
    client: httpx.AsyncClient, caller: Caller, artifact_id: int, names: list[str] | None = None
) -> dict[str, Any]:
    result = await run_graphql(
        client,
        ADD_TO_CART,
        {"input": {"artifactId": str(artifact_id), "sampleNames": names}},
        caller=caller,
    )
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["addToCart"]
    return payload


async def create_analysis(
    client: httpx.AsyncClient, caller: Caller, name: str = "My analysis", **extra: Any
) -> dict[str, Any]:
    result = await run_graphql(
        client, CREATE_ANALYSIS, {"input": {"name": name, **extra}}, caller=caller
    )
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["createAnalysis"]
    return payload


def read_table(path: Path) -> Any:
    return biom.load_table(str(path))
