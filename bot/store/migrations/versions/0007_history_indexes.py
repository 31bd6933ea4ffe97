"""Indexes that keep every repeated query bounded however long the history grows.

With years of past recordings in one team, ``/record list`` and the duplicate check read every
row of the team (the index on the start does not bound the end), and the callbacks' and live
check's look-ups read every created row (the index on the state alone matches them all). Now:
a team's rows by the end of their window, the rows of a state by the end of their window, the
created rows by the phase their root message shows, and the callback events not acted on.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_recordings_team_id_end_time", "recordings", ["team_id", "end_time"])
    op.create_index("ix_recordings_state_end_time", "recordings", ["state", "end_time"])
    op.create_index("ix_recordings_state_shown_phase_end_time", "recordings",
                    ["state", "shown_phase", "end_time"])
    # Both are the first columns of the indexes above, which serve their queries better.
    op.drop_index("ix_recordings_team_id_start_time", table_name="recordings")
    op.drop_index("ix_recordings_state", table_name="recordings")
    op.create_index("ix_callback_events_handled_at", "callback_events", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_callback_events_handled_at", table_name="callback_events")
    op.create_index("ix_recordings_state", "recordings", ["state"])
    op.create_index("ix_recordings_team_id_start_time", "recordings", ["team_id", "start_time"])
    op.drop_index("ix_recordings_state_shown_phase_end_time", table_name="recordings")
    op.drop_index("ix_recordings_state_end_time", table_name="recordings")
    op.drop_index("ix_recordings_team_id_end_time", table_name="recordings")
