"""The store's reads and writes, each on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.recording.model import AuditAction, AuditEntry, State
from bot.store import RecordingStore
from tests.store.conftest import T0, recording

HOUR = timedelta(hours=1)


async def test_add_then_get_and_all(store: RecordingStore) -> None:
    first = await store.add(recording(stream_name="one", template_id=7, stream_type=1))
    second = await store.add(recording(stream_name="two"))
    assert first.id is not None and second.id > first.id

    loaded = await store.get(first.id)
    assert loaded is not None
    assert (loaded.stream_name, loaded.template_id, loaded.stream_type) == ("one", 7, 1)
    assert loaded.state is State.ACCEPTED
    assert loaded.raw_text == "livetest tomorrow 8pm to 10pm"
    assert await store.get(first.id + 100) is None
    assert [r.stream_name for r in await store.all()] == ["one", "two"]


async def test_state_and_stream_type_have_defaults_and_text_states_are_accepted(
    store: RecordingStore,
) -> None:
    unset = await store.add(recording())  # a new request, state not given
    as_text = await store.add(recording(state="unknown"))

    loaded = await store.get(unset.id)
    assert (loaded.state, loaded.stream_type, loaded.task_id, loaded.root_ts) == (
        State.ACCEPTED, 0, None, None,
    )
    assert (await store.get(as_text.id)).state is State.UNKNOWN
    with pytest.raises(ValueError):
        recording(state="exploded")


async def test_update_sets_fields_and_refuses_unknown_rows_and_fields(
    store: RecordingStore,
) -> None:
    row = await store.add(recording())
    before = (await store.get(row.id)).updated_at
    await store.update(
        row.id, root_ts="1700000000.000100", state=State.UNKNOWN, error_code="InternalError"
    )
    loaded = await store.get(row.id)
    assert (loaded.root_ts, loaded.state, loaded.error_code) == (
        "1700000000.000100", State.UNKNOWN, "InternalError",
    )
    assert loaded.updated_at >= before

    with pytest.raises(LookupError):
        await store.update(row.id + 100, root_ts="1.2")
    with pytest.raises(AttributeError):
        await store.update(row.id, no_such_field=1)
    with pytest.raises(ValueError):
        await store.update(row.id, state="exploded")


async def test_by_task_id(store: RecordingStore) -> None:
    await store.add(recording(stream_name="other", task_id="1234-other"))
    row = await store.add(recording(state=State.CREATED, task_id="1234-mine"))
    found = await store.by_task_id("1234-mine")
    assert found is not None and found.id == row.id
    assert await store.by_task_id("nope") is None


async def test_pending_is_accepted_or_unknown_oldest_first(store: RecordingStore) -> None:
    ids = {}
    for name, state in [
        ("a", State.UNKNOWN), ("b", State.CREATED), ("c", State.ACCEPTED),
        ("d", State.FAILED), ("e", State.STOPPED), ("f", State.UNKNOWN), ("g", State.CANCELLED),
    ]:
        ids[name] = (await store.add(recording(stream_name=name, state=state))).id
    # created_at decides the order, not the id: make "f" the oldest of all.
    await store.update(ids["f"], created_at=T0 - 24 * HOUR)

    assert [r.stream_name for r in await store.pending()] == ["f", "a", "c"]


async def test_for_team_filters_by_team_end_and_stream_and_orders_by_start(
    store: RecordingStore,
) -> None:
    async def add(name: str, start_h: int, end_h: int, team: str = "T1",
                  stream: str = "livetest") -> None:
        await store.add(recording(
            raw_text=name, team_id=team, stream_name=stream,
            start_time=T0 + start_h * HOUR, end_time=T0 + end_h * HOUR,
        ))

    await add("late", 5, 7)
    await add("ended", -3, -1)  # ends before since
    await add("ends-at-since", -2, 0)  # end_time == since counts
    await add("running", -1, 2)
    await add("other-team", 0, 3, team="T2")
    await add("other-stream", 1, 3, stream="backup")

    def names(rows: list) -> list[str]:
        return [r.raw_text for r in rows]

    assert names(await store.for_team("T1", since=T0)) == [
        "ends-at-since", "running", "other-stream", "late",
    ]
    assert names(await store.for_team("T1", since=T0, stream="livetest")) == [
        "ends-at-since", "running", "late",
    ]
    assert names(await store.for_team("T1", since=T0, limit=2)) == ["ends-at-since", "running"]
    assert names(await store.for_team("T2", since=T0)) == ["other-team"]
    assert names(await store.for_team("T1", since=T0 + 10 * HOUR)) == []


async def test_transition_is_compare_and_set(store: RecordingStore) -> None:
    row = await store.add(recording(state=State.CREATED, task_id="task-1"))

    assert await store.transition(
        row.id, [State.CREATED, State.UNKNOWN], State.STOPPED, error_message="stopped by U1"
    )
    # The second Stop (or a Cancel) from the same state finds it already moved, changes nothing.
    assert not await store.transition(
        row.id, [State.CREATED, State.UNKNOWN], State.CANCELLED, error_message="by U2"
    )
    loaded = await store.get(row.id)
    assert (loaded.state, loaded.error_message) == (State.STOPPED, "stopped by U1")

    assert not await store.transition(row.id + 100, [State.STOPPED], State.CANCELLED)
    with pytest.raises(TypeError):
        await store.transition(row.id, [State.STOPPED], State.CANCELLED, state="created")


async def test_of_simultaneous_transitions_exactly_one_wins(store: RecordingStore) -> None:
    row = await store.add(recording(state=State.CREATED))
    results = await asyncio.gather(*(
        store.transition(row.id, [State.CREATED], State.STOPPED, error_message=f"by U{i}")
        for i in range(5)
    ))
    assert sorted(results) == [False, False, False, False, True]
    winner = results.index(True)
    assert (await store.get(row.id)).error_message == f"by U{winner}"


async def test_audit_rows(store: RecordingStore) -> None:
    row = await store.add(recording())
    other = await store.add(recording(stream_name="other"))
    await store.add_audit(row.id, "T1", "U1", AuditAction.CREATE, "livetest 20:00–22:00")
    await store.add_audit(None, "T1", "U9", AuditAction.DENIED, "not in the allowed channel")
    await store.add_audit(other.id, "T1", "U2", "stop")
    await store.add_audit(row.id, "T1", None, AuditAction.RECONCILE, "created on Tencent")

    trail = await store.audit(row.id)
    assert [(a.action, a.user_id, a.detail) for a in trail] == [
        (AuditAction.CREATE, "U1", "livetest 20:00–22:00"),
        (AuditAction.RECONCILE, None, "created on Tencent"),
    ]
    assert all(isinstance(a, AuditEntry) and a.recording_id == row.id for a in trail)
    assert trail[0].at <= trail[1].at and trail[0].at.utcoffset() == timedelta(0)

    everything = await store.audit()
    assert [a.action for a in everything] == ["create", "denied", "stop", "reconcile"]
    assert everything[1].recording_id is None

    with pytest.raises(ValueError):
        await store.add_audit(row.id, "T1", "U1", "explode")


async def test_roots_whose_window_opened_or_ended_are_found_and_claimed_once(
    store: RecordingStore,
) -> None:
    from bot.recording.model import WindowPhase

    before = await store.add(recording(state=State.CREATED, root_ts="1.1", shown_phase="before",
                                       start_time=T0, end_time=T0 + 2 * HOUR))
    during = await store.add(recording(state=State.CREATED, root_ts="1.2", shown_phase="during",
                                       start_time=T0 - HOUR, end_time=T0 + 3 * HOUR))
    await store.add(recording(state=State.CANCELLED, root_ts="1.3", shown_phase="before",
                              start_time=T0, end_time=T0 + HOUR))
    await store.add(recording(state=State.CREATED, root_ts=None, shown_phase="before"))

    assert await store.stale_roots(T0 - timedelta(minutes=1)) == []
    assert [r.id for r in await store.stale_roots(T0)] == [before.id]
    assert [r.id for r in await store.stale_roots(T0 + 4 * HOUR)] == [during.id, before.id]

    assert await store.claim_shown_phase(before.id, WindowPhase.BEFORE, WindowPhase.DURING)
    assert not await store.claim_shown_phase(before.id, WindowPhase.BEFORE, WindowPhase.DURING)
    assert (await store.get(before.id)).shown_phase is WindowPhase.DURING
    assert await store.stale_roots(T0) == []
    # What comes next: "during" ends at T0 + 2 h, the other at T0 + 3 h.
    assert await store.next_phase_change(T0) == T0 + 2 * HOUR
    assert await store.next_phase_change(T0 + 5 * HOUR) is None
