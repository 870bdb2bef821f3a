"""file-move journal: moves of client files planned with the rows, done after commit

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_file_move",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("destination", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_file_move")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_pending_file_move_batch"), "pending_file_move", ["batch"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_file_move_batch"), table_name="pending_file_move")
    op.drop_table("pending_file_move")
