"""Series at the use-case level: long windows, far-ahead windows and repeating recordings, on a
clock the test moves and a real store (SQLite, and PostgreSQL for two replicas)."""

from __future__ import annotations

import asyncio
import itertools
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.recording.access import AccessGate, AccessPolicy, AccessRules
from bot.recording.manage import ManageRecordings, SeriesDone, Skipped
from bot.recording.model import Managed, Outcome, PostKind, SeriesCancelled, State, Verb
from bot.recording.ports import RecordTaskSpec, Worker
from bot.recording.reconcile import Reconcile
from bot.recording.rules import MAX_AHEAD, MAX_DURATION, MAX_START_AHEAD
from bot.recording.schedule import Invalid, ScheduleRecording, SeriesStarted
from bot.recording.scheduler import PartNotice, PartProblem, SeriesScheduler
from bot.recording.series import DEFAULT_SPAN
from bot.store import RecordingStore
from tests.recording.conftest import NOW, SHANGHAI, request
from tests.recording.fakes import Clock, FakeDirectory, FakeLive, FakeOutbox
from tests.store.conftest import Database, db  # noqa: F401 (the fixture)

NEW_YORK = ZoneInfo("America/New_York")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass
class World:
    clock: Clock
    live: FakeLive
    store: RecordingStore
    outbox: FakeOutbox
    schedule: ScheduleRecording
    scheduler: SeriesScheduler
    manage: ManageRecordings
    reconcile: Reconcile


def build(store: RecordingStore, clock: Clock, live: FakeLive, owner: str = "p1",
          pad: timedelta = timedelta(0)) -> World:
    directory = FakeDirectory({"U1": "Asia/Shanghai", "U2": "America/New_York"})
    gate = AccessGate(AccessPolicy(AccessRules(admins=frozenset({"UADMIN"})), directory), store)
    outbox = FakeOutbox()
    worker = Worker(owner, timedelta(seconds=15))
    scheduler = SeriesScheduler(live, store, clock, worker, outbox)
    return World(
        clock, live, store, outbox,
        ScheduleRecording(live, store, gate, directory, clock, worker, outbox,
                          default_pad=pad, scheduler=scheduler),
        scheduler,
        ManageRecordings(live, store, gate, clock, outbox, frozenset({"UADMIN"})),
        Reconcile(live, store, clock, worker, outbox),
    )


@pytest.fixture
async def world(tmp_path: Path) -> World:
    store = RecordingStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'series.db'}")
    await store.migrate()
    clock = Clock(NOW)
    yield build(store, clock, FakeLive(clock))
    await store.close()


async def start(w: World, when: str, user: str = "U1", **fields: object) -> SeriesStarted:
    result = await w.schedule.run(request(when, user=user, **fields))
    assert isinstance(result, SeriesStarted), result
    return result


async def parts(w: World, series_id: int):
    return await w.store.series_parts(series_id)


async def thread(w: World, series_id: int, kind: type) -> list:
    ids = {p.id for p in await parts(w, series_id)}
    return [p.message for p in await w.store.posts() if p.recording_id in ids
            and isinstance(p.message, kind)]


def assert_tencent_accepts(w: World) -> None:
    """Every task was created inside both of Tencent's rules, at the moment it was sent."""
    for name, spec in w.live.calls:
        if name == "create":
            assert spec.end_time - spec.start_time <= MAX_DURATION.total_seconds()


