"""The feature archive: per merging scheme, one opaque value per feature."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, IntPK


class ArchiveMergingScheme(Base):
    __tablename__ = "archive_merging_scheme"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    scheme: Mapped[str] = mapped_column(unique=True)


class ArchiveFeatureValue(Base):
    __tablename__ = "archive_feature_value"

    merging_scheme_id: Mapped[int] = mapped_column(
        ForeignKey("archive_merging_scheme.id", ondelete="CASCADE"), primary_key=True
    )
    feature: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
