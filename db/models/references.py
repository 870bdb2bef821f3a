"""Reference databases (sequences, taxonomy, tree); their files are stored files."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped

from db.models.base import NO_REUSE, Base, IntPK


class Reference(Base):
    __tablename__ = "reference"
    __table_args__ = (UniqueConstraint("name", "version"), NO_REUSE)

    id: Mapped[IntPK]
    name: Mapped[str]
    version: Mapped[str | None]
