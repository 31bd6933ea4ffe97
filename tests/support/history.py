"""Years of a busy team's past recordings, written straight through the models (bulk inserts):
what the query-plan tests and bench/history.py put behind the bot.

Every window of the history ended before ``now - 2 days``, longer ago than anything the bot
looks at again (the list shows a day back, the duplicate check ten minutes): a store with this
history must answer as an empty one does. Most recordings were created and ran (their root
message shows the window as over, the live check ran, Tencent called back a push and a
break); some were stopped, cancelled or refused. Each has the messages it sent (delivered) and
an audit entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.recording.model import AuditAction, State, WindowPhase
from bot.store.models import AuditRow, CallbackRow, OutboxRow, RecordingRow

TEAM = "T0HISTORY"
USERS = ("U0HIST1", "U0HIST2", "U0HIST3", "U0HIST4", "U0HIST5")
STREAMS = ("livetest", "news", "sports")
DOMAIN, APP = "push.example.com", "live"
SPACING = timedelta(minutes=15)  # 100,000 recordings: ~2.9 years
BATCH = 5000


def _states(i: int) -> State:
    return (State.FAILED if i % 33 == 0 else State.CANCELLED if i % 20 == 0
            else State.STOPPED if i % 14 == 0 else State.CREATED)


async def fill_history(engine: AsyncEngine, count: int, now: datetime, *,
                       team: str = TEAM) -> None:
    """Append ``count`` past recordings of ``team`` (and their messages, callback events and
    audit entries) to a migrated store; the newest ended at ``now - 2 days``."""
    async with engine.connect() as conn:
        first_id = int(await conn.scalar(select(func.coalesce(func.max(RecordingRow.id), 0))))
    newest_end = now - timedelta(days=2)
    for begin in range(0, count, BATCH):
        recordings: list[dict[str, Any]] = []
        posts: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        for i in range(begin, min(count, begin + BATCH)):
            rid = first_id + i + 1
            end = newest_end - SPACING * (count - 1 - i)
            start = end - timedelta(hours=1 + i % 2)
            state = _states(i)
            stream = STREAMS[i % len(STREAMS)]
            ran = state in (State.CREATED, State.STOPPED)
            task_id = None if state is State.FAILED else f"history-{team}-{rid}"
            asked = start - timedelta(hours=3)
            recordings.append({
                "id": rid, "team_id": team, "channel_id": "C0HISTORY",
                "root_ts": f"{asked.timestamp():.6f}", "requester_id": USERS[i % len(USERS)],
                "source": "command", "raw_text": f"{stream} today 8pm to 10pm",
                "when_text": "today 8pm to 10pm", "timezone": "Asia/Shanghai",
                "start_time": start, "end_time": end, "stream_name": stream,
                "domain_name": DOMAIN, "app_name": APP, "template_id": None, "stream_type": 0,
                "state": state, "task_id": task_id,
                "error_code": "InvalidParameter" if state is State.FAILED else None,
                "error_message": None, "request_id": f"req-{rid}",
                "created_at": asked, "updated_at": end,
                "live_checked_at": start + timedelta(minutes=2) if ran else None,
                "shown_phase": WindowPhase.AFTER if ran else None,
                "presentation": None, "lease_owner": None, "lease_until": None,
                "attempts": 0, "language": "en",
            })
            for kind in ("announce", "reply"):
                posts.append({"recording_id": rid, "kind": kind, "message": None,
                              "reply_to": None, "created_at": asked, "due_at": asked,
                              "attempts": 0, "delivered_at": asked + timedelta(seconds=1)})
            if ran:
                for event_type, at in ((1, start + timedelta(seconds=5)), (0, end)):
                    events.append({
                        "dedupe_key": f"{team}-{rid}-{event_type}", "event_type": event_type,
                        "task_id": None, "stream_name": stream, "domain_name": DOMAIN,
                        "app_name": APP, "event_time": at, "payload": "{}", "received_at": at,
                        "handled_at": at, "recording_id": rid, "outcome": "noted"})
            audit.append({"recording_id": rid, "team_id": team, "user_id": USERS[i % 5],
                          "action": AuditAction.CREATE, "detail": f"created {task_id}",
                          "at": asked})
        async with engine.begin() as conn:
            await conn.execute(insert(RecordingRow), recordings)
            await conn.execute(insert(OutboxRow), posts)
            if events:
                await conn.execute(insert(CallbackRow), events)
            await conn.execute(insert(AuditRow), audit)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Keep the sequence ahead of the ids given here.
            await conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('recordings', 'id'), "
                "(SELECT max(id) FROM recordings))")


async def analyze(engine: AsyncEngine) -> None:
    """Statistics, as autovacuum (PostgreSQL) would gather them soon after such a load; SQLite
    keeps none unless told (the bot never runs ANALYZE there), so it is left as it is."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.exec_driver_sql("ANALYZE")
