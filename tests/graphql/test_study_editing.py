"""Editing and deleting a study through GraphQL: every field, who may, what refuses, what
is left after."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from db.models import (
    Account,
    AuditEntry,
    PrepSample,
    PrepTemplate,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
    StudyTag,
)
from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.studies import make_person
from tests.builders.study_tree import make_study_tree
from tests.graphql.editing_builders import (
    ROLES,
    caller_for,
    information_files,
    make_bare_study,
    payload,
)

UPDATE = """mutation($input: UpdateStudyInput!) {
  updateStudy(input: $input) {
    study { studyId title alias description abstract notes funding vampsId metadataComplete
      mixsCompliant spatialSeries publicRawDownload principalInvestigator { name }
      labPerson { name } publications { publication isDoi } environmentalPackages tags
      timeseriesTypeId }
    userErrors { field message code } } }"""
DELETE = """mutation($input: DeleteStudyInput!) {
  deleteStudy(input: $input) { deletedStudyId studyId userErrors { field message code } } }"""
FLAGS = "query($id: Int!) { study(studyId: $id) { viewerCanEdit viewerCanDelete } }"


async def test_update_study_changes_every_field_and_is_audited(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    pi = "Doctor Editing"
    await make_person(services, name=pi)
    changes = {
        "studyId": tree.study_id,
        "title": "  A   new title ",
        "alias": "new alias",
        "description": "new description",
        "abstract": "new abstract",
        "notes": "some notes",
        "funding": "NSF",
        "vampsId": "V1",
        "metadataComplete": False,
        "mixsCompliant": False,
        "spatialSeries": True,
        "publicRawDownload": True,
        "principalInvestigator": {"name": pi, "affiliation": "Example Lab"},
        "labPerson": None,
        "publications": [
            {"publication": "10.1234/abc.5", "isDoi": True},
            {"publication": "123456", "isDoi": False},
        ],
        "environmentalPackages": ["soil", "air"],
        "tags": ["drought", "roots"],
        "timeseriesTypeId": 2,
    }
    result = await run_graphql(client, UPDATE, {"input": changes}, caller=callers.owner)
    assert payload(result, "updateStudy") == {
        "study": {
            "studyId": tree.study_id,
            "title": "A new title",
            "alias": "new alias",
            "description": "new description",
            "abstract": "new abstract",
            "notes": "some notes",
            "funding": "NSF",
            "vampsId": "V1",
            "metadataComplete": False,
            "mixsCompliant": False,
            "spatialSeries": True,
            "publicRawDownload": True,
            "principalInvestigator": {"name": pi},
            "labPerson": None,
            "publications": [
                {"publication": "10.1234/abc.5", "isDoi": True},
                {"publication": "123456", "isDoi": False},
            ],
            "environmentalPackages": ["air", "soil"],
            "tags": ["drought", "roots"],
            "timeseriesTypeId": 2,
        },
        "userErrors": [],
    }
    partial = await run_graphql(
        client,
        UPDATE,
        {"input": {"studyId": tree.study_id, "funding": None, "tags": ["roots"]}},
        caller=callers.owner,
    )
    study = payload(partial, "updateStudy")["study"]
    assert (study["funding"], study["tags"], study["title"]) == (None, ["roots"], "A new title")
    async with services.sessions() as session:
        audited = await session.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.target == "study",
                AuditEntry.target_id == str(tree.study_id),
                AuditEntry.action == "update",
                AuditEntry.actor == callers.owner.account.email,
            )
        )
        assert audited.scalar_one() == 2


EDITORS = {"owner": True, "shared": True, "admin": True}


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_update_a_study(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(
        services, callers.owner.account, shared_with=[callers.shared.account]
    )
    caller = await caller_for(role, callers, services)
    variables = {"input": {"studyId": tree.study_id, "alias": f"by {role}"}}
    result = await run_graphql(client, UPDATE, variables, caller=caller)
    if role in EDITORS:
        assert payload(result, "updateStudy")["study"]["alias"] == f"by {role}"
    else:
        assert payload(result, "updateStudy") == {
            "study": None,
            "userErrors": [
                {
                    "field": ["input", "studyId"],
                    "message": f"Study not found: {tree.study_id}",
                    "code": "NOT_FOUND",
                }
            ],
        }
    async with services.sessions() as session:
        alias = await session.scalar(select(Study.alias).where(Study.id == tree.study_id))
    assert alias == (f"by {role}" if role in EDITORS else "soil")


@pytest.mark.parametrize("role", ["other", "guest", "anonymous"])
async def test_readers_of_a_public_study_may_not_change_or_delete_it(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="public")
    caller = await caller_for(role, callers, services)
    variables = {"input": {"studyId": tree.study_id, "alias": "mine"}}
    changed = await run_graphql(client, UPDATE, variables, caller=caller)
    assert changed["data"] == {"updateStudy": None}
    assert error_codes(changed) == ["FORBIDDEN"]
    deleted = await run_graphql(
        client, DELETE, {"input": {"studyId": tree.study_id}}, caller=caller
    )
    assert deleted["data"] == {"deleteStudy": None}
    assert error_codes(deleted) == ["FORBIDDEN"]
    flags = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=caller)
    assert flags["data"]["study"] == {"viewerCanEdit": False, "viewerCanDelete": False}


async def test_update_study_refusals_change_nothing(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="private")
    other = await make_study_tree(services, callers.owner.account)
    async with services.sessions() as session, session.begin():
        session.add(StudyTag(tag="curated", created_by=callers.admin.account.id))

    async def errors(changes: dict[str, object]) -> list[dict[str, object]]:
        variables = {"input": {"studyId": tree.study_id, **changes}}
        result = await run_graphql(client, UPDATE, variables, caller=callers.owner)
        found = payload(result, "updateStudy")
        assert found["study"] is None
        return [{"field": e["field"], "code": e["code"]} for e in found["userErrors"]]

    assert await errors({"title": other.title}) == [{"field": ["input", "title"], "code": "TAKEN"}]
    assert await errors({"title": " ", "abstract": None}) == [
        {"field": ["input", "title"], "code": "REQUIRED"},
        {"field": ["input", "abstract"], "code": "REQUIRED"},
    ]
    assert await errors({"publications": [{"publication": "doi:x", "isDoi": True}]}) == [
        {"field": ["input", "publications"], "code": "INVALID"}
    ]
    assert await errors({"principalInvestigator": {"name": "Nobody", "affiliation": "X"}}) == [
        {"field": ["input", "principalInvestigator"], "code": "INVALID"}
    ]
    assert await errors({"alias": "x", "environmentalPackages": ["soil"]}) == [
        {"field": ["input", "environmentalPackages"], "code": "NOT_ALLOWED"}
    ]
    assert await errors({"timeseriesTypeId": 2}) == [
        {"field": ["input", "timeseriesTypeId"], "code": "NOT_ALLOWED"}
    ]
    assert await errors({"timeseriesTypeId": 999}) == [
        {"field": ["input", "timeseriesTypeId"], "code": "INVALID"}
    ]
    assert await errors({"tags": ["bad\x00tag"], "environmentalPackages": ["soil\x00"]}) == [
        {"field": ["input", "environmentalPackages"], "code": "INVALID"},
        {"field": ["input", "tags"], "code": "INVALID"},
    ]
    admin_tag = await run_graphql(
        client,
        UPDATE,
        {"input": {"studyId": tree.study_id, "tags": ["curated"]}},
        caller=callers.owner,
    )
    assert error_codes(admin_tag) == ["FORBIDDEN"]
    by_admin = await run_graphql(
        client,
        UPDATE,
        {"input": {"studyId": tree.study_id, "tags": ["curated"]}},
        caller=callers.admin,
    )
    assert payload(by_admin, "updateStudy")["study"]["tags"] == ["curated"]
    async with services.sessions() as session:
        study = await session.get(Study, tree.study_id)
    assert study is not None
    assert (study.title, study.alias) == (tree.title, "soil")


async def test_delete_study_removes_rows_then_files(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    bare = await make_bare_study(client, services, callers.owner)
    files = await information_files(services, bare.study_id)
    assert len(files) >= 2
    assert all(path.is_file() for path in files)
    flags = await run_graphql(client, FLAGS, {"id": bare.study_id}, caller=callers.owner)
    assert flags["data"]["study"] == {"viewerCanEdit": True, "viewerCanDelete": True}
    result = await run_graphql(
        client, DELETE, {"input": {"studyId": bare.study_id}}, caller=callers.owner
    )
    deleted = payload(result, "deleteStudy")
    assert deleted["studyId"] == bare.study_id
    assert deleted["userErrors"] == []
    assert deleted["deletedStudyId"]
    async with services.sessions() as session:
        for model, column in (
            (Study, Study.id),
            (SampleTemplate, SampleTemplate.study_id),
            (Sample, Sample.study_id),
            (PrepTemplate, PrepTemplate.study_id),
            (StoredFile, StoredFile.sample_template_study_id),
        ):
            count = select(func.count()).select_from(model).where(column == bare.study_id)
            assert (await session.execute(count)).scalar_one() == 0, model
        prep_rows = (
            select(func.count()).select_from(PrepSample).where(PrepSample.prep_id == bare.prep_id)
        )
        assert (await session.execute(prep_rows)).scalar_one() == 0
        prep_files = (
            select(func.count()).select_from(StoredFile).where(StoredFile.prep_id == bare.prep_id)
        )
        assert (await session.execute(prep_files)).scalar_one() == 0
        audited = await session.execute(
            select(AuditEntry.target).where(
                AuditEntry.action == "delete", AuditEntry.actor == callers.owner.account.email
            )
        )
        assert {"study", "sample", "prep_template", "stored_file"} <= set(audited.scalars())
        named = await session.execute(
            select(AuditEntry.target_id).where(
                AuditEntry.action == "delete", AuditEntry.target == "study"
            )
        )
        assert list(named.scalars()) == [str(bare.study_id)]
    assert not any(path.exists() for path in files)
    gone = await run_graphql(client, FLAGS, {"id": bare.study_id}, caller=callers.owner)
    assert error_codes(gone) == ["NOT_FOUND"]


DELETERS = ("owner", "admin")


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_delete_a_study(
    client: httpx.AsyncClient, services: Services, callers: Callers, role: str
) -> None:
    bare = await make_bare_study(client, services, callers.owner, shared_with=callers.shared)
    caller = await caller_for(role, callers, services)
    result = await run_graphql(client, DELETE, {"input": {"studyId": bare.study_id}}, caller=caller)
    if role in DELETERS:
        assert payload(result, "deleteStudy")["studyId"] == bare.study_id
    elif role == "shared":
        assert result["data"] == {"deleteStudy": None}
        assert error_codes(result) == ["FORBIDDEN"]
    else:
        assert payload(result, "deleteStudy") == {
            "deletedStudyId": None,
            "studyId": None,
            "userErrors": [
                {
                    "field": ["input", "studyId"],
                    "message": f"Study not found: {bare.study_id}",
                    "code": "NOT_FOUND",
                }
            ],
        }
    async with services.sessions() as session:
        left = await session.get(Study, bare.study_id)
    assert (left is None) == (role in DELETERS)


async def test_a_study_with_artifacts_is_not_deleted(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    flags = await run_graphql(client, FLAGS, {"id": tree.study_id}, caller=callers.owner)
    assert flags["data"]["study"] == {"viewerCanEdit": True, "viewerCanDelete": False}
    result = await run_graphql(
        client, DELETE, {"input": {"studyId": tree.study_id}}, caller=callers.admin
    )
    assert payload(result, "deleteStudy") == {
        "deletedStudyId": None,
        "studyId": None,
        "userErrors": [
            {
                "field": None,
                "message": f"Study {tree.study_id} cannot be deleted: it has artifacts "
                f"({tree.root_artifact_id}, {tree.child_artifact_id}); delete them first.",
                "code": "NOT_ALLOWED",
            }
        ],
    }
    async with services.sessions() as session:
        assert await session.get(Study, tree.study_id) is not None
        assert await session.get(Account, callers.owner.account.id) is not None
