"""The shared rate limit: one schedule of slots for every process, as Tencent counts calls.

The bursts go through the real SDK to the emulator, which throttles each record-task action at
20/s and counts calls per second per action when they arrive; they wait for real, because the
limit must (under two seconds each). The in-memory schedule runs on an injected clock.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections import Counter

import pytest
import redis.asyncio
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.sandbox.live import Fault, LiveEmulator
from bot.tencent.policy import (
    SharedRateLimit,
    redact_url,
    redis_client_url,
    redis_schedule_key,
)
from tests.tencent.helpers import Build, spec, throttled

CREATE = "CreateRecordTask"
RECORD_TASK_ACTIONS = ("CreateRecordTask", "DescribeRecordTask", "StopRecordTask",
                       "DeleteRecordTask")
LIMIT = 20


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.overshoot = 0.0  # how much longer than asked the next sleep takes

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.overshoot
        await asyncio.sleep(0)


def throttle_like_tencent(live: LiveEmulator) -> None:
    for action in RECORD_TASK_ACTIONS:
        live.inject(Fault.throttle(LIMIT, action=action))


def most_within(times: list[float], seconds: float) -> int:
    """The most of ``times`` within any window of ``seconds`` (a moving one)."""
    times, best, first = sorted(times), 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= seconds:
            first += 1
        best = max(best, last - first + 1)
    return best


def unique_key() -> str:
    return f"recordbot-test-{uuid.uuid4().hex}"  # concurrent runs must not share a schedule


# ---- one process -----------------------------------------------------------------------------


async def test_45_concurrent_creates_stay_under_the_throttle(live: LiveEmulator,
                                                             build: Build) -> None:
    throttle_like_tencent(live)
    api = build()

    created = await asyncio.gather(*(api.create_record_task(spec(f"s{i}")) for i in range(45)))

    assert throttled(live) == []
    assert live.peak_calls_per_second()[CREATE] <= LIMIT
    assert len(live.calls(CREATE)) == 45
    assert Counter(t.stream_name for t in live.tasks) == {f"s{i}": 1 for i in range(45)}
    assert {c.task_id for c in created} == {t.task_id for t in live.tasks}


async def test_in_memory_callers_leave_in_order_one_slot_apart() -> None:
    clock = FakeTime()
    limit = SharedRateLimit(per_second=20, clock=clock, sleep=clock.sleep)
    left: list[int] = []

    async def call(n: int) -> None:
        await limit.acquire()
        left.append(n)

    await asyncio.gather(*(call(n) for n in range(5)))
    clock.now += 10  # idle for a while: the next call goes at once
    await call(5)

    assert left == [0, 1, 2, 3, 4, 5]
    assert clock.sleeps == pytest.approx([0.0525] * 4)  # the first and the sixth did not wait
    assert limit.spacing == pytest.approx(1.05 / 20)


async def test_a_caller_that_wakes_late_takes_the_next_free_slot() -> None:
    clock = FakeTime()
    limit = SharedRateLimit(per_second=20, clock=clock, sleep=clock.sleep)  # margin 0.05 s
    left: list[float] = []
    for oversleep in (0.0, 0.1, 0.0):  # the event loop is busy 100 ms during the second wait
        clock.overshoot = oversleep
        await limit.acquire()
        left.append(clock.now)

    # the second call woke 100 ms after its slot: had it gone then, the call 20 slots later
    # would have arrived 0.95 s after it; it takes a fresh slot (free at once) instead
    assert left == pytest.approx([1000.0, 1000.1525, 1000.205])
    assert clock.sleeps == pytest.approx([0.0525, 0.0525])


# ---- several processes on one Redis ----------------------------------------------------------


async def test_replicas_on_one_redis_key_stay_under_the_limit_at_arrival(
    live: LiveEmulator, build: Build, redis_url: str
) -> None:
    """Three limits with pools of their own, as three bot processes would have: together they
    send at most 20 calls in any second at arrival, spread over the second, in each process's
    own order, and nothing is throttled. (Each process spacing only its own calls sent them at
    three times the rate; a shared window let 20 arrive in a third of a second.)"""
    throttle_like_tencent(live)
    key = unique_key()
    replicas = [build(SharedRateLimit(redis_url, key=key)) for _ in range(3)]

    await asyncio.gather(*(api.create_record_task(spec(f"r{n}-{i:02d}"))
                           for n, api in enumerate(replicas) for i in range(12)))

    assert throttled(live) == []
    assert live.peak_calls_per_second()[CREATE] <= LIMIT
    arrivals = [r.received_at for r in live.requests if r.action == CREATE]
    assert most_within(arrivals, 0.5) <= LIMIT // 2 + 2  # spaced, not bunched
    streams = [c["StreamName"] for c in live.calls(CREATE)]
    for n in range(3):  # FIFO within each process
        mine = [s for s in streams if s.startswith(f"r{n}-")]
        assert mine == sorted(mine) and len(mine) == 12
    assert len(live.tasks) == 36


async def test_a_slot_far_ahead_means_redis_clock_stepped_back(redis_url: str) -> None:
    key = unique_key()
    client = redis.asyncio.Redis.from_url(redis_url)
    clock = FakeTime()
    limit = SharedRateLimit(redis_url, key=key, max_ahead=5, clock=clock, sleep=clock.sleep)
    try:
        seconds, micros = await client.time()
        hour_ahead = (seconds + 3600) * 1_000_000 + micros
        await client.set(redis_schedule_key(key), hour_ahead, px=60_000)
        await limit.acquire()
        await limit.acquire()
    finally:
        await limit.close()
        await client.delete(redis_schedule_key(key))
        await client.aclose()

    assert not limit.degraded
    assert len(clock.sleeps) <= 1 and sum(clock.sleeps) < 0.1  # started again from now


async def test_a_loop_that_is_always_late_still_sends(redis_url: str) -> None:
    """With the schedule taken ahead (here by the fake sleep not waiting for Redis's clock),
    each late wake-up finds the next slot later again: the caller tries three, then goes."""
    clock = FakeTime()
    clock.overshoot = 0.2
    limit = SharedRateLimit(redis_url, key=unique_key(), clock=clock, sleep=clock.sleep)
    try:
        for _ in range(3):
            await limit.acquire()
    finally:
        await limit.close()

    assert len(clock.sleeps) == 2 * 3  # the first call had its slot at once; the others 3 each


async def test_close_releases_the_redis_connections(redis_url: str) -> None:
    key = unique_key()
    client = redis.asyncio.Redis.from_url(redis_url)

    async def connections() -> int:
        listed = await client.client_list()
        return sum(1 for c in listed if c["name"] == f"recordbot-rate-limit:{key}")

    limit = SharedRateLimit(redis_url, key=key)
    try:
        await asyncio.gather(*(limit.acquire() for _ in range(3)))
        assert await connections() == 1  # one reservation at a time: one connection
        await limit.close()
        await limit.close()  # twice is fine
        assert await connections() == 0
    finally:
        await client.delete(redis_schedule_key(key))
        await client.aclose()


# ---- when Redis fails ------------------------------------------------------------------------


async def test_unreachable_redis_falls_back_to_memory(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeTime()
    limit = SharedRateLimit(f"redis://:not-for-logs@127.0.0.1:{port}/0", per_second=100,
                            clock=clock, sleep=clock.sleep)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.tencent.policy"):
            for _ in range(5):
                await limit.acquire()
    finally:
        await limit.close()

    assert limit.shared and limit.degraded
    assert clock.sleeps == pytest.approx([0.0105] * 4)  # still spaced, in memory
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per fallback period, not once per call
    assert "unreachable" in warnings[0] and "in memory" in warnings[0]
    assert "not-for-logs" not in caplog.text


async def test_redis_is_tried_again_after_the_fallback_period(
    redis_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeTime()
    limit = SharedRateLimit(redis_url, key=unique_key(), fallback_seconds=30, clock=clock,
                            sleep=clock.sleep)
    reserve = limit._script
    failures = 1

    async def flaky(**kw: object) -> object:
        nonlocal failures
        if failures:
            failures -= 1
            raise RedisConnectionError("Redis restarted")
        assert reserve is not None
        return await reserve(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(limit, "_script", flaky)
    try:
        with caplog.at_level(logging.INFO, logger="bot.tencent.policy"):
            await limit.acquire()
            assert limit.degraded
            clock.now += 31
            await limit.acquire()
    finally:
        await limit.close()

    assert not limit.degraded
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "unreachable" in messages[0] and "works again" in messages[1]


def test_storage_urls_as_people_write_them() -> None:
    for url in ("redis://h:6379/0", "rediss://u:p@h:6380/1", "unix:///run/redis.sock"):
        assert redis_client_url(url) == url
    with pytest.raises(ValueError, match=r"http://:\*\*\*@h"):
        redis_client_url("http://:secret@h")
    assert redact_url("redis://:secret@h:6379/0") == "redis://:***@h:6379/0"
