"""Tencent's callback events, and when each recording's "is the stream live?" check ran.

Recordings whose window had already started before this migration are marked as checked: the
bot received no callbacks for them, so it could only wrongly say their stream is not live.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "callback_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(255), nullable=False),
        sa.Column("event_type", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("stream_name", sa.String(256), nullable=True),
        sa.Column("domain_name", sa.String(256), nullable=True),
        sa.Column("app_name", sa.String(128), nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"],
            name="fk_callback_events_recording_id_recordings", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_callback_events"),
        sa.UniqueConstraint("dedupe_key", name="uq_callback_events_dedupe_key"),
    )
    op.create_index("ix_callback_events_recording_id", "callback_events", ["recording_id"])
    op.create_index("ix_callback_events_task_id", "callback_events", ["task_id"])
    op.create_index(
        "ix_callback_events_stream_name_event_type_event_time", "callback_events",
        ["stream_name", "event_type", "event_time"],
    )

    # SQLite can add a nullable column in place; no table copy is needed.
    op.add_column("recordings",
                  sa.Column("live_checked_at", sa.DateTime(timezone=True), nullable=True))
    recordings = sa.table(
        "recordings",
        sa.column("start_time", sa.DateTime(timezone=True)),
        sa.column("live_checked_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # the store keeps UTC wall-clock text on SQLite
    op.execute(
        recordings.update().where(recordings.c.start_time <= now).values(live_checked_at=now)
    )


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.drop_column("live_checked_at")
    op.drop_table("callback_events")  # its indexes go with it
