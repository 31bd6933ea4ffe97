"""Reconciliation: unconfirmed requests settled by asking Tencent, never by creating again —
only those whose process is gone (an expired lease), by exactly one process, retried with a
growing wait while Tencent cannot be asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.recording.model import NewRecording, Reconciled, State
from bot.recording.ports import OutcomeUnknown, RecordTaskInfo, Worker
from bot.recording.reconcile import Heartbeat, Reconcile
from tests.recording.conftest import World

START = datetime(2026, 11, 26, 12, tzinfo=UTC)


async def pending(world: World, state: State = State.ACCEPTED, **fields):
    return await world.store.add(NewRecording(
        team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
        timezone="UTC", start_time=START, end_time=START + timedelta(hours=2),
        stream_name="livetest", domain_name="push.example.com", app_name="live", state=state,
        root_ts="1.1", **fields))


def task(task_id: str, start: datetime = START) -> RecordTaskInfo:
    return RecordTaskInfo(task_id, "livetest", "push.example.com", "live",
                          int(start.timestamp()), int((start + timedelta(hours=2)).timestamp()),
                          0, 0)


async def test_a_task_tencent_has_is_found_and_said(world: World) -> None:
    row = await pending(world)  # left by a crash before the lease existed: due at once
    world.live.tasks["FOUND"] = task("FOUND")
    assert await world.reconcile.due() == 1
    settled = world.store.rows[row.id]
    assert (settled.state, settled.task_id, settled.lease_owner) == (State.CREATED, "FOUND",
                                                                     None)
    assert world.store.messages(Reconciled) == [Reconciled("FOUND")]
    assert world.live.count("create") == 0


async def test_no_task_means_failed_and_a_task_of_another_request_is_not_taken(
    world: World,
) -> None:
    claimed = await pending(world, State.CREATED)
    await world.store.update(claimed.id, task_id="THEIRS")
    row = await pending(world, State.UNKNOWN)
    world.live.tasks["THEIRS"] = task("THEIRS")
    await world.reconcile.due()
    assert world.store.rows[row.id].state is State.FAILED
    assert world.store.messages(Reconciled) == [Reconciled(None)]


async def test_a_request_another_live_process_works_on_is_left_to_it(world: World) -> None:
    other = Worker("other-process", timedelta(seconds=15))
    row = await pending(world, lease_owner=other.owner,
                        lease_until=world.clock() + other.lease)
    heartbeat = Heartbeat(world.store, world.clock, other)
    for _ in range(6):  # a minute, with the other process alive and beating
        world.clock.advance(timedelta(seconds=10))
        await heartbeat.beat()
        assert await world.reconcile.due() == 0
    assert world.store.rows[row.id].state is State.ACCEPTED and world.live.calls == []
    world.clock.advance(other.lease)  # it stopped beating: gone
    world.live.tasks["FOUND"] = task("FOUND")
    assert await world.reconcile.due() == 1
    assert world.store.rows[row.id].state is State.CREATED


async def test_two_processes_settle_a_request_once(world: World) -> None:
    import asyncio

    row = await pending(world)
    second = Reconcile(world.live, world.store, world.clock, Worker("second"), world.outbox)
    await asyncio.gather(world.reconcile.due(), second.due())
    assert world.live.count("describe") == 1
    assert len(world.store.messages(Reconciled)) == 1
    assert world.store.rows[row.id].state is State.FAILED


async def test_tencent_unreachable_is_tried_again_later_and_later_until_it_answers(
    world: World,
) -> None:
    row = await pending(world, State.UNKNOWN)
    waits = []
    for _ in range(4):
        world.live.fail["describe"] = OutcomeUnknown("ClientNetworkError", "down")
        assert await world.reconcile.due() == 0
        held = world.store.rows[row.id]
        assert held.state is State.UNKNOWN and held.lease_owner is None
        waits.append(held.lease_until - world.clock())
        assert await world.reconcile.due() == 0  # not due again yet
        world.clock.advance(waits[-1])
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120),
                     timedelta(seconds=240)]
    assert await world.reconcile.due() == 1  # Tencent answers at last
    assert world.store.rows[row.id].state is State.FAILED
    assert world.store.messages(Reconciled) == [Reconciled(None)]


async def test_the_wait_is_bounded(world: World) -> None:
    row = await pending(world, State.UNKNOWN)
    world.store.rows[row.id] = replace(world.store.rows[row.id], attempts=30)
    world.live.fail["describe"] = OutcomeUnknown("ClientNetworkError", "down")
    await world.reconcile.due()
    assert world.store.rows[row.id].lease_until - world.clock() == timedelta(minutes=5)
