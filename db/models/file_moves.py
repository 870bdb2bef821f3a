"""The file-move journal: moves planned in a transaction, carried out after it commits."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK


class PendingFileMove(Base):
    """One step of a batch: move `source` to `destination`, or remove `source` (no destination).

    Rows are written in the transaction that writes the rows naming the files and deleted
    once the step is done; see db/file_journal.py.
    """

    __tablename__ = "pending_file_move"
    __table_args__ = (NO_REUSE,)

    id: Mapped[IntPK]
    batch: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str]
    destination: Mapped[str | None]
    created_at: Mapped[CreatedAt]
