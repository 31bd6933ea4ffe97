"""The time phrase of each request, kept apart from the command it came in.

Rows stored before this keep NULL; the store reads their phrase back out of the command text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite can add a nullable column in place; no table copy is needed.
    op.add_column("recordings", sa.Column("when_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.drop_column("when_text")
