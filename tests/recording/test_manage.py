"""Stop, cancel and list as the use cases decide them, against in-memory ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.recording.manage import (
    Done,
    NoRecord,
    NotAllowed,
    NotFound,
    NotNow,
    Rejected,
    StateProblem,
)
from bot.recording.model import Listing, Managed, PostKind, State, TaskStatus, Verb
from bot.recording.ports import RecordTaskInfo, TencentRejected
from bot.recording.schedule import Scheduled
from tests.recording.conftest import World, request


async def scheduled(world: World, when: str = "today 3pm to 5pm", user: str = "U1"):
    result = await world.schedule.run(request(when, user=user))
    assert isinstance(result, Scheduled) and result.outcome.state is State.CREATED
    return result.recording


async def act(world: World, verb: Verb, user: str = "U1", **target):
    """The result, and the messages it stored for threads."""
    before = len(world.store.outbox)
    result = await world.manage.act(verb, user_id=user, team_id="T1", channel_id="C1",
                                    **target)
    return result, [p.message for p in world.store.outbox[before:]]


async def test_stop_in_the_window_stops_it_and_tells_the_thread(world: World) -> None:
    rec = await scheduled(world)
    world.clock.advance(timedelta(hours=1, minutes=30))  # 15:30, in the window
    result, told = await act(world, Verb.STOP, recording_id=rec.id)
    assert isinstance(result, Done) and result.recording is not None
    assert result.recording.state is State.STOPPED
    assert world.live.tasks[rec.task_id].stopped
    [managed] = told
    assert isinstance(managed, Managed)
    assert (managed.verb, managed.user_id, managed.task_id) == (Verb.STOP, "U1", rec.task_id)


async def test_the_state_decides_between_stop_and_cancel(world: World) -> None:
    rec = await scheduled(world)
    early, _ = await act(world, Verb.STOP, recording_id=rec.id)
    assert isinstance(early, NotNow) and early.problem is StateProblem.NOT_STARTED
    world.clock.advance(timedelta(hours=1, minutes=30))
    running, _ = await act(world, Verb.CANCEL, recording_id=rec.id)
    assert isinstance(running, NotNow) and running.problem is StateProblem.RUNNING
    world.clock.advance(timedelta(hours=3))
    ended, _ = await act(world, Verb.STOP, recording_id=rec.id)
    assert isinstance(ended, NotNow) and ended.problem is StateProblem.ENDED
    assert world.live.count("stop") == 0 and world.live.count("delete") == 0


async def test_cancel_before_the_window_deletes_the_task(world: World) -> None:
    rec = await scheduled(world)
    result, _ = await act(world, Verb.CANCEL, recording_id=rec.id)
    assert isinstance(result, Done) and rec.task_id not in world.live.tasks
    again, _ = await act(world, Verb.CANCEL, recording_id=rec.id)
    assert isinstance(again, NotNow) and again.problem is StateProblem.ALREADY_CANCELLED


async def test_only_the_requester_or_an_admin_may(world: World) -> None:
    rec = await scheduled(world)
    other, _ = await act(world, Verb.CANCEL, user="U2", recording_id=rec.id)
    assert isinstance(other, NotAllowed) and other.recording is not None
    assert world.store.rows[rec.id].state is State.CREATED
    admin, _ = await act(world, Verb.CANCEL, user="UADMIN", recording_id=rec.id)
    assert isinstance(admin, Done)


async def test_an_unknown_recording_and_a_refusal_from_tencent(world: World) -> None:
    gone, _ = await act(world, Verb.STOP, recording_id=999)
    assert isinstance(gone, NoRecord)
    typo, _ = await act(world, Verb.STOP, task_id="abc123")
    assert isinstance(typo, NotFound) and typo.task_id == "abc123"
    assert world.live.calls == []  # not the bot's: Tencent is not asked for someone else
    by_admin, _ = await act(world, Verb.STOP, user="UADMIN", task_id="abc123")
    assert isinstance(by_admin, NotFound) and world.live.count("stop") == 1
    rec = await scheduled(world)
    world.live.fail["delete"] = TencentRejected("InternalError", "try later", "req-9")
    refused, told = await act(world, Verb.CANCEL, recording_id=rec.id)
    assert isinstance(refused, Rejected) and refused.request_id == "req-9"
    assert world.store.rows[rec.id].state is State.CREATED and told == []


async def test_the_list_merges_the_bots_rows_with_tencents_tasks(world: World) -> None:
    mine = await scheduled(world, "tomorrow 8pm to 10pm")
    now = int(world.clock().timestamp())
    world.live.tasks["ELSEWHERE"] = RecordTaskInfo("ELSEWHERE", "other", "push.example.com",
                                                   "live", now - 600, now + 600, 0, 0)
    world.live.tasks["FOREIGN"] = RecordTaskInfo("FOREIGN", "other", "not.ours.example",
                                                 "live", now - 600, now + 600, 0, 0)
    listing = await world.manage.list("T1", "U1", "C1")
    assert isinstance(listing, Listing) and listing.tencent_error is None
    assert [(i.task_id, i.status, i.from_bot) for i in listing.items] == [
        ("ELSEWHERE", TaskStatus.IN_WINDOW, False),
        (mine.task_id, TaskStatus.SCHEDULED, True),
    ]
    assert listing.items[1].start == datetime(2026, 11, 26, 12, tzinfo=UTC)


async def test_roots_follow_their_window_once_each(world: World) -> None:
    from bot.recording.model import WindowPhase
    from bot.recording.phases import RootPhases

    rec = await scheduled(world)  # 15:00 to 17:00; it is 14:00
    world.store.rows[rec.id] = replace(world.store.rows[rec.id], root_ts="1.1")
    assert world.store.rows[rec.id].shown_phase is WindowPhase.BEFORE
    phases = RootPhases(world.store, world.clock, world.outbox)
    assert await phases.refresh_due() == 0
    world.clock.advance(timedelta(hours=1))
    assert await phases.refresh_due() == 1
    assert await phases.refresh_due() == 0
    assert world.store.rows[rec.id].shown_phase is WindowPhase.DURING
    world.clock.advance(timedelta(hours=2))
    assert await phases.refresh_due() == 1
    assert [p.kind for p in world.store.posts(rec.id)][-2:] == [PostKind.REFRESH,
                                                                PostKind.REFRESH]
