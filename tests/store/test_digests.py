"""The daily digest's claim on both backends: one row per day, one holder at a time, never
again once posted; and the recordings a digest reads."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.store.conftest import T0, Database, recording

DAY = "2026-12-03"


async def test_one_of_several_processes_takes_the_day(db: Database) -> None:
    stores = [db.store() for _ in range(4)]
    await stores[0].migrate()
    won = await asyncio.gather(*(s.claim_digest(DAY, f"p{i}", T0 + timedelta(minutes=2), T0)
                                 for i, s in enumerate(stores)))
    assert sorted(won) == [False, False, False, True]


async def test_a_posted_day_is_never_taken_again(db: Database) -> None:
    store = db.store()
    await store.migrate()
    assert await store.claim_digest(DAY, "p1", T0 + timedelta(minutes=2), T0)
    assert not await store.claim_digest(DAY, "p2", T0 + timedelta(minutes=2), T0)
    await store.digest_posted(DAY, T0 + timedelta(seconds=1))
    later = T0 + timedelta(hours=5)
    assert not await store.claim_digest(DAY, "p2", later + timedelta(minutes=2), later)
    assert await store.claim_digest("2026-12-04", "p2", later + timedelta(minutes=2), later)


async def test_a_failed_or_abandoned_day_is_taken_once_its_time_is_up(db: Database) -> None:
    store = db.store()
    await store.migrate()
    assert await store.claim_digest(DAY, "p1", T0 + timedelta(minutes=2), T0)
    assert await store.claim_digest(DAY, "p2", T0 + timedelta(minutes=4),
                                    T0 + timedelta(minutes=2))  # p1 held it, then was gone
    await store.digest_failed(DAY, T0 + timedelta(minutes=3))
    assert not await store.claim_digest(DAY, "p1", T0 + timedelta(minutes=4),
                                        T0 + timedelta(minutes=2, seconds=59))
    assert await store.claim_digest(DAY, "p1", T0 + timedelta(minutes=5),
                                    T0 + timedelta(minutes=3))


async def test_overlapping_reads_every_team_by_the_window(db: Database) -> None:
    store = db.store()
    await store.migrate()
    before = await store.add(recording(team_id="T1", start_time=T0 - timedelta(hours=5),
                                       end_time=T0 - timedelta(hours=3)))
    inside = await store.add(recording(team_id="T2", start_time=T0 + timedelta(hours=1)))
    across = await store.add(recording(team_id="T1", start_time=T0 - timedelta(hours=1),
                                       end_time=T0 + timedelta(hours=1)))
    after = await store.add(recording(team_id="T3", start_time=T0 + timedelta(hours=10)))
    found = await store.overlapping(T0, T0 + timedelta(hours=10))
    assert [r.id for r in found] == [across.id, inside.id]
    assert before.id not in [r.id for r in found] and after.id not in [r.id for r in found]