async def test_a_60_hour_window_is_three_consecutive_tasks_and_stops_as_one(world: World):
    w = world
    started = await start(w, "tomorrow 10:00 for 60 hours")
    rows = await parts(w, started.series.id)
    assert len(rows) == 3
    assert rows[0].local_start == datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
    assert rows[-1].local_end == datetime(2026, 11, 28, 22, 0, tzinfo=SHANGHAI)
    for a, b in itertools.pairwise(rows):
        assert a.end_time == b.start_time  # no gap, no overlap
    assert all(r.end_time - r.start_time <= MAX_DURATION for r in rows)
    # All within the horizon: every task created at once, each TaskId in the one thread.
    assert [r.state for r in rows] == [State.CREATED] * 3
    assert w.live.count("create") == 3 and len(w.live.tasks) == 3
    outcomes = await thread(w, started.series.id, Outcome)
    assert sorted(o.task_id for o in outcomes) == sorted(r.task_id for r in rows)
    announce = [p for p in await w.store.posts() if p.kind is PostKind.ANNOUNCE]
    assert [p.recording_id for p in announce] == [rows[0].id]  # one root for the window

    # In the second part: cancelling the window stops that part and deletes the third.
    w.clock.now = rows[0].start_time + 30 * HOUR
    done = await w.manage.cancel_series(started.series.id, user_id="U1", team_id="T1",
                                        channel_id="C1")
    assert isinstance(done, SeriesDone)
    assert (done.summary.stopped, done.summary.deleted, done.summary.planned) == (1, 1, 0)
    rows = await parts(w, started.series.id)
    assert [r.state for r in rows] == [State.CREATED, State.STOPPED, State.CANCELLED]
    assert rows[2].task_id not in w.live.tasks
    assert w.live.tasks[rows[1].task_id].stopped
    assert await thread(w, started.series.id, SeriesCancelled) == [done.summary]


async def test_a_window_ten_days_ahead_waits_for_the_horizon(world: World):
    w = world
    started = await start(w, "Dec 5 20:00 to 22:00")
    [row] = await parts(w, started.series.id)
    assert row.state is State.PLANNED and w.live.count("create") == 0
    opens = row.start_time - MAX_START_AHEAD  # the API page's rule decides for a 2 h window
    w.clock.now = opens - timedelta(seconds=1)
    assert await w.scheduler.due() == 0
    w.clock.now = opens
    assert await w.scheduler.due() == 1
    [row] = await parts(w, started.series.id)
    assert row.state is State.CREATED
    [(_, spec)] = [c for c in w.live.calls if c[0] == "create"]
    now = int(w.clock().timestamp())
    assert spec.start_time <= now + MAX_START_AHEAD.total_seconds()
    assert spec.end_time < now + MAX_AHEAD.total_seconds()
    [outcome] = await thread(w, started.series.id, Outcome)
    assert outcome.task_id == row.task_id


async def test_a_long_window_crossing_the_seven_day_line_is_created_part_by_part(world: World):
    w = world
    # Starts 6 d 6 h ahead and lasts 30 h: two 15 h parts, both beyond the horizon now.
    started = await start(w, "Dec 1 20:00 for 30 hours")
    first, second = await parts(w, started.series.id)
    assert second.start_time - first.start_time == 15 * HOUR
    assert (first.state, second.state) == (State.PLANNED, State.PLANNED)
    w.clock.now = first.start_time - MAX_START_AHEAD
    await w.scheduler.due()
    first, second = await parts(w, started.series.id)
    assert (first.state, second.state) == (State.CREATED, State.PLANNED)
    w.clock.now = second.start_time - MAX_START_AHEAD
    await w.scheduler.due()
    first, second = await parts(w, started.series.id)
    assert (first.state, second.state) == (State.CREATED, State.CREATED)
    assert w.live.count("create") == 2  # neither refused by the fake's 6- and 7-day rules


async def test_a_daily_series_keeps_its_wall_clock_across_the_dst_change(tmp_path: Path):
    store = RecordingStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'dst.db'}")
    await store.migrate()
    clock = Clock(datetime(2026, 10, 30, 12, 0, tzinfo=NEW_YORK))  # DST ends Sun 1 Nov
    w = build(store, clock, FakeLive(clock))
    started = await start(w, "every day 8pm to 10pm for 5 days", user="U2")
    rows = await parts(w, started.series.id)
    local = [r.start_time.astimezone(NEW_YORK) for r in rows]
    assert [t.date().day for t in local] == [30, 31, 1, 2, 3]
    assert {(t.hour, t.minute) for t in local} == {(20, 0)}
    assert [r.start_time.astimezone(UTC).hour for r in rows] == [0, 0, 1, 1, 1]
    assert all(r.end_time - r.start_time == 2 * HOUR for r in rows)
    assert w.live.count("create") == 5
    await store.close()


