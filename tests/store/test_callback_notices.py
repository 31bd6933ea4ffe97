"""Callback events in the store and what CallbackNotices decides from them, on SQLite and
PostgreSQL, on a clock the test drives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import text

from bot.recording.callbacks import CallbackNotices
from bot.recording.events import (
    FileReady,
    NotLiveYet,
    RecordingTrouble,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import State
from bot.store import RecordingStore
from bot.store.migrations import alembic_config
from bot.tencent.callbacks import canonical_json, parse_event, stored_payload
from tests.store.conftest import Database, recording

T0 = datetime(2026, 3, 1, 12, 0, 0, 400_000, tzinfo=UTC)  # a window opening mid-second
GRACE = timedelta(minutes=2)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def push(stream: str = "livetest", sequence: str = "s1", at: datetime = T0,
         event_type: int = 1, **fields: Any) -> dict[str, Any]:
    return {"event_type": event_type, "app": "PUSH.example.com", "appname": "live",
            "stream_id": stream, "sequence": sequence, "event_time": int(at.timestamp()),
            **fields}


def file(task_id: str, file_id: str = "f1") -> dict[str, Any]:
    return {"event_type": 100, "task_id": task_id, "file_id": file_id, "file_format": "mp4",
            "video_url": f"https://vod.example.com/{file_id}.mp4", "duration": 60,
            "file_size": 1024}


async def scheduled(store: RecordingStore, **fields: Any):
    values: dict[str, Any] = {"state": State.CREATED, "task_id": "TASK-1", "start_time": T0,
                              "end_time": T0 + timedelta(hours=1)}
    values.update(fields)
    return await store.add(recording(**values))


class Outbox:
    def wake(self) -> None:
        pass

    async def deliver_now(self, recording_id: int) -> None:
        pass


def notices_at(store: RecordingStore, clock: Clock, grace: timedelta) -> CallbackNotices:
    return CallbackNotices(store, clock, grace, parse_event, Outbox())


async def receive(notices: CallbackNotices, payload: dict[str, Any]) -> int | None:
    return await notices.receive(parse_event(payload), canonical_json(stored_payload(payload)))


async def test_a_redelivery_is_recognised_and_kept_once(store: RecordingStore) -> None:
    notices = notices_at(store, Clock(T0), GRACE)
    first = await receive(notices, {**file("TASK-1"), "t": 1, "sign": "a"})
    again = await receive(notices, {**file("TASK-1"), "t": 2, "sign": "b"})
    assert first is not None and again is None
    [row] = await store.callbacks()
    assert row.dedupe_key == "100:TASK-1:f1" and '"sign"' not in row.payload


async def test_a_file_goes_to_its_task_and_is_handled_once(store: RecordingStore) -> None:
    rec = await scheduled(store, state=State.STOPPED)  # a stopped recording has files too
    notices = notices_at(store, Clock(T0 + timedelta(hours=2)), GRACE)
    cid = await receive(notices, file("TASK-1"))
    assert cid is not None
    decision = await notices.handle(cid)
    [delivery] = decision.deliveries
    assert delivery.recording.id == rec.id and isinstance(delivery.notice, FileReady)
    row = await store.get_callback(cid)
    assert row is not None and row.recording_id == rec.id and row.handled_at is not None
    assert (await notices.handle(cid)).already_handled
    [post] = await store.posts(rec.id)  # the message was stored with the handling, once
    assert isinstance(post.message, FileReady) and post.message == delivery.notice


async def test_a_file_for_an_unknown_task_is_kept_with_the_reason(store: RecordingStore) -> None:
    notices = notices_at(store, Clock(T0), GRACE)
    cid = await receive(notices, file("NOT-OURS"))
    assert cid is not None
    decision = await notices.handle(cid)
    assert decision.deliveries == [] and "NOT-OURS" in decision.outcome
    [row] = await store.callbacks()
    assert row.recording_id is None and row.handled_at is not None
    assert await store.unhandled_callbacks(received_before=T0 + timedelta(days=1)) == []


async def test_push_and_break_go_to_windows_holding_them(store: RecordingStore) -> None:
    inside = await scheduled(store, domain_name="push.EXAMPLE.com")
    await scheduled(store, task_id="LATER", start_time=T0 + timedelta(hours=3),
                    end_time=T0 + timedelta(hours=4))
    await scheduled(store, task_id="OTHER", stream_name="other")
    await scheduled(store, task_id="GONE", state=State.CANCELLED)
    notices = notices_at(store, Clock(T0), GRACE)
    # Tencent's event time is whole seconds: 12:00:00 is inside a window opening 12:00:00.4.
    cid = await receive(notices, push(at=T0.replace(microsecond=0)))
    assert cid is not None
    decision = await notices.decide(cid)
    assert [(d.recording.id, type(d.notice)) for d in decision.deliveries] == [
        (inside.id, StreamLive)]
    brk = await receive(notices, push(event_type=0, at=T0 + timedelta(minutes=42),
                                      push_duration="2520000"))
    assert brk is not None
    [delivery] = (await notices.decide(brk)).deliveries
    assert delivery.notice == StreamStopped(T0.replace(microsecond=0) + timedelta(minutes=42),
                                            2_520_000, None, "")
    outside = await receive(notices, push(sequence="s9", at=T0 - timedelta(hours=1)))
    assert outside is not None
    assert (await notices.decide(outside)).deliveries == []


async def test_status_events_speak_only_of_trouble(store: RecordingStore) -> None:
    rec = await scheduled(store)
    notices = notices_at(store, Clock(T0), GRACE)
    said = {}
    for seq, record_event in enumerate(("record_start_succeeded", "record_paused",
                                        "record_resumed", "record_ended",
                                        "record_start_failed", "record_error")):
        cid = await receive(notices, {"event_type": 332, "session_id": "TASK-1",
                                      "seq": str(seq), "record_event": record_event,
                                      "stream_id": "livetest"})
        assert cid is not None
        deliveries = (await notices.decide(cid)).deliveries
        assert all(d.recording.id == rec.id for d in deliveries)
        said[record_event] = [d.notice for d in deliveries]
    assert said == {
        "record_start_succeeded": [], "record_paused": [], "record_resumed": [],
        "record_ended": [], "record_start_failed": [RecordingTrouble("record_start_failed")],
        "record_error": [RecordingTrouble("record_error")],
    }


async def test_the_live_check_waits_for_the_grace_and_tells_once(store: RecordingStore) -> None:
    rec = await scheduled(store)
    clock = Clock(T0 + GRACE - timedelta(seconds=1))
    notices = notices_at(store, clock, GRACE)
    assert await notices.live_checks() == []  # still within the grace
    clock.now = T0 + GRACE
    [delivery] = await notices.live_checks()
    assert delivery.recording.id == rec.id and delivery.notice == NotLiveYet(T0)
    clock.now += timedelta(seconds=15)
    assert await notices.live_checks() == []
    stored = await store.get(rec.id)
    assert stored is not None and stored.live_checked_at == T0 + GRACE
    [post] = await store.posts(rec.id)
    assert post.message == NotLiveYet(T0)


async def test_the_live_check_and_what_came_before(store: RecordingStore) -> None:
    pushed_in_time = await scheduled(store, stream_name="intime")
    live_before = await scheduled(store, stream_name="early")
    broke_before = await scheduled(store, stream_name="gone")
    broke_inside = await scheduled(store, stream_name="flaky")
    closed = await scheduled(store, stream_name="closed", end_time=T0 + timedelta(minutes=1))
    notices = notices_at(store, Clock(T0), GRACE)
    for payload in (
        push("intime", "a", at=T0 + timedelta(seconds=30)),
        push("early", "b", at=T0 - timedelta(minutes=5)),
        push("gone", "c", at=T0 - timedelta(minutes=9)),
        push("gone", "c", event_type=0, at=T0 - timedelta(minutes=5)),
        push("flaky", "d", at=T0 + timedelta(seconds=10)),
        push("flaky", "d", event_type=0, at=T0 + timedelta(seconds=50)),
    ):
        await receive(notices, payload)
    notices.clock = Clock(T0 + GRACE)
    told = {d.recording.id: d.notice for d in await notices.live_checks()}
    assert told == {
        live_before.id: StreamLive(T0.replace(microsecond=0) - timedelta(minutes=5),
                                   before_window=True),
        broke_before.id: NotLiveYet(T0),
    }
    for rec in (pushed_in_time, broke_inside):  # checked, and quiet: their threads were told
        stored = await store.get(rec.id)
        assert stored is not None and stored.live_checked_at == T0 + GRACE
    # The closed window was never checked: it ended before its grace did.
    closed_row = await store.get(closed.id)
    assert closed_row is not None and closed_row.live_checked_at is None


async def test_the_live_check_is_claimed_by_one_process(store: RecordingStore) -> None:
    await scheduled(store)
    first = notices_at(store, Clock(T0 + GRACE), GRACE)
    second = notices_at(store, Clock(T0 + GRACE), GRACE)
    rec = (await store.due_live_checks(T0 + GRACE, GRACE))[0]
    assert await store.claim_live_check(rec.id, T0 + GRACE)
    assert not await store.claim_live_check(rec.id, T0 + GRACE)
    assert await first.live_checks() == [] and await second.live_checks() == []


async def test_migration_marks_windows_already_open_as_checked(db: Database) -> None:
    """Recordings from before callbacks existed: those already started are not checked (the
    bot heard no push for them); those still ahead are."""
    store = db.store()
    async with store.engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(alembic_config(connection=c), "0001"))
    old_start = datetime.now(UTC) - timedelta(minutes=5)
    new_start = datetime.now(UTC) + timedelta(hours=1)
    async with store.engine.begin() as conn:
        for i, start in enumerate((old_start, new_start)):
            when = start.replace(tzinfo=None) if db.backend == "sqlite" else start
            await conn.execute(text(
                "INSERT INTO recordings (team_id, channel_id, requester_id, source, raw_text, "
                "timezone, start_time, end_time, stream_name, domain_name, app_name, "
                "stream_type, state, created_at, updated_at) VALUES ('T', 'C', 'U', 'command', "
                "'x', 'UTC', :s, :e, :n, 'd.example.com', 'live', 0, 'created', :s, :s)"),
                {"s": when, "e": when + timedelta(hours=2), "n": f"s{i}"})
    await store.migrate()
    rows = {r.stream_name: r.live_checked_at for r in await store.all()}
    assert rows["s0"] is not None and rows["s1"] is None
