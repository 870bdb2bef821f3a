"""Preparation creation rules (domain.md §2.6) through the resolver, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import PrepSample, PrepTemplate, StoredFile
from resolvers.context import Principal, Services, unit_of_work
from resolvers.errors import Invalid
from resolvers.studies.preparations import create_preparation
from resolvers.studies.samples import patch_samples
from tests.builders.accounts import make_principal
from tests.builders.studies import make_study


@pytest.fixture
async def owner(services: Services) -> Principal:
    return await make_principal(services, "owner@x.org")


@pytest.fixture
async def study_id(services: Services, owner: Principal) -> int:
    sid = await make_study(services, owner, artifact=False, lab_person=True)
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, sid, {"a": {"ph": "7"}, "b": {"ph": "8"}})
    return sid


async def test_preparation_gets_default_name_inferred_type_rows_and_file(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        prep = await create_preparation(
            ctx, study_id, "16S", {"a": {"Barcode": "AC"}, f"{study_id}.b": {"Barcode": "GT"}}
        )
    async with unit_of_work(services) as ctx:
        stored = await ctx.session.get(PrepTemplate, prep.id)
        assert stored is not None
        assert stored.name == f"Prep information {prep.id}"
        assert stored.investigation_type == "AMPLICON"
        assert stored.data_type_id == 1
        assert stored.columns == ["barcode"]
        rows = (await ctx.session.execute(select(PrepSample.values))).scalars().all()
        assert sorted(r["barcode"] for r in rows) == ["AC", "GT"]
        file = (await ctx.session.execute(select(StoredFile))).scalars().all()[-1]
    assert file.prep_id == prep.id
    assert file.relpath.startswith(f"{study_id}_prep_{prep.id}_")
    text = (services.settings.data_dir / "templates" / file.relpath).read_text()
    assert text.splitlines() == [
        "sample_name\tbarcode\tqiita_prep_id",
        f"{study_id}.a\tAC\t{prep.id}",
        f"{study_id}.b\tGT\t{prep.id}",
    ]


@pytest.mark.parametrize(
    ("data_type", "metadata", "investigation_type", "message"),
    [
        ("nope", {"a": {"x": "1"}}, None, "Unknown data type 'nope'"),
        ("16S", {"a": {"x": "1"}}, "Bogus", "'Bogus' is not a valid investigation type"),
        ("16S", {"zz": {"x": "1"}}, None, "Samples found in prep template but not sample"),
        ("16S", {"a": {"ph": "1"}}, None, "already in the sample information"),
        ("16S", {"a": {"select": "1"}}, None, "Reserved words"),
        ("16S", {}, None, "No samples provided"),
    ],
)
async def test_invalid_preparations_are_refused_without_rows(
    services: Services,
    owner: Principal,
    study_id: int,
    data_type: str,
    metadata: dict[str, dict[str, str]],
    investigation_type: str | None,
    message: str,
) -> None:
    with pytest.raises(Invalid, match=message):
        async with unit_of_work(services, owner) as ctx:
            await create_preparation(
                ctx, study_id, data_type, metadata, investigation_type=investigation_type
            )
    async with unit_of_work(services) as ctx:
        assert (await ctx.session.execute(select(PrepTemplate.id))).first() is None


async def test_study_without_sample_information_cannot_have_preparations(
    services: Services, owner: Principal
) -> None:
    sid = await make_study(services, owner, artifact=False, lab_person=True)
    with pytest.raises(Invalid, match="has no sample information"):
        async with unit_of_work(services, owner) as ctx:
            await create_preparation(ctx, sid, "16S", {"a": {"x": "1"}})


async def test_plugin_clients_create_preparations_with_a_name(
    services: Services, study_id: int
) -> None:
    plugin = Principal(kind="system", client_id="sys")
    async with unit_of_work(services, plugin) as ctx:
        prep = await create_preparation(
            ctx, study_id, 6, {"a": {"x": "1"}}, name="Run 1", investigation_type="Other"
        )
        assert prep.name == "Run 1"
        assert prep.investigation_type == "Other"
