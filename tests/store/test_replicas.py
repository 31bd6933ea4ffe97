"""What keeps several bot processes on one database from doing a thing twice, on SQLite and
PostgreSQL: the guarded insert of a request, leases on unconfirmed requests, the outbox's
claims and order, and the record of Slack requests already taken in. "Two processes" are two
stores with engines of their own on the same database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.recording.model import Outcome, Post, PostKind, State
from bot.store import RecordingStore
from tests.store.conftest import T0, Database, recording

MINUTE = timedelta(minutes=1)


async def two_stores(db: Database) -> tuple[RecordingStore, RecordingStore]:
    first, second = db.store(), db.store()
    await first.migrate()
    return first, second


async def test_the_same_request_from_two_processes_at_once_is_stored_once(db: Database) -> None:
    first, second = await two_stores(db)
    for attempt in range(10):
        new = recording(stream_name=f"race{attempt}")
        results = await asyncio.gather(*(
            store.add_unless_recent(new, since=T0 - MINUTE, tolerance=2 * MINUTE,
                                    posts=[Post(PostKind.ANNOUNCE)])
            for store in (first, second, first, second)))
        assert sorted(created for _, created in results) == [False, False, False, True]
        assert len({row.id for row, _ in results}) == 1
    rows = await first.all()
    assert len(rows) == 10 and len(await first.posts()) == 10  # one root each


async def test_a_request_is_new_again_once_the_first_failed_or_is_old(db: Database) -> None:
    store, _ = await two_stores(db)
    first, created = await store.add_unless_recent(recording(), since=T0 - MINUTE,
                                                   tolerance=2 * MINUTE)
    assert created
    nearly, created = await store.add_unless_recent(
        recording(start_time=T0 + MINUTE, end_time=T0 + timedelta(hours=2, minutes=1)),
        since=T0 - MINUTE, tolerance=2 * MINUTE)
    assert not created and nearly.id == first.id  # "for 2 hours" retyped a minute later
    assert await store.transition(first.id, [State.ACCEPTED], State.FAILED)
    _, created = await store.add_unless_recent(recording(), since=T0 - MINUTE,
                                               tolerance=2 * MINUTE)
    assert created


async def test_leases_leave_a_live_process_its_requests_and_free_a_dead_ones(
    db: Database,
) -> None:
    first, second = await two_stores(db)
    mine = await first.add(recording(lease_owner="p1", lease_until=T0 + MINUTE))
    orphan = await first.add(recording(stream_name="orphan", lease_owner="gone",
                                       lease_until=T0 - MINUTE))
    unleased = await first.add(recording(stream_name="old", state=State.UNKNOWN))
    await first.add(recording(stream_name="done", state=State.CREATED))
    assert {r.id for r in await second.due_pending(T0)} == {orphan.id, unleased.id}
    claims = await asyncio.gather(
        first.claim_pending(orphan.id, "p1", T0 + MINUTE, T0),
        second.claim_pending(orphan.id, "p2", T0 + MINUTE, T0))
    assert sorted(claims) == [False, True]
    assert await first.renew_leases("p1", T0 + 3 * MINUTE) >= 1
    later = T0 + 2 * MINUTE
    assert mine.id not in {r.id for r in await second.due_pending(later)}
    assert not await second.claim_pending(mine.id, "p2", later + MINUTE, later)


async def test_the_outbox_goes_out_in_order_each_post_to_one_process(db: Database) -> None:
    first, second = await two_stores(db)
    a = await first.add(recording(), posts=[Post(PostKind.ANNOUNCE)])
    await first.update(a.id, posts=[Post(PostKind.REPLY, Outcome(State.CREATED, "TASK"),
                                         reply_to="https://hooks.example/x")])
    b = await first.add(recording(stream_name="b"), posts=[Post(PostKind.ANNOUNCE)])
    now = datetime.now(UTC) + MINUTE  # posts are stored due at once, on the wall clock
    due = await second.deliverable(now)
    assert [(p.recording_id, p.kind) for p in due] == [(a.id, PostKind.ANNOUNCE),
                                                      (b.id, PostKind.ANNOUNCE)]
    announce = due[0]
    claims = await asyncio.gather(first.claim_post(announce.id, "p1", now + MINUTE, now),
                                  second.claim_post(announce.id, "p2", now + MINUTE, now))
    assert sorted(claims) == [False, True]
    assert [p.recording_id for p in await first.deliverable(now)] == [b.id]  # a's is held
    await first.post_delivered(announce.id, now)
    [reply] = await first.deliverable(now, recording_id=a.id)
    assert reply.message == Outcome(State.CREATED, "TASK")
    assert reply.reply_to == "https://hooks.example/x"
    await first.post_failed(reply.id, now + 2 * MINUTE, "Slack said ratelimited")
    assert await first.deliverable(now, recording_id=a.id) == []  # not due yet
    assert await second.undelivered() == 2
    [again] = await second.deliverable(now + 2 * MINUTE, recording_id=a.id)
    assert again.attempts == 1
    await second.post_delivered(again.id, now + 2 * MINUTE)
    assert await second.undelivered() == 1
    [kept] = [p for p in await first.posts(a.id) if p.kind is PostKind.REPLY]
    assert kept.reply_to is None  # the response_url is not kept once delivered


async def test_a_request_is_taken_in_once_by_any_process(db: Database) -> None:
    first, second = await two_stores(db)
    seen = await asyncio.gather(first.first_sight("trigger:1", T0),
                                second.first_sight("trigger:1", T0))
    assert sorted(seen) == [False, True]
    assert await second.first_sight("trigger:2", T0)
    assert await first.forget_seen(T0 + MINUTE) == 2
    assert await first.first_sight("trigger:1", T0 + MINUTE)
