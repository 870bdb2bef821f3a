"""Every entity is written and read back unchanged, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, inspect, select

from db.models import (
    AccountLink,
    Artifact,
    ArtifactType,
    ArtifactTypeFilepathType,
    AuditEntry,
    Base,
    DataDirectory,
    DataType,
    EbiRunAccession,
    EnvironmentalPackage,
    FilepathType,
    HumanReadsFilterMethod,
    InvestigationTypeTerm,
    JobResourceAllocation,
    Message,
    MessageRecipient,
    MetadataRestriction,
    OAuthRateLimit,
    OAuthToken,
    PendingFileMove,
    PersistedQuery,
    ProcessingJob,
    ProcessingJobValidator,
    Sample,
    SampleTemplate,
    ServerSetting,
    SignInFailure,
    Study,
    StudyPerson,
    StudyTag,
    StudyTagLink,
    TimeseriesType,
)
from db.models.archive import ArchiveFeatureValue, ArchiveMergingScheme
from gateway.demo import load_demo
from resolvers.auth.accounts import create_user
from resolvers.auth.credentials import hash_token
from resolvers.context import Context, Principal, Services, unit_of_work

SYSTEM = Principal(kind="system")
MOMENT = dt.datetime(2024, 5, 3, 12, 8, 37, 123456, tzinfo=dt.UTC)

Snapshot = list[tuple[type[Any], tuple[Any, ...], dict[str, Any]]]


def _columns(row: Any) -> dict[str, Any]:
    return {attr.key: getattr(row, attr.key) for attr in inspect(type(row)).column_attrs}


def _record_inserts(ctx: Context) -> list[Any]:
    """Every row the session inserts from now on (held strongly: the identity map is weak)."""
    inserted: list[Any] = []
    event.listen(
        ctx.session.sync_session,
        "pending_to_persistent",
        lambda _session, row: inserted.append(row),
    )
    return inserted


def _snapshot(rows: list[Any]) -> Snapshot:
    return [(type(row), inspect(row).identity, _columns(row)) for row in rows]


async def _add_what_the_demo_lacks(ctx: Context) -> None:
    """One row of every entity the demo does not create, and of each seeded vocabulary."""
    session = ctx.session
    account = await create_user(ctx, "Round.Trip@example.org", "round-trip-1", "user")
    study = (await session.execute(select(Study).order_by(Study.id).limit(1))).scalar_one()
    artifact = (await session.execute(select(Artifact).order_by(Artifact.id))).scalars().first()
    sample = (await session.execute(select(Sample).order_by(Sample.id))).scalars().first()
    jobs = (await session.execute(select(ProcessingJob).order_by(ProcessingJob.id))).scalars()
    job_ids = [job.id for job in jobs]
    assert artifact is not None
    assert sample is not None
    data_type = DataType(name="Lipidomics")
    mount = DataDirectory(kind="BIOM", mountpoint="BIOM_old", subdirectory=True, active=False)
    filepath_type = FilepathType(name="round_trip_table")
    artifact_type = ArtifactType(
        name="round_trip_type", description="Round-trip ✓", is_user_uploadable=True
    )
    message = Message(
        body="<b>Maintenance</b> on Friday", expires_at=MOMENT, kind="job_failed", job_id="0" * 36
    )
    scheme = ArchiveMergingScheme(scheme="Pick OTUs | Split libraries (reference 1)")
    session.add_all([data_type, mount, filepath_type, artifact_type, message, scheme])
    await session.flush()
    session.add_all(
        [
            ArtifactTypeFilepathType(
                artifact_type_id=artifact_type.id, filepath_type_id=filepath_type.id, required=False
            ),
            TimeseriesType(timeseries_type="round-trip", intervention_type="none"),
            EnvironmentalPackage(name="round-trip package", metadata_table=None),
            MetadataRestriction(
                template_kind="sample", column_name="round_trip", valid_values=["a", "ß", ""]
            ),
            InvestigationTypeTerm(term="Round trip", identifier=None, user_defined=True),
            ServerSetting(key="round_trip", value={"nested": [1, 2.5, None, "é"]}),
            PendingFileMove(batch="0" * 32, source="/work/a.biom", destination="/BIOM/1/a.biom"),
            PersistedQuery(sha256="ab" * 32, document="query Héllo { __typename }"),
            HumanReadsFilterMethod(name="The round-trip filter"),
            StudyTag(tag="drought", created_by=account.id),
            MessageRecipient(message_id=message.id, account_id=account.id, read=True),
            AccountLink(
                token_hash=hash_token("round-trip-link"),
                account_id=account.id,
                purpose="reset",
                created_at=MOMENT,
                expires_at=MOMENT + dt.timedelta(hours=1),
                used_at=MOMENT + dt.timedelta(minutes=5),
            ),
            OAuthToken(
                token_hash=hash_token("round-trip-token"),
                client_id="qiita-demo-password-client",
                grant_type="password",
                account_id=account.id,
                issued_at=MOMENT,
                expires_at=MOMENT + dt.timedelta(hours=1),
            ),
            OAuthRateLimit(
                client_id="qiita-demo-password-client",
                account_id=account.id,
                window_start=MOMENT,
                remaining=4999,
            ),
            SignInFailure(
                scope="account",
                subject="someone@example.org",
                failures=3,
                window_start=MOMENT,
                lockouts=1,
                locked_until=MOMENT + dt.timedelta(minutes=5),
                last_failure_at=MOMENT,
            ),
            EbiRunAccession(artifact_id=artifact.id, sample_id=sample.id, accession="ERR0000001"),
            ProcessingJobValidator(
                job_id=job_ids[0], validator_id=job_ids[1], artifact_info={"files": []}
            ),
            ArchiveFeatureValue(merging_scheme_id=scheme.id, feature="ACGT" * 10, value="1.5"),
            JobResourceAllocation(
                name="default", job_type="VALIDATOR", description=None, allocation="-t 1:00:00"
            ),
            AuditEntry(
                at=MOMENT,
                actor="Round.Trip@example.org",
                actor_kind="user",
                action="update",
                target="study",
                target_id="1",
                origin="mutation RoundTrip",
                request_id="round-trip-1",
                details={"columns": ["title"]},
            ),
        ]
    )
    await session.flush()
    session.add(StudyTagLink(study_id=study.id, tag="drought"))
    await session.flush()


async def _reread(services: Services, snapshot: Snapshot) -> Snapshot:
    async with services.sessions() as session:
        out: Snapshot = []
        for model, identity, _ in snapshot:
            row = await session.get(model, identity)
            assert row is not None, f"{model.__name__} {identity} was not stored"
            out.append((model, identity, _columns(row)))
        return out


async def test_every_entity_round_trips(services: Services) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        inserted = _record_inserts(ctx)
        assert await load_demo(ctx)
        await _add_what_the_demo_lacks(ctx)
        await ctx.session.flush()
        written = _snapshot(inserted)

    every_model = {mapper.class_ for mapper in Base.registry.mappers}
    missing = every_model - {model for model, _, _ in written}
    assert not missing, f"add rows of {sorted(m.__name__ for m in missing)} to this test"
    assert await _reread(services, written) == written


def _wide_values() -> dict[str, str | None]:
    values: dict[str, str | None] = {f"category_{i:03d}": f"value {i}" for i in range(194)}
    values.update(
        {
            "description": "Rhizosphère \u2013 根圏 \u2013 ризосфера 🌱",
            "ünïcödé_key": "ключ",
            "empty": "",
            "missing": None,
            "quoted": 'say "hi"\tand\\tab\nnewline',
            "numeric_text": "007.50",
        }
    )
    assert len(values) == 200
    return values


async def test_sample_metadata_json_round_trips_unicode_empty_null_and_200_columns(
    services: Services,
) -> None:
    values = _wide_values()
    async with unit_of_work(services, SYSTEM) as ctx:
        owner = await create_user(ctx, "wide@example.org", "wide-sample-1", "user")
        person = StudyPerson(name="Wide", email="wide@example.org", affiliation="Width Lab")
        ctx.session.add(person)
        await ctx.session.flush()
        study = Study(
            owner_id=owner.id,
            title="Wide metadata",
            alias="wide",
            description="d",
            abstract="a",
            principal_investigator_id=person.id,
            metadata_complete=False,
            mixs_compliant=False,
        )
        ctx.session.add(study)
        await ctx.session.flush()
        ctx.session.add(SampleTemplate(study_id=study.id, columns=sorted(values)))
        await ctx.session.flush()
        ctx.session.add(Sample(study_id=study.id, sample_name=f"{study.id}.wide", values=values))
        study_id = study.id

    async with services.sessions() as session:
        sample = (
            await session.execute(select(Sample).where(Sample.study_id == study_id))
        ).scalar_one()
        template = await session.get(SampleTemplate, study_id)
        extracted = (
            await session.execute(
                select(
                    Sample.values["description"].as_string(),
                    Sample.values["empty"].as_string(),
                    Sample.values["missing"].as_string(),
                    Sample.values["quoted"].as_string(),
                    Sample.values["ünïcödé_key"].as_string(),
                ).where(Sample.study_id == study_id)
            )
        ).one()
    assert sample.values == values
    assert template is not None
    assert template.columns == sorted(values)
    assert tuple(extracted) == (values["description"], "", None, values["quoted"], "ключ")