async def test_a_weekly_series_with_one_skipped_occurrence(world: World):
    w = world
    started = await start(w, "every friday 20:00-22:00 for 6 weeks")
    rows = await parts(w, started.series.id)
    assert [r.local_start.day for r in rows] == [27, 4, 11, 18, 25, 1]
    assert rows[0].state is State.CREATED and rows[1].state is State.PLANNED
    skipped = await w.manage.skip_occurrence(started.series.id, 2, user_id="U1",
                                             team_id="T1", channel_id="C1")
    assert isinstance(skipped, Skipped) and skipped.start == rows[2].start_time
    # Someone else may not skip one.
    other = await w.manage.skip_occurrence(started.series.id, 3, user_id="U9",
                                           team_id="T1", channel_id="C1")
    assert not isinstance(other, Skipped)
    for _ in range(6):
        w.clock.advance(7 * DAY)
        await w.scheduler.due()
    rows = await parts(w, started.series.id)
    assert [r.state for r in rows] == [State.CREATED, State.CREATED, State.CANCELLED,
                                       State.CREATED, State.CREATED, State.CREATED]
    assert w.live.count("create") == 5
    [managed] = await thread(w, started.series.id, Managed)
    assert managed.verb is Verb.CANCEL and managed.user_id == "U1"


async def test_a_restart_after_an_outage_catches_up_and_says_what_was_missed(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}"
    store = RecordingStore.from_url(url)
    await store.migrate()
    clock = Clock(NOW)
    live = FakeLive(clock)
    w = build(store, clock, live)
    started = await start(w, "every day 8pm to 10pm 20 times")
    rows = await parts(w, started.series.id)
    assert sum(r.state is State.CREATED for r in rows) == 6  # Nov 25–30: within 6 days
    await store.close()

    # The bot is down from now until Thu 3 Dec 21:00; then a new process starts.
    clock.now = datetime(2026, 12, 3, 21, 0, tzinfo=SHANGHAI)
    store = RecordingStore.from_url(url)
    w = build(store, clock, live, owner="p2")
    await w.scheduler.due()
    rows = await parts(w, started.series.id)
    by_day = {r.local_start.day if r.occurrence != 8 else 3: r for r in rows}
    assert by_day[1].state is State.FAILED and by_day[2].state is State.FAILED  # missed
    late = by_day[3]
    assert late.state is State.CREATED and late.local_start.hour == 21  # from now on
    notices = await thread(w, started.series.id, PartNotice)
    assert sorted(n.problem for n in notices) == [PartProblem.LATE, PartProblem.MISSED,
                                                  PartProblem.MISSED]
    assert next(n for n in notices if n.problem is PartProblem.LATE).missed == HOUR
    # Dec 4 … Dec 9 (start within 6 days of now) created; the rest still planned.
    created_days = sorted(r.local_start.day for r in rows
                          if r.state is State.CREATED and r.local_start.month == 12)
    assert created_days == [3, 4, 5, 6, 7, 8, 9]
    assert sum(r.state is State.PLANNED for r in rows) == 20 - 6 - 2 - 7
    # Running the round again changes nothing: each part is created once.
    creates = live.count("create")
    await w.scheduler.due()
    assert live.count("create") == creates
    await store.close()


async def test_the_same_series_asked_twice_at_once_is_stored_once(world: World):
    from bot.recording.schedule import Duplicate

    results = await asyncio.gather(*(world.schedule.run(request("every day 8pm to 10pm 5 times"))
                                     for _ in range(3)))
    started = [r for r in results if isinstance(r, SeriesStarted)]
    assert len(started) == 1 and sum(isinstance(r, Duplicate) for r in results) == 2
    assert world.live.count("create") == 5  # one series' tasks, once


async def test_a_series_without_an_end_stops_at_the_default_limit(world: World):
    started = await start(world, "every day 8pm to 10pm")
    rows = await parts(world, started.series.id)
    assert started.series.limited
    assert len(rows) == DEFAULT_SPAN.days
    assert started.series.until == rows[-1].local_start.date()


