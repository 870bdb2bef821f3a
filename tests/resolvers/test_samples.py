"""Sample information writes and reads through the resolvers, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Sample, SampleTemplate, StoredFile
from resolvers.context import Principal, Services, unit_of_work
from resolvers.errors import Forbidden, Invalid, NotFound
from resolvers.studies.sample_details import sample_details
from resolvers.studies.samples import CategoriesNotFound, get_sample_categories, patch_samples
from resolvers.studies.template_files import regenerate_sample_file
from tests.builders.accounts import make_principal
from tests.builders.studies import make_study


@pytest.fixture
async def owner(services: Services) -> Principal:
    return await make_principal(services, "owner@x.org")


@pytest.fixture
async def study_id(services: Services, owner: Principal) -> int:
    return await make_study(services, owner, artifact=False, lab_person=True)


async def _stored(services: Services, study_id: int) -> dict[str, dict[str, str | None]]:
    async with unit_of_work(services) as ctx:
        query = select(Sample.sample_name, Sample.values).where(Sample.study_id == study_id)
        return {name: values for name, values in await ctx.session.execute(query)}


async def test_first_patch_creates_sample_information_and_file(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        result = await patch_samples(ctx, study_id, {"a": {"pH": "7.10"}, "b": {"pH": ""}})
    assert result.created_template
    assert await _stored(services, study_id) == {
        f"{study_id}.a": {"ph": "7.10"},
        f"{study_id}.b": {"ph": None},
    }
    async with unit_of_work(services) as ctx:
        files = (await ctx.session.execute(select(StoredFile))).scalars().all()
    assert len(files) == 1
    path = services.settings.data_dir / "templates" / files[0].relpath
    assert path.read_text() == (
        f"sample_name\tph\tqiita_study_id\n{study_id}.a\t7.10\t{study_id}\n{study_id}.b\t\t{study_id}\n"
    )


async def test_patch_adds_updates_and_new_categories_in_one_change(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7"}, "b": {"ph": "8"}})
    async with unit_of_work(services, owner) as ctx:
        result = await patch_samples(
            ctx,
            study_id,
            {f"{study_id}.a": {"ph": "6", "depth": "1"}, "c": {"ph": "9", "depth": "2"}},
        )
    assert result.added == [f"{study_id}.c"]
    assert result.updated == [f"{study_id}.a"]
    assert result.new_categories == ["depth"]
    assert await _stored(services, study_id) == {
        f"{study_id}.a": {"ph": "6", "depth": "1"},
        f"{study_id}.b": {"ph": "8", "depth": None},
        f"{study_id}.c": {"ph": "9", "depth": "2"},
    }
    async with unit_of_work(services) as ctx:
        template = await ctx.session.get(SampleTemplate, study_id)
        assert template is not None
        assert template.columns == ["ph", "depth"]
        count = len((await ctx.session.execute(select(StoredFile.id))).all())
    assert count == 2


async def test_patch_without_an_existing_category_changes_nothing(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7", "depth": "1"}})
    with pytest.raises(Invalid, match=r"^Not all sample information categories provided$"):
        async with unit_of_work(services, owner) as ctx:
            await patch_samples(ctx, study_id, {"z": {"ph": "7"}})
    assert list(await _stored(services, study_id)) == [f"{study_id}.a"]


async def test_unprefixed_name_of_existing_sample_is_refused(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7"}})
    with pytest.raises(Invalid, match="update them with their stored ids"):
        async with unit_of_work(services, owner) as ctx:
            await patch_samples(ctx, study_id, {"a": {"ph": "8"}})


async def test_categories_are_extracted_in_request_order(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7", "country": "X"}, "b": {"ph": ""}})
    async with unit_of_work(services, owner) as ctx:
        values = await get_sample_categories(ctx, study_id, ["country", "ph", "country"])
        assert values.header == ["country", "ph", "country"]
        assert values.samples == {
            f"{study_id}.a": ["X", "7", "X"],
            f"{study_id}.b": [None, None, None],
        }
        with pytest.raises(CategoriesNotFound) as caught:
            await get_sample_categories(ctx, study_id, ["zz", "ph", "aa"])
        assert caught.value.missing == ["aa", "zz"]


async def test_a_reader_cannot_patch_and_a_stranger_cannot_see(
    services: Services, study_id: int
) -> None:
    stranger = await make_principal(services, "stranger@x.org")
    with pytest.raises(NotFound, match=rf"^Study not found: {study_id}$"):
        async with unit_of_work(services, stranger) as ctx:
            await patch_samples(ctx, study_id, {"a": {"ph": "7"}})
    admin = await make_principal(services, "admin@x.org", level="admin")
    async with unit_of_work(services, admin) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7"}})
    system = Principal(kind="system", client_id="c")  # acts with an admin's rights
    async with unit_of_work(services, system) as ctx:
        await patch_samples(ctx, study_id, {"b": {"ph": "7"}})
    plugin = Principal(kind="plugin", client_id="p", software_id=1, plugin=("p", "1.0"))
    with pytest.raises(Forbidden, match=r"qiita-gateway plugin trust p 1\.0$"):
        async with unit_of_work(services, plugin) as ctx:
            await patch_samples(ctx, study_id, {"c": {"ph": "7"}})


async def test_sample_details_without_preparations(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7"}})
    async with unit_of_work(services, owner) as ctx:
        details = await sample_details(ctx, study_id, [f"{study_id}.a", "nope"])
    assert [(d.sample_id, d.sample_found, d.preparation_id) for d in details] == [
        (f"{study_id}.a", True, None),
        ("nope", False, None),
    ]


async def test_file_names_collide_into_suffixes(
    services: Services, owner: Principal, study_id: int
) -> None:
    async with unit_of_work(services, owner) as ctx:
        await patch_samples(ctx, study_id, {"a": {"ph": "7"}})
        names = [(await regenerate_sample_file(ctx, study_id)).relpath for _ in range(3)]
    first = Path(names[0]).stem
    assert len(set(names)) == 3
    assert all(name.startswith(f"{study_id}_") for name in names)
    assert names[1] in (f"{first}-2.txt", f"{first}-3.txt") or names[1].endswith(".txt")
