"""Editing and deleting preparations, and deleting samples and columns of sample and
preparation information, through GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, PrepSample, PrepTemplate, Sample, SampleTemplate, StoredFile
from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.study_tree import make_study_tree
from tests.graphql.editing_builders import ROLES, caller_for, make_bare_study, payload

UPDATE = """mutation($input: UpdatePreparationInput!) {
  updatePreparation(input: $input) {
    preparation { prepId name investigationType deprecated }
    userErrors { field message code } } }"""
DELETE = """mutation($input: DeletePreparationInput!) {
  deletePreparation(input: $input) {
    deletedPreparationId study { studyId } userErrors { field message code } } }"""
DELETE_SAMPLES = """mutation($input: DeleteSamplesInput!) {
  deleteSamples(input: $input) {
    study { sampleInformation { sampleCount categories } } userErrors { field message code } } }"""
DELETE_COLUMNS = """mutation($input: DeleteSampleColumnsInput!) {
  deleteSampleColumns(input: $input) {
    study { sampleInformation { categories } } userErrors { field message code } } }"""
DELETE_PREP_SAMPLES = """mutation($input: DeletePreparationSamplesInput!) {
  deletePreparationSamples(input: $input) {
    preparation { sampleCount } userErrors { field message code } } }"""
DELETE_PREP_COLUMNS = """mutation($input: DeletePreparationColumnsInput!) {
  deletePreparationColumns(input: $input) {
    preparation { categories } userErrors { field message code } } }"""
FLAGS = "query($id: ID!) { node(id: $id) { ... on Preparation { viewerCanEdit viewerCanDelete } } }"

EDITORS = ("owner", "shared", "admin")


def refused(result: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The user errors of a refused mutation, whose object is null."""
    found = payload(result, name)
    assert [value for key, value in found.items() if key != "userErrors"] == [None] * (
        len(found) - 1
    )
    errors: list[dict[str, Any]] = found["userErrors"]
    return errors


async def _count(services: Services, model: Any, *conditions: Any) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*conditions)
        return int((await session.execute(query)).scalar_one())


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_update_a_preparation(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, shared_with=[callers.shared.account]
    )
    caller = await caller_for(role, callers, services)
    changes = {"prepId": tree.prep_id, "name": "Renamed", "deprecated": True}
    result = await run_graphql(client, UPDATE, {"input": changes}, caller=caller)
    if role in EDITORS:
        assert payload(result, "updatePreparation") == {
            "preparation": {
                "prepId": tree.prep_id,
                "name": "Renamed",
                "investigationType": None,
                "deprecated": True,
            },
            "userErrors": [],
        }
    else:
        assert refused(result, "updatePreparation") == [
            {"field": ["input", "prepId"], "message": "Preparation not found", "code": "NOT_FOUND"}
        ]
    async with services.sessions() as session:
        prep = await session.get(PrepTemplate, tree.prep_id)
    assert prep is not None
    assert (prep.name, prep.deprecated) == (
        ("Renamed", True) if role in EDITORS else ("Prep 1", False)
    )


