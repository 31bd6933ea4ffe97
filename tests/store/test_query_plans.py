"""Every query the bot repeats (for each command, and in every background round) is bounded by
an index, so years of history cost what an empty store costs (bench/history.py measures it).

The plans are the databases' own: SQLite's ``EXPLAIN QUERY PLAN`` (which, without ANALYZE, does
not depend on the rows) must SEARCH each table through an index, never SCAN it; PostgreSQL's
``EXPLAIN``, with enough history and fresh statistics for its planner to weigh, must read each
table through an index, never sequentially.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.recording.model import NewRecording
from bot.store.repository import hot_queries
from tests.store.conftest import Database
from tests.support.history import DOMAIN, TEAM, USERS, analyze, fill_history

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Enough for PostgreSQL's planner to prefer an index for a bounded read (it reads small tables
# sequentially, rightly); SQLite's plans do not depend on the rows.
HISTORY = {"sqlite": 500, "postgresql": 20_000}
TABLES = ("recordings", "outbox", "callback_events", "audit")


def new_command() -> NewRecording:
    """A command for tomorrow on the stream the history used most, by one of its people."""
    start = NOW + timedelta(days=1)
    return NewRecording(team_id=TEAM, channel_id="C0HISTORY", requester_id=USERS[1],
                        source="command", raw_text="livetest tomorrow 8pm to 10pm",
                        timezone="Asia/Shanghai", start_time=start,
                        end_time=start + timedelta(hours=2), stream_name="livetest",
                        domain_name=DOMAIN, app_name="live")


def unbounded(backend: str, plan: list[str]) -> list[str]:
    """The steps of ``plan`` that read a whole table (or a whole index)."""
    if backend == "sqlite":
        return [step for step in plan
                if any(f" {table}" in f" {step}" for table in TABLES)
                and not (step.startswith("SEARCH ") and " USING " in step)]
    return [step for step in plan if "Seq Scan" in step]


async def test_the_hot_queries_read_through_an_index(db: Database) -> None:
    store = db.store()
    await store.migrate()
    await fill_history(store.engine, HISTORY[db.backend], NOW)
    await analyze(store.engine)

    problems = {}
    for name, query in hot_queries(new_command(), NOW).items():
        plan = await store.explain(query)
        assert plan, f"{name}: no plan"
        if db.backend == "postgresql":
            assert any("Index" in step for step in plan), f"{name}: {plan}"
        if bad := unbounded(db.backend, plan):
            problems[name] = bad
    assert problems == {}


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_a_query_without_its_index_is_seen_reading_the_whole_table(db: Database) -> None:
    """The check above can fail: without the index that bounds the list, SQLite scans."""
    store = db.store()
    await store.migrate()
    async with store.engine.begin() as conn:
        await conn.exec_driver_sql("DROP INDEX ix_recordings_team_id_end_time")
    plan = await store.explain(hot_queries(new_command(), NOW)["list"])
    assert unbounded("sqlite", plan), plan


async def test_history_is_not_listed_and_not_a_duplicate(db: Database) -> None:
    """What the queries find with the history behind them: nothing of it."""
    store = db.store()
    await store.migrate()
    await fill_history(store.engine, HISTORY["sqlite"], NOW)
    command = new_command()
    assert await store.for_team(TEAM, since=NOW - timedelta(days=1)) == []
    assert await store.recent(command, since=NOW - timedelta(minutes=10),
                              tolerance=timedelta(minutes=2)) is None
    assert await store.due_live_checks(NOW, timedelta(minutes=2)) == []
    assert await store.stale_roots(NOW) == []
    assert await store.deliverable(NOW) == []
    latest = await store.latest_stream_change("livetest", DOMAIN, "live", NOW)
    assert latest is not None and latest.event_type == 0  # the last window's end
    assert latest.event_time is not None and latest.event_time <= NOW - timedelta(days=2)
