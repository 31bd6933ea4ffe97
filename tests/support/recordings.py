"""Recordings as the store hands them out, for tests that need one without a store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.recording.model import Recording, State


def make_recording(**fields: Any) -> Recording:
    created = datetime(2026, 11, 25, 12, tzinfo=UTC)
    values: dict[str, Any] = dict(
        id=3, team_id="T1", channel_id="C1", root_ts="1.2", requester_id="U1",
        source="command", raw_text="livetest tomorrow 8pm to 10pm",
        when_text="tomorrow 8pm to 10pm", timezone="Asia/Shanghai",
        start_time=datetime(2026, 11, 26, 12, tzinfo=UTC),
        end_time=datetime(2026, 11, 26, 14, tzinfo=UTC), stream_name="livetest",
        domain_name="push.example.com", app_name="live", template_id=None, stream_type=0,
        state=State.CREATED, task_id="TASK", created_at=created, updated_at=created)
    values.update(fields)
    return Recording(**values)