async def test_update_preparation_investigation_type_and_refusals(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    ok = await run_graphql(
        client,
        UPDATE,
        {"input": {"prepId": tree.prep_id, "investigationType": "Metagenomics"}},
        caller=callers.owner,
    )
    assert payload(ok, "updatePreparation")["preparation"]["investigationType"] == "Metagenomics"
    bad = await run_graphql(
        client,
        UPDATE,
        {"input": {"prepId": tree.prep_id, "name": "ok", "investigationType": "Cooking"}},
        caller=callers.owner,
    )
    [error] = refused(bad, "updatePreparation")
    assert (error["field"], error["code"]) == (["input", "investigationType"], "INVALID")
    empty = await run_graphql(
        client, UPDATE, {"input": {"prepId": tree.prep_id, "name": " "}}, caller=callers.owner
    )
    assert refused(empty, "updatePreparation") == [
        {"field": ["input", "name"], "message": "The name must not be empty.", "code": "REQUIRED"}
    ]
    async with services.sessions() as session:
        prep = await session.get(PrepTemplate, tree.prep_id)
    assert prep is not None
    assert (prep.name, prep.investigation_type) == ("Prep 1", "Metagenomics")


async def test_delete_preparation_removes_rows_then_files(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    bare = await make_bare_study(client, services, callers.owner)
    async with services.sessions() as session:
        files = [
            services.settings.data_dir / "templates" / relpath
            for relpath in (
                await session.execute(
                    select(StoredFile.relpath).where(StoredFile.prep_id == bare.prep_id)
                )
            ).scalars()
        ]
    assert files
    assert all(path.is_file() for path in files)
    ids = await run_graphql(
        client,
        "query($id: Int!) { study(studyId: $id) { preparations { nodes { id } } } }",
        {"id": bare.study_id},
        caller=callers.owner,
    )
    node = ids["data"]["study"]["preparations"]["nodes"][0]["id"]
    flags = await run_graphql(client, FLAGS, {"id": node}, caller=callers.owner)
    assert flags["data"]["node"] == {"viewerCanEdit": True, "viewerCanDelete": True}
    result = await run_graphql(client, DELETE, {"input": {"prepId": node}}, caller=callers.owner)
    assert payload(result, "deletePreparation") == {
        "deletedPreparationId": node,
        "study": {"studyId": bare.study_id},
        "userErrors": [],
    }
    assert await _count(services, PrepTemplate, PrepTemplate.id == bare.prep_id) == 0
    assert await _count(services, PrepSample, PrepSample.prep_id == bare.prep_id) == 0
    assert await _count(services, StoredFile, StoredFile.prep_id == bare.prep_id) == 0
    assert await _count(services, Sample, Sample.study_id == bare.study_id) == 3
    assert not any(path.exists() for path in files)
    assert (
        await _count(
            services,
            AuditEntry,
            AuditEntry.target == "prep_template",
            AuditEntry.target_id == str(bare.prep_id),
            AuditEntry.action == "delete",
            AuditEntry.actor == callers.owner.account.email,
        )
        == 1
    )


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_delete_a_preparation(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    bare = await make_bare_study(client, services, callers.owner, shared_with=callers.shared)
    caller = await caller_for(role, callers, services)
    result = await run_graphql(
        client, DELETE, {"input": {"prepId": str(bare.prep_id)}}, caller=caller
    )
    if role in EDITORS:
        assert payload(result, "deletePreparation")["userErrors"] == []
    else:
        assert refused(result, "deletePreparation") == [
            {"field": ["input", "prepId"], "message": "Preparation not found", "code": "NOT_FOUND"}
        ]
    left = await _count(services, PrepTemplate, PrepTemplate.id == bare.prep_id)
    assert left == (0 if role in EDITORS else 1)


async def test_a_preparation_with_artifacts_is_not_deleted(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    result = await run_graphql(
        client, DELETE, {"input": {"prepId": str(tree.prep_id)}}, caller=callers.admin
    )
    assert refused(result, "deletePreparation") == [
        {
            "field": None,
            "message": f"Preparation {tree.prep_id} cannot be deleted: it has artifacts "
            f"({tree.root_artifact_id}, {tree.child_artifact_id}); delete them first.",
            "code": "NOT_ALLOWED",
        }
    ]
    assert await _count(services, PrepTemplate, PrepTemplate.id == tree.prep_id) == 1


async def test_delete_samples_keeps_those_a_preparation_uses(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    bare = await make_bare_study(client, services, callers.owner)
    first, _, last = bare.sample_names

    async def delete(names: list[str]) -> dict[str, Any]:
        variables = {"input": {"studyId": bare.study_id, "sampleNames": names}}
        return await run_graphql(client, DELETE_SAMPLES, variables, caller=callers.owner)

    used = await delete([first, last])
    assert refused(used, "deleteSamples") == [
        {
            "field": ["input", "sampleNames"],
            "message": f"These samples are used by preparations: {first} "
            f"(preparation {bare.prep_id}).",
            "code": "NOT_ALLOWED",
        }
    ]
    unknown = await delete(["nope"])
    assert refused(unknown, "deleteSamples") == [
        {
            "field": ["input", "sampleNames"],
            "message": "Unknown samples: nope.",
            "code": "NOT_FOUND",
        }
    ]
    files_before = await _count(
        services, StoredFile, StoredFile.sample_template_study_id == bare.study_id
    )
    done = await delete(["S2"])
    assert payload(done, "deleteSamples") == {
        "study": {"sampleInformation": {"sampleCount": 2, "categories": ["env_package", "host"]}},
        "userErrors": [],
    }
    assert await _count(services, Sample, Sample.sample_name == last) == 0
    after = await _count(services, StoredFile, StoredFile.sample_template_study_id == bare.study_id)
    assert after == files_before + 1
    await run_graphql(
        client, DELETE, {"input": {"prepId": str(bare.prep_id)}}, caller=callers.owner
    )
    everything = await delete(list(bare.sample_names[:2]))
    assert refused(everything, "deleteSamples")[0]["code"] == "NOT_ALLOWED"
    assert await _count(services, Sample, Sample.study_id == bare.study_id) == 2


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_delete_sample_columns(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    bare = await make_bare_study(client, services, callers.owner, shared_with=callers.shared)
    caller = await caller_for(role, callers, services)
    variables = {"input": {"studyId": bare.study_id, "columns": ["host"]}}
    result = await run_graphql(client, DELETE_COLUMNS, variables, caller=caller)
    async with services.sessions() as session:
        template = await session.get(SampleTemplate, bare.study_id)
        values = list(
            (
                await session.execute(select(Sample.values).where(Sample.study_id == bare.study_id))
            ).scalars()
        )
    assert template is not None
    if role in EDITORS:
        assert payload(result, "deleteSampleColumns") == {
            "study": {"sampleInformation": {"categories": ["env_package"]}},
            "userErrors": [],
        }
        assert template.columns == ["env_package"]
        assert all("host" not in row for row in values)
    else:
        assert refused(result, "deleteSampleColumns")[0]["code"] == "NOT_FOUND"
        assert "host" in template.columns
        assert all("host" in row for row in values)


async def test_delete_sample_column_must_exist(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    bare = await make_bare_study(client, services, callers.owner)
    variables = {"input": {"studyId": bare.study_id, "columns": ["host", "depth"]}}
    result = await run_graphql(client, DELETE_COLUMNS, variables, caller=callers.owner)
    assert refused(result, "deleteSampleColumns") == [
        {"field": ["input", "columns"], "message": "Unknown columns: depth.", "code": "NOT_FOUND"}
    ]
    nul = {"input": {"studyId": bare.study_id, "columns": ["ho\x00st"]}}
    result = await run_graphql(client, DELETE_COLUMNS, nul, caller=callers.owner)
    assert refused(result, "deleteSampleColumns")[0]["code"] == "INVALID"
    samples = {"input": {"studyId": bare.study_id, "sampleNames": ["S\x00"]}}
    result = await run_graphql(client, DELETE_SAMPLES, samples, caller=callers.owner)
    assert refused(result, "deleteSamples")[0]["code"] == "INVALID"


async def test_preparation_samples_go_only_before_artifacts(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    variables = {"input": {"prepId": str(tree.prep_id), "sampleNames": [tree.sample_names[0]]}}
    blocked = await run_graphql(client, DELETE_PREP_SAMPLES, variables, caller=callers.owner)
    assert refused(blocked, "deletePreparationSamples") == [
        {
            "field": ["input", "sampleNames"],
            "message": f"Preparation {tree.prep_id} has artifacts (root artifact "
            f"{tree.root_artifact_id}): its samples cannot be deleted.",
            "code": "NOT_ALLOWED",
        }
    ]
    bare = await make_bare_study(client, services, callers.owner)
    first, second, _ = bare.sample_names
    one = {"input": {"prepId": str(bare.prep_id), "sampleNames": ["S0"]}}
    done = await run_graphql(client, DELETE_PREP_SAMPLES, one, caller=callers.owner)
    assert payload(done, "deletePreparationSamples") == {
        "preparation": {"sampleCount": 1},
        "userErrors": [],
    }
    last = {"input": {"prepId": str(bare.prep_id), "sampleNames": [second]}}
    everything = await run_graphql(client, DELETE_PREP_SAMPLES, last, caller=callers.owner)
    assert refused(everything, "deletePreparationSamples")[0]["code"] == "NOT_ALLOWED"
    assert await _count(services, PrepSample, PrepSample.prep_id == bare.prep_id) == 1
    assert await _count(services, Sample, Sample.sample_name == first) == 1


async def test_processing_columns_of_a_processed_amplicon_preparation_stay(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    variables = {"input": {"prepId": str(tree.prep_id), "columns": ["barcode"]}}
    blocked = await run_graphql(client, DELETE_PREP_COLUMNS, variables, caller=callers.owner)
    [error] = refused(blocked, "deletePreparationColumns")
    assert (error["field"], error["code"]) == (["input", "columns"], "NOT_ALLOWED")
    assert "barcode cannot be deleted" in error["message"]
    bare = await make_bare_study(client, services, callers.owner)
    free = {"input": {"prepId": str(bare.prep_id), "columns": ["barcode"]}}
    done = await run_graphql(client, DELETE_PREP_COLUMNS, free, caller=callers.shared)
    assert refused(done, "deletePreparationColumns")[0]["code"] == "NOT_FOUND"
    done = await run_graphql(client, DELETE_PREP_COLUMNS, free, caller=callers.owner)
    assert payload(done, "deletePreparationColumns") == {
        "preparation": {"categories": []},
        "userErrors": [],
    }
    async with services.sessions() as session:
        values = (
            await session.execute(
                select(PrepSample.values).where(PrepSample.prep_id == bare.prep_id)
            )
        ).scalars()
        assert all("barcode" not in row for row in values)
