"""Recordings and their audit trail.

A database made by the store before it had migrations (``create_all``) already holds
``recordings`` with these columns; it is kept, and only what it lacks is added.

Revision ID: 0001
Revises:
Create Date: 2026-05-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("recordings"):
        op.create_table(
            "recordings",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("team_id", sa.String(32), nullable=False),
            sa.Column("channel_id", sa.String(32), nullable=False),
            sa.Column("root_ts", sa.String(32), nullable=True),
            sa.Column("requester_id", sa.String(32), nullable=False),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("raw_text", sa.Text(), nullable=False),
            sa.Column("timezone", sa.String(64), nullable=False),
            sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
            sa.Column("end_time", sa.DateTime(timezone=True), nullable=False),
            sa.Column("stream_name", sa.String(256), nullable=False),
            sa.Column("domain_name", sa.String(256), nullable=False),
            sa.Column("app_name", sa.String(128), nullable=False),
            sa.Column("template_id", sa.Integer(), nullable=True),
            sa.Column("stream_type", sa.Integer(), nullable=False),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("task_id", sa.String(128), nullable=True),
            sa.Column("error_code", sa.String(128), nullable=True),
            sa.Column("error_message", sa.Text(), nullable=True),
            sa.Column("request_id", sa.String(128), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        )
    existing = {ix["name"] for ix in inspector.get_indexes("recordings")}
    for name, columns in (
        ("ix_recordings_state", ["state"]),
        ("ix_recordings_task_id", ["task_id"]),
        ("ix_recordings_team_id_start_time", ["team_id", "start_time"]),
    ):
        if name not in existing:
            op.create_index(name, "recordings", columns)

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"],
            name="fk_audit_recording_id_recordings", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_recording_id", "audit", ["recording_id"])


def downgrade() -> None:
    op.drop_table("audit")  # its index goes with it
    op.drop_table("recordings")
