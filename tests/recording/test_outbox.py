"""The outbox relay: every stored post delivered once, a recording's in order, what Slack does
not take now tried again later (a growing wait), and two processes never sending one twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.recording.model import NewRecording, Outcome, Post, PostKind, State
from bot.recording.outbox import OutboxRelay, TryLater
from bot.recording.ports import Worker
from tests.recording.fakes import Clock, FakeSender, MemoryStore

T0 = datetime(2026, 11, 26, 12, tzinfo=UTC)


def new_recording(stream: str = "live1") -> NewRecording:
    return NewRecording(team_id="T1", channel_id="C1", requester_id="U1", source="command",
                        raw_text="x", timezone="UTC", start_time=T0,
                        end_time=T0 + timedelta(hours=1), stream_name=stream,
                        domain_name="push.example.com", app_name="live")


async def setup():
    clock, sender = Clock(T0), FakeSender()
    store = MemoryStore(clock)
    relay = OutboxRelay(store, sender, clock, Worker("p1"))
    rec = await store.add(new_recording(), posts=[Post(PostKind.ANNOUNCE)])
    await store.update(rec.id, posts=[Post(PostKind.REPLY, Outcome(State.CREATED, "T1"))])
    return clock, store, sender, relay, rec


async def test_a_root_then_its_reply_each_once_and_the_root_reference_kept() -> None:
    _, store, sender, relay, rec = await setup()
    assert await relay.deliver_due() == 1  # the reply waits for its root
    assert await relay.deliver_due() == 1
    assert await relay.deliver_due() == 0
    assert [kind for _, kind, _ in sender.sent] == [PostKind.ANNOUNCE, PostKind.REPLY]
    assert store.rows[rec.id].root_ts == f"root-{rec.id}"
    assert await store.undelivered() == 0


async def test_an_outage_delays_a_post_without_losing_it() -> None:
    clock, store, sender, relay, _rec = await setup()
    sender.fail = [TryLater("Slack is down")] * 3
    waits = []
    for _ in range(3):
        assert await relay.deliver_due() == 0
        assert await store.undelivered() == 2  # the database says what is still waiting
        [(_, (_, retry_at))] = store.claims.items()
        waits.append(retry_at - clock())
        clock.advance(retry_at - clock())
    assert waits == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4)]
    assert await relay.deliver_due() == 1 and await relay.deliver_due() == 1
    assert [kind for _, kind, _ in sender.sent] == [PostKind.ANNOUNCE, PostKind.REPLY]


async def test_a_post_that_can_never_go_out_is_given_up_and_the_rest_go_on() -> None:
    _, store, sender, relay, _rec = await setup()
    sender.fail = [ValueError("invalid_blocks")]
    assert await relay.deliver_due() == 0
    assert await relay.deliver_due() == 1  # the reply is not held back by a broken root
    assert await store.undelivered() == 0


async def test_two_processes_deliver_each_post_once() -> None:
    clock, store, sender, relay, _ = await setup()
    other = await store.add(new_recording("live2"), posts=[Post(PostKind.ANNOUNCE)])
    second = OutboxRelay(store, sender, clock, Worker("p2"))
    for _ in range(3):
        await asyncio.gather(relay.deliver_due(), second.deliver_due())
    assert len(sender.sent) == 3 and await store.undelivered() == 0
    assert {rid for rid, _, _ in sender.sent} == {1, other.id}
