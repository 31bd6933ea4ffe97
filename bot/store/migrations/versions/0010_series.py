"""Series: windows longer than 24 h, windows beyond Tencent's horizon, repeating recordings.

A series is one request the bot schedules as several tasks over time; its parts are rows of
``recordings`` (``series_id``, ``occurrence``, ``part``), stored ``planned`` until their task is
created. One row per (series, occurrence, part): a unique index refuses a second. (A plain
column, not a foreign key: SQLite can then drop it again, and series are never deleted.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("requester_id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("when_text", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("stream_name", sa.String(256), nullable=False),
        sa.Column("domain_name", sa.String(256), nullable=False),
        sa.Column("app_name", sa.String(128), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("stream_type", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("limited", sa.Boolean(), nullable=False),
        sa.Column("pad_seconds", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("root_ts", sa.String(32), nullable=True),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_series"),
    )
    op.create_index("ix_series_team_id_state", "series", ["team_id", "state"])
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("part", sa.Integer(), nullable=True))
    op.create_index("ix_recordings_series_id_occurrence_part", "recordings",
                    ["series_id", "occurrence", "part"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_recordings_series_id_occurrence_part", "recordings")
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.drop_column("part")
        batch_op.drop_column("occurrence")
        batch_op.drop_column("series_id")
    op.drop_index("ix_series_team_id_state", "series")
    op.drop_table("series")