async def test_padding_starts_early_and_ends_late(tmp_path: Path):
    store = RecordingStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'pad.db'}")
    await store.migrate()
    clock = Clock(NOW)
    w = build(store, clock, FakeLive(clock), pad=timedelta(minutes=2))
    started = await start(w, "every friday 20:00-22:00 for 2 weeks", pad=timedelta(minutes=5))
    rows = await parts(w, started.series.id)
    assert [(r.local_start.time().isoformat(), r.local_end.time().isoformat())
            for r in rows] == [("19:55:00", "22:05:00")] * 2
    assert started.series.pad == timedelta(minutes=5)
    await store.close()


async def test_too_many_occurrences_is_refused_before_anything_is_stored(world: World):
    result = await world.schedule.run(request("every day 8pm to 10pm 500 times"))
    assert isinstance(result, Invalid)
    assert await world.store.all() == []


async def test_the_overlap_guard_applies_to_every_part(world: World):
    w = world
    friday = datetime(2026, 11, 27, 19, 0, tzinfo=SHANGHAI)
    for _ in range(3):  # three tasks of the stream, made elsewhere, cover Friday evening
        await w.live.create_record_task(RecordTaskSpec(
            "livetest", "push.example.com", "live", int(friday.timestamp()),
            int((friday + 4 * HOUR).timestamp())))
    started = await start(w, "every friday 20:00-22:00 for 2 weeks")
    rows = await parts(w, started.series.id)
    assert rows[0].state is State.FAILED and rows[0].error_code == "TooManyOverlapping"
    [notice] = await thread(w, started.series.id, PartNotice)
    assert notice.problem is PartProblem.OVERLAP_FULL and notice.overlapping == 3
    assert len(w.live.tasks) == 3


async def test_two_replicas_never_create_a_part_twice(db: Database):  # noqa: F811
    if db.backend != "postgresql":
        pytest.skip("two replicas share a PostgreSQL database (SQLite is one writer)")
    if not os.environ.get("RECORDBOT_TEST_POSTGRES_URL"):
        pytest.skip("RECORDBOT_TEST_POSTGRES_URL is unset: no PostgreSQL for two replicas")
    first, second = db.store(), db.store()
    await first.migrate()
    clock = Clock(NOW)
    live = FakeLive(clock)
    a, b = build(first, clock, live, "p1"), build(second, clock, live, "p2")
    from bot.recording.series import plan_repeat_series
    from bot.timeparse import parse_schedule

    repeat = parse_schedule("every day 8pm to 10pm 12 times", NOW)
    plan = plan_repeat_series(request("every day 8pm to 10pm 12 times"), repeat, NOW,
                              timedelta(0))
    series, _stored, _ = await first.add_series(plan.new_series(), plan.new_parts())
    for _ in range(12):
        await asyncio.gather(a.scheduler.due(), b.scheduler.due(), a.scheduler.due(),
                             b.scheduler.due())
        clock.advance(DAY)
    rows = await first.series_parts(series.id)
    assert [r.state for r in rows] == [State.CREATED] * 12
    assert live.count("create") == 12 and len({r.task_id for r in rows}) == 12
    outcomes = [p for p in await first.posts() if isinstance(p.message, Outcome)]
    assert len(outcomes) == 12


async def test_list_shows_each_series_with_its_next_occurrence(world: World):
    from bot.slack.blocks.listing import list_message
    from bot.slack.i18n import EN

    started = await start(world, "every friday 20:00-22:00 for 6 weeks")
    rows = await parts(world, started.series.id)
    listing = await world.manage.list("T1", "U1", "C1")
    [line] = listing.series
    assert (line.next_start, line.to_come) == (rows[0].start_time, 6)
    assert [i.task_id for i in listing.items] == [rows[0].task_id]  # planned parts: not items
    shown = str(list_message(EN, listing, "Asia/Shanghai", None)["blocks"])
    assert "every Friday, 20:00–22:00" in shown and "6 to come" in shown
    assert "(2 in all; page 1 of 1)" in shown  # the series' line and its first task
    # Once the first is skipped, the next one is the second Friday.
    await world.manage.skip_occurrence(started.series.id, 0, user_id="U1", team_id="T1",
                                       channel_id="C1")
    [line] = (await world.manage.list("T1", "U1", "C1")).series
    assert (line.next_start, line.to_come) == (rows[1].start_time, 5)


