"""Reconciliation: unconfirmed requests settled by asking Tencent, never by creating again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.recording.model import NewRecording, Reconciled, State
from bot.recording.ports import OutcomeUnknown, RecordTaskInfo
from tests.recording.conftest import World

START = datetime(2026, 11, 26, 12, tzinfo=UTC)


async def pending(world: World, state: State = State.ACCEPTED):
    return await world.store.add(NewRecording(
        team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
        timezone="UTC", start_time=START, end_time=START + timedelta(hours=2),
        stream_name="livetest", domain_name="push.example.com", app_name="live", state=state,
        root_ts="1.1"))


def task(task_id: str, start: datetime = START) -> RecordTaskInfo:
    return RecordTaskInfo(task_id, "livetest", "push.example.com", "live",
                          int(start.timestamp()), int((start + timedelta(hours=2)).timestamp()),
                          0, 0)


async def test_a_task_tencent_has_is_found_and_said(world: World) -> None:
    row = await pending(world)
    world.live.tasks["FOUND"] = task("FOUND")
    notifier = world.notifier()
    assert await world.reconcile.pending(notifier) == 1
    assert (world.store.rows[row.id].state, world.store.rows[row.id].task_id) == (
        State.CREATED, "FOUND")
    [said] = notifier.messages(Reconciled)
    assert said.found_task_id == "FOUND" and world.live.count("create") == 0


async def test_no_task_means_failed_and_a_task_of_another_request_is_not_taken(
    world: World,
) -> None:
    claimed = await pending(world, State.CREATED)
    await world.store.update(claimed.id, task_id="THEIRS")
    row = await pending(world, State.UNKNOWN)
    world.live.tasks["THEIRS"] = task("THEIRS")
    notifier = world.notifier()
    await world.reconcile.pending(notifier)
    assert world.store.rows[row.id].state is State.FAILED
    [said] = notifier.messages(Reconciled)
    assert said.found_task_id is None


async def test_tencent_unreachable_leaves_it_for_later(world: World) -> None:
    row = await pending(world)
    world.live.fail["describe"] = OutcomeUnknown("ClientNetworkError", "down")
    notifier = world.notifier()
    assert await world.reconcile.pending(notifier) == 0
    assert world.store.rows[row.id].state is State.ACCEPTED and notifier.shown.replies == []


async def test_a_recheck_waits_then_answers_once(world: World) -> None:
    row = await pending(world, State.UNKNOWN)
    world.live.fail["describe"] = OutcomeUnknown("ClientNetworkError", "down")  # first look
    before = world.clock()
    result = await world.reconcile.later(row.id, world.notifier(), delay=30)
    assert result is not None and result.recording.state is State.FAILED
    assert world.clock() - before == timedelta(seconds=30 + 60)  # 30 s, then twice as long
