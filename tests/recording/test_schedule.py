"""Scheduling as the use case decides it: access → plan → duplicate → overlap → persist →
create → outcome, against in-memory ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.recording.access import AccessRules, RefusalReason, Refused
from bot.recording.model import AuditAction, PostKind, State, ZoneFallback
from bot.recording.plan import Field, PlanError, Problem
from bot.recording.ports import OutcomeUnknown, RecordTaskInfo, TencentRejected
from bot.recording.schedule import (
    Confirm,
    Duplicate,
    Invalid,
    NeedsConfirmation,
    Overlapping,
    Scheduled,
    ScheduleFailed,
)
from tests.recording.conftest import NOW, SHANGHAI, World, build_world, request


def ts(day: int, hour: int) -> int:
    return int(datetime(2026, 11, day, hour, tzinfo=SHANGHAI).timestamp())


async def test_a_request_is_stored_with_its_root_then_created_then_answered(
    world: World,
) -> None:
    result = await world.schedule.run(request(reply_to="https://hooks.example/r1"))

    assert isinstance(result, Scheduled) and result.outcome.state is State.CREATED
    plan = result.plan
    assert (plan.start, plan.end) == (datetime(2026, 11, 26, 20, tzinfo=SHANGHAI),
                                      datetime(2026, 11, 26, 22, tzinfo=SHANGHAI))
    [(_, spec)] = [c for c in world.live.calls if c[0] == "create"]
    assert (spec.start_time, spec.end_time) == (ts(26, 20), ts(26, 22))
    row = world.store.rows[result.recording.id]
    assert (row.state, row.task_id) == (State.CREATED, result.outcome.task_id)
    assert row.when_text == "tomorrow 8pm to 10pm" and row.timezone == "Asia/Shanghai"
    assert row.presentation is not None and "20:00" in row.presentation.understood
    assert (row.lease_owner, row.lease_until) == (None, None)  # settled: nobody holds it
    # The root was stored with the request and delivered before Tencent was asked, then
    # the outcome with the outcome; both answer to the request's response_url if need be.
    announce, reply = world.store.posts(row.id)
    assert (announce.kind, reply.kind) == (PostKind.ANNOUNCE, PostKind.REPLY)
    assert reply.message == result.outcome and reply.message.task_id == row.task_id
    assert {announce.reply_to, reply.reply_to} == {"https://hooks.example/r1"}
    assert world.outbox.now == [row.id, row.id]
    assert [a.action for a in world.store.trail] == [AuditAction.CREATE]


async def test_a_refusal_stores_and_calls_nothing_but_the_audit() -> None:
    world = build_world(AccessRules(users=frozenset({"U9"})))
    result = await world.schedule.run(request())
    assert isinstance(result, Refused) and result.refusal.reason is RefusalReason.PEOPLE
    assert world.store.rows == {} and world.live.calls == [] and world.store.outbox == []
    [entry] = world.store.trail
    assert entry.action is AuditAction.DENIED and "schedule livetest" in entry.detail


async def test_a_phrase_not_understood_is_returned_not_scheduled(world: World) -> None:
    result = await world.schedule.run(request("tomorrow banana"))
    assert isinstance(result, Invalid)
    assert (result.error.field, result.error.problem) == (Field.WHEN,
                                                          Problem.WHEN_NOT_UNDERSTOOD)
    assert world.store.rows == {} and world.live.calls == []


async def test_the_same_request_twice_creates_one_task(world: World) -> None:
    first = await world.schedule.run(request())
    world.clock.advance(timedelta(minutes=1))
    again = await world.schedule.run(request())
    assert isinstance(first, Scheduled) and isinstance(again, Duplicate)
    assert again.first.id == first.recording.id
    assert len(world.live.tasks) == 1 and world.live.count("create") == 1


async def test_another_person_asking_the_same_is_not_a_duplicate(world: World) -> None:
    await world.schedule.run(request())
    other = await world.schedule.run(request(user="U2", when="tomorrow 7am to 9am"))
    assert isinstance(other, Overlapping | Scheduled)


async def test_an_overlap_asks_first_and_a_fourth_is_refused(world: World) -> None:
    for i in range(3):
        world.live.tasks[f"X{i}"] = RecordTaskInfo(f"X{i}", "livetest", "push.example.com",
                                                   "live", ts(26, 19), ts(26, 21), 0, 0)
    refused = await world.schedule.run(request())
    assert isinstance(refused, Overlapping) and refused.refused and len(refused.tasks) == 3

    del world.live.tasks["X2"], world.live.tasks["X1"]
    asked = await world.schedule.run(request())
    assert isinstance(asked, Overlapping) and not asked.refused
    assert world.live.count("create") == 0 and world.store.rows == {}

    confirmed = await world.schedule.run(request(), plan=asked.plan,
                                         confirmed=frozenset({Confirm.OVERLAP}))
    assert isinstance(confirmed, Scheduled) and confirmed.outcome.state is State.CREATED


async def test_tencent_refusing_is_an_outcome_with_its_code(world: World) -> None:
    world.live.fail["create"] = TencentRejected("ResourceUnavailable.InvalidVodStatus", "no VOD",
                                                "req-1")
    result = await world.schedule.run(request())
    assert isinstance(result, Scheduled)
    assert (result.outcome.state, result.outcome.code, result.outcome.request_id) == (
        State.FAILED, "ResourceUnavailable.InvalidVodStatus", "req-1")
    assert result.outcome.task_exists is False
    assert world.store.rows[result.recording.id].state is State.FAILED
    assert world.store.rows[result.recording.id].lease_until is None


async def test_no_answer_is_unknown_and_looked_up_later(world: World) -> None:
    world.live.fail["create"] = OutcomeUnknown("Timeout", "no answer")
    result = await world.schedule.run(request())
    assert isinstance(result, Scheduled) and result.outcome.state is State.UNKNOWN
    assert result.outcome.task_exists is None
    row = world.store.rows[result.recording.id]
    # Released, due for a look-up in 30 s (by whichever process gets there first).
    assert row.lease_owner is None and row.lease_until == NOW + timedelta(seconds=30)


async def test_a_window_under_way_records_from_now(world: World) -> None:
    result = await world.schedule.run(request("today 1pm to 4pm"))
    assert isinstance(result, Scheduled)
    assert result.recording.start_time == NOW.astimezone(UTC)
    assert result.recording.end_time == datetime(2026, 11, 25, 16, tzinfo=SHANGHAI)


async def test_the_form_check_names_the_field_and_audits_a_refusal() -> None:
    world = build_world(AccessRules(domains={"push.example.com": frozenset({"S0VIP"})}))
    try:
        await world.schedule.check(request())
    except PlanError as e:
        assert (e.field, e.problem) == (Field.DOMAIN, Problem.ACCESS_DENIED)
    else:
        raise AssertionError("the form was accepted")
    assert [a.action for a in world.store.trail] == [AuditAction.DENIED]


async def test_the_form_check_reads_the_window_in_the_default_zone_when_slack_is_silent(
    world: World,
) -> None:
    plan = await world.schedule.check(request(user="U0NOZONE"))
    assert plan.zone == "UTC" and plan.zone_fallback is not None
    assert plan.zone_fallback.fallback is ZoneFallback.NO_ZONE_IN_PROFILE


async def test_a_window_under_way_is_planned_from_now_and_says_since_when(world: World) -> None:
    world.clock.advance(timedelta(minutes=27))  # 14:27
    result = await world.schedule.run(request("today 12pm to 4pm"))
    assert isinstance(result, Scheduled)
    plan = result.plan
    assert plan.start == datetime(2026, 11, 25, 14, 27, tzinfo=SHANGHAI)
    assert plan.requested_start == datetime(2026, 11, 25, 12, tzinfo=SHANGHAI)
    assert plan.running_for == timedelta(hours=2, minutes=27)
    presentation = world.store.rows[result.recording.id].presentation
    assert presentation is not None and presentation.running_for == plan.running_for


async def test_a_long_window_over_midnight_is_asked_about_first(world: World) -> None:
    asked = await world.schedule.run(request("tomorrow 10pm to 8pm"))
    assert isinstance(asked, NeedsConfirmation) and asked.what is Confirm.LONG_OVERNIGHT
    assert asked.plan.end - asked.plan.start == timedelta(hours=22)
    assert world.live.calls == [] and world.store.rows == {}
    done = await world.schedule.run(request("tomorrow 10pm to 8pm"),
                                    plan=asked.plan,
                                    confirmed=frozenset({Confirm.LONG_OVERNIGHT}))
    assert isinstance(done, Scheduled) and done.outcome.state is State.CREATED


async def test_a_short_window_over_midnight_is_not_asked_about(world: World) -> None:
    result = await world.schedule.run(request("11pm to 1am"))
    assert isinstance(result, Scheduled)


async def test_a_template_the_account_lacks_is_refused_and_a_known_one_is_named(
    world: World,
) -> None:
    unknown = await world.schedule.run(request(template_id=99999))
    assert isinstance(unknown, Invalid)
    assert (unknown.error.field, unknown.error.problem) == (Field.TEMPLATE,
                                                            Problem.TEMPLATE_UNKNOWN)
    assert world.live.count("create") == 0
    known = await world.schedule.run(request(template_id=10001))
    assert isinstance(known, Scheduled) and known.plan.template_name == "hls_mp4"
    assert known.recording.presentation.template_name == "hls_mp4"


async def test_the_database_lets_one_of_two_same_requests_through(world: World) -> None:
    """Two processes taking the same request at the same instant: both pass the first look,
    and the store's guarded insert lets one create."""
    import asyncio

    results = await asyncio.gather(world.schedule.run(request()), world.schedule.run(request()))
    assert sorted(type(r).__name__ for r in results) == ["Duplicate", "Scheduled"]
    assert world.live.count("create") == 1 and len(world.store.rows) == 1


async def test_a_failure_inside_before_anything_is_stored_says_nothing_was_asked(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("database gone")

    monkeypatch.setattr(world.store, "add_unless_recent", broken)
    with pytest.raises(ScheduleFailed) as failed:
        await world.schedule.run(request())
    assert failed.value.tencent_asked is False  # so nobody is told "a task may exist"
    assert [c for c in world.live.calls if c[0] == "create"] == []


async def test_a_failure_inside_after_the_request_is_stored_says_a_task_may_exist(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the SDK blew up")

    monkeypatch.setattr(world.live, "create_record_task", broken)
    with pytest.raises(ScheduleFailed) as failed:
        await world.schedule.run(request())
    assert failed.value.tencent_asked is True
    [row] = world.store.rows.values()
    assert row.state is State.ACCEPTED  # reconciliation will look it up and tell the thread