async def test_the_series_root_says_the_rule_the_next_occurrences_and_the_limit(world: World):
    from bot.slack.blocks.series import series_root_message

    started = await start(world, "every day 8pm to 10pm")
    series = await world.store.get_series(started.series.id)
    msg = series_root_message(series, await parts(world, series.id), world.clock())
    shown = str(msg["blocks"])
    assert "every day, 20:00–22:00" in shown
    assert "no end was given, so the series stops after 90 days" in shown
    assert shown.count("'action_id': 'series_skip'") == 5  # the next five, each skippable
    assert "Cancel series" in shown and "90 to come of 90" in shown
    assert shown.count("TaskId") == 5  # the next five are within 6 days: created
    far = await start(world, "Dec 20 20:00-22:00", stream="far")
    shown = str(series_root_message(far.series, await parts(world, far.series.id),
                                    world.clock())["blocks"])
    assert "planned; its task is created from" in shown


async def test_a_part_left_mid_creation_by_a_dead_process_is_planned_again_and_created_once(
    world: World,
):
    w = world
    started = await start(w, "Dec 5 20:00 to 22:00")
    [row] = await parts(w, started.series.id)
    w.clock.now = row.start_time - MAX_START_AHEAD
    # A process took it, then died before asking Tencent: its lease runs out.
    assert await w.store.transition(row.id, [State.PLANNED], State.ACCEPTED,
                                    lease_owner="gone", lease_until=w.clock())
    w.clock.advance(timedelta(seconds=1))
    assert await w.reconcile.due() == 1  # Tencent has no task for it: planned again
    [row] = await parts(w, started.series.id)
    assert row.state is State.PLANNED and w.live.count("create") == 0
    await w.scheduler.due()
    [row] = await parts(w, started.series.id)
    assert row.state is State.CREATED and w.live.count("create") == 1


async def test_a_series_asked_while_its_first_occurrence_runs_records_from_now_quietly(
    world: World,
):
    w = world
    w.clock.now = datetime(2026, 11, 25, 21, 0, 30, 500000, tzinfo=SHANGHAI)
    started = await start(w, "every day 8pm to 10pm 3 times")
    first = (await parts(w, started.series.id))[0]
    assert first.state is State.CREATED
    assert first.local_start == datetime(2026, 11, 25, 21, 0, 30, tzinfo=SHANGHAI)
    assert await thread(w, started.series.id, PartNotice) == []  # nothing was missed


async def test_a_far_ahead_window_asked_twice_says_the_first_is_planned(world: World):
    from bot.recording.schedule import Duplicate
    from bot.slack.blocks.outcome import duplicate_message
    from bot.slack.i18n import EN

    await start(world, "Dec 20 20:00-22:00")
    again = await world.schedule.run(request("Dec 20 20:00-22:00"))
    assert isinstance(again, Duplicate) and again.first.state is State.PLANNED
    shown = str(duplicate_message(EN, again.first, None))
    assert "planned; its task is created once it is within 6 days" in shown


async def test_a_series_cancelled_just_after_a_part_was_claimed_creates_no_task(world: World):
    w = world
    started = await start(w, "Dec 20 20:00-22:00")
    [row] = await parts(w, started.series.id)
    w.clock.now = row.start_time - MAX_START_AHEAD
    claim = w.store.transition

    async def claim_then_cancel(recording_id, from_states, to_state, *args, **kwargs):
        moved = await claim(recording_id, from_states, to_state, *args, **kwargs)
        if to_state is State.ACCEPTED:  # someone presses Cancel series right now
            done = await w.manage.cancel_series(started.series.id, user_id="U1",
                                                team_id="T1", channel_id="C1")
            assert isinstance(done, SeriesDone) and done.summary.left == 1
        return moved

    w.store.transition = claim_then_cancel
    await w.scheduler.due()
    [row] = await parts(w, started.series.id)
    assert row.state is State.CANCELLED and w.live.count("create") == 0


