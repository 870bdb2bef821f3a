"""Sample and preparation information: one row per sample, values in a JSON object.

Values are strings or null, as in Qiita; the template row keeps the ordered
list of categories (domain.md §5.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK, utcnow


class SampleTemplate(Base):
    __tablename__ = "sample_template"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    columns: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[CreatedAt]
    modified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Sample(Base):
    __tablename__ = "sample"
    __table_args__ = (Index("ix_sample_study_name", "study_id", "sample_name"), NO_REUSE)

    id: Mapped[IntPK]
    study_id: Mapped[int] = mapped_column(
        ForeignKey("sample_template.study_id", ondelete="CASCADE")
    )
    sample_name: Mapped[str] = mapped_column(unique=True)
    ebi_sample_accession: Mapped[str | None]
    biosample_accession: Mapped[str | None]
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PrepTemplate(Base):
    __tablename__ = "prep_template"
    __table_args__ = (
        Index(
            "uq_prep_template_artifact_id",
            "artifact_id",
            unique=True,
            sqlite_where=text("artifact_id IS NOT NULL"),
            postgresql_where=text("artifact_id IS NOT NULL"),
        ),
        NO_REUSE,
    )

    id: Mapped[IntPK]
    study_id: Mapped[int] = mapped_column(ForeignKey("sample_template.study_id"), index=True)
    data_type_id: Mapped[int] = mapped_column(ForeignKey("data_type.id"))
    investigation_type: Mapped[str | None]
    name: Mapped[str] = mapped_column(default="Default Name")
    deprecated: Mapped[bool] = mapped_column(default=False)
    current_human_filtering: Mapped[bool] = mapped_column(default=False)
    artifact_id: Mapped[int | None] = mapped_column(
        ForeignKey("artifact.id", use_alter=True, name="fk_prep_template_artifact_id_artifact")
    )
    creation_job_id: Mapped[str | None] = mapped_column(String(36))
    reprocess_job_id: Mapped[str | None] = mapped_column(String(36))
    columns: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[CreatedAt]
    modified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PrepSample(Base):
    __tablename__ = "prep_sample"
    __table_args__ = (UniqueConstraint("prep_id", "sample_id"), NO_REUSE)

    id: Mapped[IntPK]
    prep_id: Mapped[int] = mapped_column(ForeignKey("prep_template.id", ondelete="CASCADE"))
    sample_id: Mapped[int] = mapped_column(ForeignKey("sample.id", ondelete="RESTRICT"), index=True)
    ebi_experiment_accession: Mapped[str | None]
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MetadataRestriction(Base):
    """Hard value lists for template columns, enforced when an artifact leaves the sandbox."""

    __tablename__ = "metadata_restriction"
    __table_args__ = (UniqueConstraint("template_kind", "column_name"), NO_REUSE)

    id: Mapped[IntPK]
    template_kind: Mapped[str] = mapped_column(
        Enum("sample", "prep", name="template_kind", native_enum=False, create_constraint=True)
    )
    column_name: Mapped[str]
    valid_values: Mapped[list[Any]]


class InvestigationTypeTerm(Base):
    __tablename__ = "investigation_type_term"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    term: Mapped[str] = mapped_column(unique=True)
    identifier: Mapped[str | None]
    user_defined: Mapped[bool] = mapped_column(default=False)
