"""Instants survive the database on every backend: aware UTC out, whatever zone went in;
naive datetimes are refused before they can be stored as a guess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.recording.model import State
from bot.store import RecordingStore
from tests.store.conftest import T0, recording

SHANGHAI = ZoneInfo("Asia/Shanghai")
NAIVE = datetime(2026, 3, 1, 20, 0)


async def test_a_non_utc_instant_comes_back_as_the_same_instant_in_utc(
    store: RecordingStore,
) -> None:
    start = datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI)  # 12:00 UTC
    row = await store.add(recording(start_time=start, end_time=start + timedelta(hours=2)))

    loaded = await store.get(row.id)
    assert loaded is not None
    assert loaded.start_time == start
    assert loaded.start_time.tzinfo is UTC
    assert loaded.start_time == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert loaded.end_time == datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    assert loaded.created_at.tzinfo is UTC and loaded.updated_at.tzinfo is UTC
    assert abs(loaded.created_at - datetime.now(UTC)) < timedelta(minutes=1)


async def test_the_database_holds_utc(store: RecordingStore) -> None:
    """What other tools see in the table is the UTC instant, not the requester's wall clock."""
    start = datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI)
    row = await store.add(recording(start_time=start, end_time=start + timedelta(hours=1)))
    async with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT start_time FROM recordings WHERE id = :id"
        else:
            query = "SELECT to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
            query += "FROM recordings WHERE id = :id"
        raw = (await conn.execute(text(query), {"id": row.id})).scalar()
    assert str(raw).startswith("2026-03-01 12:00:00")


async def test_updates_and_transitions_convert_to_utc(store: RecordingStore) -> None:
    row = await store.add(recording())
    later = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    await store.update(row.id, end_time=later)
    assert (await store.get(row.id)).end_time == datetime(2026, 3, 1, 15, 30, tzinfo=UTC)

    even_later = later + timedelta(hours=1)
    assert await store.transition(row.id, [State.ACCEPTED], State.CREATED, end_time=even_later)
    assert (await store.get(row.id)).end_time == datetime(2026, 3, 1, 16, 30, tzinfo=UTC)


def test_a_naive_datetime_is_refused_when_the_row_is_built() -> None:
    with pytest.raises(ValueError, match="naive"):
        recording(start_time=NAIVE)
    with pytest.raises(ValueError, match="naive"):
        recording(end_time=NAIVE)


async def test_a_naive_datetime_is_refused_by_every_write_and_query(
    store: RecordingStore,
) -> None:
    row = await store.add(recording())
    with pytest.raises(ValueError, match="naive"):
        await store.update(row.id, end_time=NAIVE)
    with pytest.raises(ValueError, match="naive"):
        await store.transition(row.id, [State.ACCEPTED], State.CREATED, end_time=NAIVE)
    with pytest.raises(ValueError, match="naive"):
        await store.for_team("T1", since=NAIVE)

    unchanged = await store.get(row.id)
    assert (unchanged.state, unchanged.end_time) == (State.ACCEPTED, T0 + timedelta(hours=2))