async def _cancel_during_create(w: World, series_id: int) -> None:
    """Tencent answers the create only after someone pressed Cancel series."""
    create = w.live.create_record_task

    async def create_while_cancelled(spec: RecordTaskSpec):
        done = await w.manage.cancel_series(series_id, user_id="U1", team_id="T1",
                                            channel_id="C1")
        assert isinstance(done, SeriesDone) and done.summary.left == 1  # in flight: left
        return await create(spec)

    w.live.create_record_task = create_while_cancelled


async def test_a_task_created_while_its_series_was_cancelled_is_deleted_and_said(world: World):
    from bot.recording.scheduler import PartWithdrawn

    w = world
    started = await start(w, "Dec 20 20:00-22:00")
    [row] = await parts(w, started.series.id)
    w.clock.now = row.start_time - MAX_START_AHEAD
    await _cancel_during_create(w, started.series.id)
    await w.scheduler.due()
    [row] = await parts(w, started.series.id)
    assert w.live.count("create") == 1 and w.live.tasks == {}  # created, then deleted
    assert row.state is State.CANCELLED
    [said] = await thread(w, started.series.id, PartWithdrawn)
    assert (said.verb, said.task_id, said.code) == (Verb.CANCEL, row.task_id, None)
    from bot.slack.blocks.series import part_withdrawn_message
    assert "so the bot deleted it" in part_withdrawn_message(row, said)["text"]


async def test_a_part_begun_when_its_series_was_cancelled_mid_create_is_stopped(world: World):
    from bot.recording.scheduler import PartWithdrawn

    w = world
    started = await start(w, "Dec 20 20:00-22:00")
    series_id = started.series.id
    [row] = await parts(w, series_id)
    # The bot was busy: the part's window has just begun when its create goes out, and the
    # series is cancelled before Tencent answers.
    w.clock.now = row.start_time + timedelta(seconds=30)
    await _cancel_during_create(w, series_id)
    await w.scheduler.due()
    [row] = await parts(w, series_id)
    assert row.state is State.STOPPED and w.live.tasks[row.task_id].stopped
    [said] = await thread(w, series_id, PartWithdrawn)
    assert said.verb is Verb.STOP and said.code is None


async def test_a_task_the_bot_cannot_remove_after_a_cancel_is_said_with_its_id(world: World):
    from bot.recording.ports import OutcomeUnknown
    from bot.recording.scheduler import PartWithdrawn

    w = world
    started = await start(w, "Dec 20 20:00-22:00")
    [row] = await parts(w, started.series.id)
    w.clock.now = row.start_time - MAX_START_AHEAD
    await _cancel_during_create(w, started.series.id)
    w.live.fail["delete"] = OutcomeUnknown("RequestTimeout", "no answer")
    await w.scheduler.due()
    [row] = await parts(w, started.series.id)
    assert row.state is State.CREATED and row.task_id in w.live.tasks
    [said] = await thread(w, started.series.id, PartWithdrawn)
    assert (said.task_id, said.code) == (row.task_id, "RequestTimeout")
    from bot.slack.blocks.series import part_withdrawn_message
    assert f"/record cancel {row.task_id}" in part_withdrawn_message(row, said)["text"]


async def test_a_task_reconciliation_finds_for_a_cancelled_series_is_deleted(world: World):
    from bot.recording.ports import OutcomeUnknown
    from bot.recording.scheduler import PartWithdrawn

    w = world
    started = await start(w, "Dec 20 20:00-22:00")
    [row] = await parts(w, started.series.id)
    w.clock.now = row.start_time - MAX_START_AHEAD
    create = w.live.create_record_task

    async def created_but_unanswered(spec: RecordTaskSpec):
        await create(spec)
        raise OutcomeUnknown("RequestTimeout", "no answer")

    w.live.create_record_task = created_but_unanswered
    await w.scheduler.due()
    [row] = await parts(w, started.series.id)
    assert row.state is State.UNKNOWN
    done = await w.manage.cancel_series(started.series.id, user_id="U1", team_id="T1",
                                        channel_id="C1")
    assert done.summary.left == 1 and len(w.live.tasks) == 1
    w.clock.advance(timedelta(minutes=1))
    assert await w.reconcile.due() == 1
    [row] = await parts(w, started.series.id)
    assert row.state is State.CANCELLED and w.live.tasks == {}
    [said] = await thread(w, started.series.id, PartWithdrawn)
    assert said.verb is Verb.CANCEL


