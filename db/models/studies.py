"""Studies, their contacts, sharing, publications, packages and tags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.accounts import Account
from db.models.base import NO_REUSE, Base, CreatedAt, IntPK


class StudyPerson(Base):
    """A contact (PI or lab person); looked up by (name, affiliation) in the REST API."""

    __tablename__ = "study_person"
    __table_args__ = (UniqueConstraint("name", "affiliation"), NO_REUSE)

    id: Mapped[IntPK]
    name: Mapped[str]
    email: Mapped[str]
    affiliation: Mapped[str]
    address: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None]


class TimeseriesType(Base):
    __tablename__ = "timeseries_type"
    __table_args__ = (UniqueConstraint("timeseries_type", "intervention_type"), NO_REUSE)

    id: Mapped[IntPK]
    timeseries_type: Mapped[str]
    intervention_type: Mapped[str]


class EnvironmentalPackage(Base):
    __tablename__ = "environmental_package"

    name: Mapped[str] = mapped_column(primary_key=True)
    metadata_table: Mapped[str | None]


class Study(Base):
    __tablename__ = "study"
    __table_args__ = (
        Index(
            "uq_study_ebi_study_accession",
            "ebi_study_accession",
            unique=True,
            sqlite_where=text("ebi_study_accession IS NOT NULL"),
            postgresql_where=text("ebi_study_accession IS NOT NULL"),
        ),
        NO_REUSE,
    )

    id: Mapped[IntPK]
    owner_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    title: Mapped[str] = mapped_column(unique=True)
    alias: Mapped[str]
    description: Mapped[str]
    abstract: Mapped[str]
    principal_investigator_id: Mapped[int] = mapped_column(ForeignKey("study_person.id"))
    lab_person_id: Mapped[int | None] = mapped_column(ForeignKey("study_person.id"))
    timeseries_type_id: Mapped[int] = mapped_column(ForeignKey("timeseries_type.id"), default=1)
    metadata_complete: Mapped[bool]
    mixs_compliant: Mapped[bool]
    reprocess: Mapped[bool] = mapped_column(default=False)
    spatial_series: Mapped[bool | None]
    first_contact: Mapped[CreatedAt]
    most_recent_contact: Mapped[dt.datetime | None]
    funding: Mapped[str | None]
    vamps_id: Mapped[str | None]
    ebi_study_accession: Mapped[str | None]
    public_raw_download: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(default="")
    autoloaded: Mapped[bool] = mapped_column(default=False)

    owner: Mapped[Account] = relationship(lazy="raise")
    principal_investigator: Mapped[StudyPerson] = relationship(
        lazy="raise", foreign_keys=[principal_investigator_id]
    )
    lab_person: Mapped[StudyPerson | None] = relationship(
        lazy="raise", foreign_keys=[lab_person_id]
    )


class StudyShare(Base):
    __tablename__ = "study_share"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StudyPublication(Base):
    __tablename__ = "study_publication"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    publication: Mapped[str] = mapped_column(primary_key=True)
    is_doi: Mapped[bool]


class StudyEnvironmentalPackage(Base):
    __tablename__ = "study_environmental_package"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    package: Mapped[str] = mapped_column(ForeignKey("environmental_package.name"), primary_key=True)


class StudyTag(Base):
    __tablename__ = "study_tag"

    tag: Mapped[str] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))


class StudyTagLink(Base):
    __tablename__ = "study_tag_link"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(
        ForeignKey("study_tag.tag", ondelete="CASCADE"), primary_key=True
    )
