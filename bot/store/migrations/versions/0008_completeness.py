"""The completeness report of each recording (posted once, when its window has ended), and the
warning said while its window was open.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("recordings", sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("recordings", sa.Column("report", sa.Text(), nullable=True))
    op.add_column("recordings", sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.drop_column("warned_at")
        batch_op.drop_column("report")
        batch_op.drop_column("reported_at")
