"""Builders for the editing and deletion tests: a study made through GraphQL (so that its
sample and preparation information files exist on disk), callers of every kind, and the
files a study's rows name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import or_, select

from db.models import DataDirectory, PrepTemplate, StoredFile
from resolvers.context import Services
from tests.builders.accounts import unique
from tests.builders.callers import Caller, Callers, SignedInCaller, make_caller, run_graphql
from tests.builders.studies import make_person

CREATE_STUDY = """mutation($input: CreateStudyInput!) {
  createStudy(input: $input) { study { studyId } userErrors { message } } }"""
UPDATE_SAMPLES = """mutation($input: UpdateSampleMetadataInput!) {
  updateSampleMetadata(input: $input) { userErrors { message } } }"""
CREATE_PREP = """mutation($input: CreatePreparationInput!) {
  createPreparation(input: $input) { preparation { prepId } userErrors { message } } }"""
SHARE = """mutation($input: ShareStudyInput!) {
  shareStudy(input: $input) { userErrors { message } } }"""

ROLES = ("owner", "shared", "other", "guest", "admin", "anonymous")


@dataclass(frozen=True)
class BareStudy:
    study_id: int
    prep_id: int
    sample_names: tuple[str, ...]


async def caller_for(role: str, callers: Callers, services: Services) -> Caller:
    """The caller of a role of the authorization matrix (a guest is made on demand)."""
    if role == "guest":
        return await make_caller(services, "guest")
    found: Caller = getattr(callers, role)
    return found


async def make_bare_study(
    client: httpx.AsyncClient,
    services: Services,
    owner: SignedInCaller,
    *,
    shared_with: SignedInCaller | None = None,
    samples: int = 3,
    prep_samples: int = 2,
) -> BareStudy:
    """A study without artifacts, made through GraphQL: sample information with `samples`
    samples (columns `env_package`, `host`) and one 16S preparation of the first
    `prep_samples` of them (column `barcode`)."""
    pi = unique("PI ")
    await make_person(services, name=pi)
    contact = {"name": pi, "affiliation": "Example Lab"}
    made = await run_graphql(
        client,
        CREATE_STUDY,
        {
            "input": {
                "title": unique("Bare study "),
                "abstract": "abstract",
                "description": "description",
                "alias": "bare",
                "ownerEmail": owner.account.email,
                "principalInvestigator": contact,
                "labPerson": contact,
            }
        },
        caller=owner,
    )
    study_id = made["data"]["createStudy"]["study"]["studyId"]
    names = [f"S{index}" for index in range(samples)]
    table = {
        name: {"env_package": "soil" if i % 2 else "water", "host": f"Host {i}"}
        for i, name in enumerate(names)
    }
    updated = await run_graphql(
        client, UPDATE_SAMPLES, {"input": {"studyId": study_id, "samples": table}}, caller=owner
    )
    assert updated["data"]["updateSampleMetadata"]["userErrors"] == []
    prep_table = {name: {"barcode": f"ACGT{i}"} for i, name in enumerate(names[:prep_samples])}
    prep = await run_graphql(
        client,
        CREATE_PREP,
        {"input": {"studyId": study_id, "dataType": "16S", "metadata": prep_table}},
        caller=owner,
    )
    assert prep["data"]["createPreparation"]["userErrors"] == []
    if shared_with is not None:
        email = shared_with.account.email
        await run_graphql(
            client, SHARE, {"input": {"studyId": study_id, "email": email}}, caller=owner
        )
    return BareStudy(
        study_id=study_id,
        prep_id=prep["data"]["createPreparation"]["preparation"]["prepId"],
        sample_names=tuple(f"{study_id}.{name}" for name in names),
    )


async def information_files(services: Services, study_id: int) -> list[Path]:
    """The files of the study's sample and preparation information rows."""
    preps = select(PrepTemplate.id).where(PrepTemplate.study_id == study_id)
    query = (
        select(DataDirectory.mountpoint, StoredFile.relpath)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(or_(StoredFile.sample_template_study_id == study_id, StoredFile.prep_id.in_(preps)))
    )
    async with services.sessions() as session:
        rows = (await session.execute(query)).all()
    return [services.settings.data_dir / mountpoint / relpath for mountpoint, relpath in rows]


def payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The mutation's payload; fails with the errors when there is none."""
    assert result.get("data"), result
    assert result["data"][name] is not None, result
    found: dict[str, Any] = result["data"][name]
    return found


async def write_artifact_files(services: Services, artifact_id: int) -> list[Path]:
    """Put a small file on disk for each file row of the artifact; their paths."""
    query = (
        select(DataDirectory.mountpoint, StoredFile.relpath)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(StoredFile.artifact_id == artifact_id)
    )
    async with services.sessions() as session:
        rows = (await session.execute(query)).all()
    paths = []
    for mountpoint, relpath in rows:
        path = services.settings.data_dir / mountpoint / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"data of " + relpath.encode())
        paths.append(path)
    return paths
