"""Studies and what hangs off them: persons, samples, preparations, artifacts, analyses.

`make_study` is the one study builder; `make_study_with_prep`, `make_owned_study` and
`tests.builders.study_tree.make_study_tree` build richer studies:

    study_id = await make_study(services, owner, public=True)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.models import (
    Account,
    Analysis,
    AnalysisShare,
    Artifact,
    ArtifactType,
    DataType,
    PrepSample,
    PrepTemplate,
    Reference,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
    StudyPerson,
    StudyShare,
)
from resolvers.artifacts.artifacts import create_artifact
from resolvers.context import Principal, Services, unit_of_work
from tests.builders.accounts import make_principal, unique
from tests.builders.seeded import (
    BIOM,
    DATA_16S,
    FASTQ,
)

SYSTEM = Principal(kind="system")
_serial = itertools.count(1)


async def make_person(
    services: Services,
    name: str | None = None,
    affiliation: str = "Example Lab",
    *,
    email: str = "pi@example.org",
    **extra: Any,
) -> int:
    async with services.sessions() as session, session.begin():
        person = StudyPerson(
            name=name or unique("Person "), affiliation=affiliation, email=email, **extra
        )
        session.add(person)
        await session.flush()
        return person.id


def _account_id(who: Account | Principal | int) -> int:
    if isinstance(who, int):
        return who
    account_id = who.id if isinstance(who, Account) else who.account_id
    assert account_id is not None
    return account_id


async def make_study(
    services: Services,
    owner: Account | Principal | int,
    *,
    title: str | None = None,
    public: bool = False,
    artifact: bool = True,
    shared_with: Sequence[Account | Principal] = (),
    lab_person: bool = False,
    metadata_complete: bool = True,
) -> int:
    """A study of `owner` with a principal investigator (and a lab person when asked).

    With `artifact`, it holds one artifact, `public` or private: a study is as public as its
    most public artifact (domain.md §3.6); without, it is a sandbox study.
    """
    pi = await make_person(services, unique("PI "), "Wash U")
    lab = await make_person(services, unique("Lab "), "knight lab") if lab_person else None
    async with services.sessions() as session, session.begin():
        study = Study(
            owner_id=_account_id(owner),
            title=title or unique("Study "),
            alias="alias",
            description="description",
            abstract="abstract",
            principal_investigator_id=pi,
            lab_person_id=lab,
            metadata_complete=metadata_complete,
            mixs_compliant=metadata_complete,
        )
        session.add(study)
        await session.flush()
        if artifact:
            artifact_type_id = (
                await session.execute(select(ArtifactType.id).limit(1))
            ).scalar_one()
            data_type_id = (await session.execute(select(DataType.id).limit(1))).scalar_one()
            session.add(
                Artifact(
                    artifact_type_id=artifact_type_id,
                    data_type_id=data_type_id,
                    visibility="public" if public else "private",
                    study_id=study.id,
                )
            )
        for account in shared_with:
            session.add(StudyShare(study_id=study.id, account_id=_account_id(account)))
        return study.id


async def make_artifact(
    services: Services,
    study_id: int,
    *,
    visibility: str = "sandbox",
    prep_id: int | None = None,
    root_of_prep: bool = False,
) -> int:
    """A FASTQ artifact of the study (the root of `prep_id` with `root_of_prep`)."""
    async with unit_of_work(services) as ctx:
        artifact = Artifact(
            artifact_type_id=FASTQ,
            data_type_id=DATA_16S,
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


async def _sample_information(
    services: Services, study_id: int, samples: list[str]
) -> list[Sample]:
    async with unit_of_work(services, SYSTEM) as ctx:
        ctx.session.add(SampleTemplate(study_id=study_id, columns=["env", "ph"]))
        await ctx.session.flush()
        rows = [
            Sample(
                study_id=study_id,
                sample_name=f"{study_id}.{name}",
                values={"env": "soil", "ph": f"6.{i}"},
            )
            for i, name in enumerate(samples)
        ]
        ctx.session.add_all(rows)
        await ctx.session.flush()
        return rows


async def make_study_with_prep(
    services: Services, owner_id: int, samples: list[str]
) -> tuple[int, int]:
    """A study with sample information and one 16S preparation over `samples`."""
    study_id = await make_study(services, owner_id, artifact=False)
    rows = await _sample_information(services, study_id, samples)
    async with unit_of_work(services, SYSTEM) as ctx:
        prep = PrepTemplate(
            study_id=study_id, data_type_id=DATA_16S, investigation_type="AMPLICON",
            name="Prep 1", columns=["barcode", "platform"],
        )  # fmt: skip
        ctx.session.add(prep)
        await ctx.session.flush()
        ctx.session.add_all(
            PrepSample(
                prep_id=prep.id,
                sample_id=row.id,
                values={"barcode": f"ACGT{i}", "platform": "Illumina"},
            )
            for i, row in enumerate(rows)
        )
        await ctx.session.flush()
        return study_id, prep.id


@dataclass(frozen=True)
class Owner:
    principal: Principal
    study_id: int
    prep_id: int


async def make_owned_study(services: Services) -> Owner:
    """A new account owning a study with empty sample information and one empty preparation."""
    email = f"owner{next(_serial)}@example.org"
    owner = await make_principal(services, email)
    study_id = await make_study(services, owner, artifact=False, metadata_complete=False)
    async with unit_of_work(services) as ctx:
        ctx.session.add(SampleTemplate(study_id=study_id))
        await ctx.session.flush()
        prep = PrepTemplate(study_id=study_id, data_type_id=DATA_16S)
        ctx.session.add(prep)
        await ctx.session.flush()
        return Owner(principal=owner, study_id=study_id, prep_id=prep.id)


async def make_root_artifact(services: Services, owner: Owner, content: str) -> int:
    """A `line_table` artifact at the root of the owner's preparation."""
    uploads = services.settings.resolved_data_dir / "uploads" / str(owner.study_id)
    uploads.mkdir(parents=True, exist_ok=True)
    source = uploads / "input.txt"
    source.write_text(content)
    async with unit_of_work(services, Principal(kind="system")) as ctx:
        artifact = await create_artifact(
            ctx,
            artifact_type="line_table",
            files=[(str(source), "plain_text")],
            name="input lines",
            prep_id=owner.prep_id,
        )
        return artifact.id


async def make_analysis(
    services: Services,
    owner: Account,
    *,
    artifact_visibility: str = "sandbox",
    shared_with: Sequence[Account] = (),
) -> tuple[int, int]:
    """An analysis with one initial BIOM artifact; returns (analysis id, artifact id)."""
    async with services.sessions() as session, session.begin():
        analysis = Analysis(owner_id=owner.id, name=unique("Analysis "), description="demo")
        session.add(analysis)
        await session.flush()
        for account in shared_with:
            session.add(AnalysisShare(analysis_id=analysis.id, account_id=account.id))
        artifact = Artifact(
            name="analysis table",
            artifact_type_id=BIOM,
            data_type_id=DATA_16S,
            visibility=artifact_visibility,
            analysis_id=analysis.id,
        )
        session.add(artifact)
        await session.flush()
        return analysis.id, artifact.id


async def make_reference(services: Services) -> int:
    async with services.sessions() as session, session.begin():
        reference = Reference(name=unique("Greengenes "), version="13_8")
        session.add(reference)
        await session.flush()
        session.add(
            StoredFile(
                data_directory_id=6,
                relpath=f"{reference.name}_13_8_seqs.fna",
                filepath_type_id=10,
                checksum="1",
                size=1,
                reference_id=reference.id,
            )
        )
        return reference.id
