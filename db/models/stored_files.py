"""Files on disk: one row per file, with its full path below a mountpoint and one owner."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK

OWNER_COLUMNS = (
    "artifact_id",
    "sample_template_study_id",
    "prep_id",
    "analysis_id",
    "reference_id",
)


class StoredFile(Base):
    __tablename__ = "stored_file"
    __table_args__ = (
        UniqueConstraint("data_directory_id", "relpath"),
        CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in OWNER_COLUMNS)
            + " <= 1",
            name="one_owner",
        ),
        NO_REUSE,
    )

    id: Mapped[IntPK]
    data_directory_id: Mapped[int] = mapped_column(ForeignKey("data_directory.id"))
    relpath: Mapped[str]
    filepath_type_id: Mapped[int] = mapped_column(ForeignKey("filepath_type.id"))
    checksum: Mapped[str] = mapped_column(default="")
    checksum_algorithm: Mapped[str] = mapped_column(default="crc32")
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]
    artifact_id: Mapped[int | None] = mapped_column(
        ForeignKey("artifact.id", ondelete="CASCADE"), index=True
    )
    sample_template_study_id: Mapped[int | None] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), index=True
    )
    prep_id: Mapped[int | None] = mapped_column(
        ForeignKey("prep_template.id", ondelete="CASCADE"), index=True
    )
    analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    reference_id: Mapped[int | None] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), index=True
    )
    analysis_data_type_id: Mapped[int | None] = mapped_column(ForeignKey("data_type.id"))