async def test_stop_by_one_parts_task_id_stops_the_whole_long_window(world: World):
    w = world
    started = await start(w, "tomorrow 10:00 for 60 hours")
    rows = await parts(w, started.series.id)
    w.clock.now = rows[0].start_time + 2 * HOUR  # in the first part
    # The TaskId of the last part, typed: the window is one recording.
    done = await w.manage.act(Verb.STOP, user_id="U1", team_id="T1", channel_id="C1",
                              task_id=rows[2].task_id)
    assert isinstance(done, SeriesDone) and done.verb is Verb.STOP
    assert (done.summary.stopped, done.summary.deleted) == (1, 2)
    rows = await parts(w, started.series.id)
    assert [r.state for r in rows] == [State.STOPPED, State.CANCELLED, State.CANCELLED]
    assert list(w.live.tasks) == [rows[0].task_id] and w.live.tasks[rows[0].task_id].stopped
    assert await thread(w, started.series.id, SeriesCancelled) == [done.summary]
    from bot.slack.blocks.series import window_managed_message
    from bot.slack.i18n import EN
    said = window_managed_message(EN, Verb.STOP, rows[2].task_id, done.summary)["text"]
    assert "the whole window was stopped" in said


async def test_cancel_by_one_parts_task_id_cancels_the_whole_long_window(world: World):
    w = world
    started = await start(w, "tomorrow 10:00 for 60 hours")
    rows = await parts(w, started.series.id)
    done = await w.manage.act(Verb.CANCEL, user_id="U1", team_id="T1", channel_id="C1",
                              task_id=rows[0].task_id)
    assert isinstance(done, SeriesDone) and done.summary.deleted == 3
    assert w.live.tasks == {}
    assert (await w.store.get_series(started.series.id)).state.value == "cancelled"


async def test_cancel_by_task_id_in_a_long_windows_time_says_stop_instead(world: World):
    from bot.recording.manage import NotNow, StateProblem

    w = world
    started = await start(w, "tomorrow 10:00 for 60 hours")
    rows = await parts(w, started.series.id)
    w.clock.now = rows[0].start_time + HOUR
    result = await w.manage.act(Verb.CANCEL, user_id="U1", team_id="T1", channel_id="C1",
                                task_id=rows[2].task_id)  # a part not begun, of a window that has
    assert isinstance(result, NotNow) and result.problem is StateProblem.RUNNING
    assert len(w.live.tasks) == 3 and w.live.count("delete") == 0


async def test_a_repeats_task_id_acts_on_that_occurrence_and_says_the_series_goes_on(
    world: World,
):
    from bot.recording.manage import Done

    w = world
    started = await start(w, "every day 8pm to 10pm 3 times")
    rows = await parts(w, started.series.id)
    done = await w.manage.act(Verb.CANCEL, user_id="U1", team_id="T1", channel_id="C1",
                              task_id=rows[1].task_id)
    assert isinstance(done, Done) and done.series is not None
    assert done.series.id == started.series.id
    rows = await parts(w, started.series.id)
    assert [r.state for r in rows] == [State.CREATED, State.CANCELLED, State.CREATED]
    assert (await w.store.get_series(started.series.id)).state.value == "active"
    from bot.slack.blocks.series import occurrence_only_note
    from bot.slack.i18n import EN
    note = occurrence_only_note(EN, done.series, None)
    assert "the rest of the series goes on" in note and "Cancel series" in note


