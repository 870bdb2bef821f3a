"""Small row builders for study-API tests: accounts, persons, studies, artifacts."""

from __future__ import annotations

import itertools
from typing import Any

from db.models import Account, Artifact, PrepTemplate, Study, StudyPerson, StudyShare
from resolvers.context import Principal, Services, unit_of_work

_serial = itertools.count(1)


async def add_account(services: Services, email: str, level: str = "user") -> Principal:
    async with unit_of_work(services) as ctx:
        account = Account(email=email, email_lower=email.lower(), level=level, password_hash="x")
        ctx.session.add(account)
        await ctx.session.flush()
        return Principal(kind="user", account_id=account.id, email=email, level=level)


async def add_person(
    services: Services, name: str = "PIDude", affiliation: str = "Wash U", **extra: Any
) -> int:
    async with unit_of_work(services) as ctx:
        person = StudyPerson(
            name=name, affiliation=affiliation, email=extra.pop("email", "pi@x.org"), **extra
        )
        ctx.session.add(person)
        await ctx.session.flush()
        return person.id


async def add_study(
    services: Services,
    owner: Principal,
    *,
    title: str | None = None,
    lab_person: bool = True,
    shared_with: Principal | None = None,
) -> int:
    serial = next(_serial)
    pi = await add_person(services, f"PI {serial}", "Wash U", email=f"pi{serial}@x.org")
    lab = (
        await add_person(services, f"Lab {serial}", "knight lab", email=f"lab{serial}@x.org")
        if lab_person
        else None
    )
    async with unit_of_work(services) as ctx:
        study = Study(
            owner_id=owner.account_id,
            title=title or f"Study {serial}",
            alias=f"alias {serial}",
            description="description",
            abstract="abstract",
            principal_investigator_id=pi,
            lab_person_id=lab,
            metadata_complete=False,
            mixs_compliant=False,
        )
        ctx.session.add(study)
        await ctx.session.flush()
        if shared_with is not None:
            ctx.session.add(StudyShare(study_id=study.id, account_id=shared_with.account_id))
        return study.id


async def add_artifact(
    services: Services,
    study_id: int,
    *,
    visibility: str = "sandbox",
    prep_id: int | None = None,
    root_of_prep: bool = False,
) -> int:
    async with unit_of_work(services) as ctx:
        artifact = Artifact(
            artifact_type_id=3,
            data_type_id=1,
            visibility=visibility,
            study_id=study_id,
            prep_id=prep_id,
        )
        ctx.session.add(artifact)
        await ctx.session.flush()
        if root_of_prep and prep_id is not None:
            prep = await ctx.session.get(PrepTemplate, prep_id)
            assert prep is not None
            prep.artifact_id = artifact.id
        return artifact.id
