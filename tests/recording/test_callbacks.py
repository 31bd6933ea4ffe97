"""What a Tencent callback means for the bot's recordings, as the use case decides it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.recording.callbacks import CallbackNotices
from bot.recording.events import FileReady, NotLiveYet, StreamLive
from bot.recording.model import NewRecording, State
from bot.tencent.callbacks import parse_event
from tests.recording.fakes import Clock, FakeOutbox, MemoryStore

T0 = datetime(2026, 11, 26, 12, tzinfo=UTC)
GRACE = timedelta(minutes=2)


async def world(now: datetime):
    clock = Clock(now)
    store = MemoryStore(clock)
    rec = await store.add(NewRecording(
        team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
        timezone="UTC", start_time=T0, end_time=T0 + timedelta(hours=1), stream_name="live1",
        domain_name="push.example.com", app_name="live", state=State.CREATED, task_id="TASK",
        root_ts="1.1"))
    return clock, store, CallbackNotices(store, clock, GRACE, parse_event, FakeOutbox()), rec


async def keep(notices: CallbackNotices, payload: dict) -> int | None:
    return await notices.receive(parse_event(payload), json.dumps(payload))


async def test_a_file_reaches_its_recordings_thread_once() -> None:
    _, _, notices, rec = await world(T0 + timedelta(hours=2))
    payload = {"event_type": 100, "task_id": "TASK", "file_id": "f1",
               "video_url": "https://vod.example.com/f1.mp4"}
    cid = await keep(notices, payload)
    assert cid is not None and await keep(notices, payload) is None  # a redelivery
    store = notices.store
    await notices.handle(cid)
    await notices.handle(cid)
    [post] = store.outbox
    assert post.recording_id == rec.id and isinstance(post.message, FileReady)


async def test_a_push_in_the_window_is_said_and_one_outside_is_kept_quietly() -> None:
    _, store, notices, rec = await world(T0)
    assert rec.state is State.CREATED
    inside = await keep(notices, {"event_type": 1, "app": "PUSH.example.com", "appname": "live",
                                  "stream_id": "live1", "sequence": "a",
                                  "event_time": int((T0 + timedelta(minutes=5)).timestamp())})
    outside = await keep(notices, {"event_type": 1, "app": "push.example.com",
                                   "appname": "live", "stream_id": "live1", "sequence": "b",
                                   "event_time": int((T0 - timedelta(hours=3)).timestamp())})
    await notices.handle(inside)
    await notices.handle(outside)
    assert [type(p.message) for p in store.outbox] == [StreamLive]
    assert (await store.get_callback(outside)).handled_at is not None


async def test_the_live_check_says_not_live_once_after_the_grace() -> None:
    clock, store, notices, rec = await world(T0 + GRACE - timedelta(seconds=1))
    assert await notices.check_live() == 0
    clock.advance(timedelta(seconds=2))
    assert await notices.check_live() == 1
    assert await notices.check_live() == 0
    [post] = store.outbox
    assert post.recording_id == rec.id and isinstance(post.message, NotLiveYet)


async def test_two_processes_handle_an_event_once() -> None:
    import asyncio

    clock, store, notices, _rec = await world(T0 + timedelta(minutes=5))
    other = CallbackNotices(store, clock, GRACE, parse_event, FakeOutbox())
    cid = await keep(notices, {"event_type": 100, "task_id": "TASK", "file_id": "f9",
                               "video_url": "https://vod.example.com/f9.mp4"})
    await asyncio.gather(notices.handle(cid), other.handle(cid))
    assert len(store.outbox) == 1