async def test_a_window_longer_than_a_series_holds_is_refused_before_anything_is_stored(
    world: World,
):
    from bot.recording.plan import Problem
    from bot.recording.rules import WindowRule
    from bot.slack.blocks.problems import plan_problem_text
    from bot.slack.i18n import EN

    w = world
    result = await w.schedule.run(request("Dec 1 10:00 to Jan 10 2028 10:00"))
    assert isinstance(result, Invalid), result
    assert result.error.problem is Problem.WINDOW_RULE
    assert result.error.cause.rule is WindowRule.MAX_LENGTH
    said = plan_problem_text(EN, result.error)
    assert "the longest window the bot records is 366 d" in said and "split" not in said
    assert w.live.count("create") == 0 and await w.store.series_for_team(
        "T1", since=w.clock()) == []


async def test_app_home_shows_series_and_planned_parts_within_seven_days(world: World):
    from bot.recording.home import ControlRoom
    from bot.slack.blocks.home import home_view
    from bot.slack.blocks.values import SERIES_CANCEL_ACTION
    from bot.slack.i18n import EN

    w = world
    started = await start(w, "every day 8pm to 10pm 10 times")
    rows = await parts(w, started.series.id)
    planned = [r for r in rows if r.state is State.PLANNED]
    soon = [r for r in planned if r.start_time <= w.clock() + 7 * DAY]
    assert soon and len(planned) > len(soon)  # some within the 7 days, some beyond
    room = ControlRoom(w.store, w.clock)
    ov = await room.overview("T1", "U1")
    upcoming = {r.id for r in ov.upcoming.mine}
    assert {r.id for r in soon} <= upcoming
    assert not ({r.id for r in planned} - {r.id for r in soon}) & upcoming
    [line] = ov.series.mine
    assert line.series.id == started.series.id and line.next_start == rows[0].start_time
    assert (await room.overview("T1", "U2")).series.team == ov.series.mine

    def shown(view) -> list[dict]:
        return [b for b in view.to_dict()["blocks"] if b["type"] == "section"
                and "*Series*" in b["text"]["text"]]

    [mine] = shown(home_view(EN, ov, "Asia/Shanghai", lambda r: True,
                             lambda s: s.requester_id == "U1"))
    assert "every day, 20:00–22:00" in mine["text"]["text"]
    assert mine["accessory"]["action_id"] == SERIES_CANCEL_ACTION
    assert mine["accessory"]["value"] == str(started.series.id)
    [theirs] = shown(home_view(EN, await room.overview("T1", "U2"), "UTC", lambda r: False,
                               lambda s: s.requester_id == "U2"))
    assert "accessory" not in theirs
    text = str(home_view(EN, ov, "Asia/Shanghai", lambda r: True).to_dict())
    assert "planned; its task is created from" in text


async def test_a_part_whose_create_fails_unexpectedly_is_freed_and_the_round_goes_on(
        world: World, monkeypatch):
    w = world
    started = await start(w, "every day 8pm to 10pm 10 times")
    planned = [r for r in await parts(w, started.series.id) if r.state is State.PLANNED]
    assert len(planned) >= 2
    w.clock.now = planned[1].start_time - MAX_START_AHEAD + HOUR  # two parts come due at once
    real_create, calls = w.scheduler._create, []

    async def first_one_breaks(row, now):
        calls.append(row.id)
        if len(calls) == 1:
            raise RuntimeError("the database went away mid-create")
        await real_create(row, now)

    monkeypatch.setattr(w.scheduler, "_create", first_one_breaks)
    await w.scheduler.due()
    rows = {r.id: r for r in await parts(w, started.series.id)}
    broken, other = rows[calls[0]], rows[calls[1]]
    assert other.state is State.CREATED  # the round went on
    # Not held by this (living) process's lease: reconciliation may look its task up now.
    assert broken.state is State.ACCEPTED and broken.lease_owner is None


async def test_a_series_is_started_even_when_its_first_round_fails(world: World, monkeypatch):
    w = world

    async def store_down(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(w.store, "due_planned", store_down)
    started = await start(w, "every day 8pm to 10pm 3 times")  # stored and announced
    monkeypatch.undo()
    assert all(r.state is State.PLANNED for r in await parts(w, started.series.id))
    await w.scheduler.due()  # the next round creates what is due
    assert w.live.count("create") >= 1
