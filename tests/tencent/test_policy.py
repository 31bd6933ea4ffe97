"""The shared rate limit, retries and create-lookup of GuardedLiveApi, against the emulator.

The real TencentLiveApi (and so the real SDK) talks to the emulator; backoff sleeps are recorded
instead of slept. Only the rate-limit tests wait for real, because the limit must.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio
from hypothesis import given
from hypothesis import strategies as st
from redis.exceptions import RedisError

from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.tencent.live_api import (
    OutcomeUnknown,
    RecordTaskSpec,
    TencentLiveApi,
    TencentRejected,
)
from bot.tencent.policy import (
    GuardedLiveApi,
    RecoveredTask,
    RetryPolicy,
    SharedRateLimit,
    limits_storage_uri,
    redact_url,
)
from tests.tencent.helpers import APP, DOMAIN, HOUR, REGION, STREAM, now

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CREATE = "CreateRecordTask"


class Sleeps:
    """An injected sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class CountingLimit(SharedRateLimit):
    """The in-memory limit, counting how often a slot was taken."""

    def __init__(self) -> None:
        super().__init__()
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        await super().acquire()


Build = Callable[..., GuardedLiveApi]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def build(live: LiveEmulator, sleeps: Sleeps) -> AsyncIterator[Build]:
    """Makes GuardedLiveApi instances over real TencentLiveApi clients; closes them afterwards."""
    made: list[GuardedLiveApi] = []

    def make(limit: SharedRateLimit | None = None, attempts: int = 3) -> GuardedLiveApi:
        inner = TencentLiveApi(*live.default_credentials, REGION, live.endpoint, "http", 5)
        api = GuardedLiveApi(inner, limit or SharedRateLimit(),
                             RetryPolicy(attempts=attempts, sleep=sleeps))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


def spec(stream: str = STREAM, **fields: int) -> RecordTaskSpec:
    start = fields.get("start_time", now() + 60)
    return RecordTaskSpec(stream_name=stream, domain_name=DOMAIN, app_name=APP,
                          start_time=start, end_time=fields.get("end_time", start + HOUR))


def throttled(live: LiveEmulator) -> list[str]:
    return [r.action for r in live.requests if r.outcome == Code.REQUEST_LIMIT_EXCEEDED]


# ---- the rate limit --------------------------------------------------------------------------


async def test_45_concurrent_creates_stay_under_the_throttle(live: LiveEmulator,
                                                             build: Build) -> None:
    live.inject(Fault.throttle(20, action=CREATE))
    api = build()

    created = await asyncio.gather(*(api.create_record_task(spec(f"s{i}")) for i in range(45)))

    assert throttled(live) == []
    assert len(live.calls(CREATE)) == 45
    assert Counter(t.stream_name for t in live.tasks) == {f"s{i}": 1 for i in range(45)}
    assert {c.task_id for c in created} == {t.task_id for t in live.tasks}


async def _redis_url_or_skip() -> str:
    client = redis.asyncio.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        await asyncio.wait_for(client.ping(), 1.5)
    except (RedisError, OSError, TimeoutError) as err:
        pytest.skip(f"no Redis reachable at {redact_url(REDIS_URL)} ({type(err).__name__}); "
                    f"set REDIS_URL to run this test")
    finally:
        await client.aclose()
    return REDIS_URL


async def test_two_processes_share_one_limit_in_redis(live: LiveEmulator, build: Build) -> None:
    url = await _redis_url_or_skip()
    key = f"recordbot-test-{uuid.uuid4().hex}"  # parallel runs must not share a window
    live.inject(Fault.throttle(20, action=CREATE))
    first, second = (build(SharedRateLimit(url, key=key)) for _ in range(2))

    await asyncio.gather(*(api.create_record_task(spec(f"{name}{i}"))
                           for name, api in (("a", first), ("b", second)) for i in range(12)))

    assert throttled(live) == []  # 24 in all: each alone at 20/s would have been throttled
    assert len(live.tasks) == len(live.calls(CREATE)) == 24


async def test_unreachable_redis_falls_back_to_memory(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limit = SharedRateLimit(f"redis://:not-for-logs@127.0.0.1:{port}/0", per_second=100)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.tencent.policy"):
            for _ in range(5):
                await limit.acquire()
    finally:
        await limit.close()

    assert limit.shared and limit.degraded
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per fallback period, not once per call
    assert "unreachable" in warnings[0] and "in memory" in warnings[0]
    assert "not-for-logs" not in caplog.text


def test_storage_urls_as_people_write_them() -> None:
    assert limits_storage_uri("redis://h:6379/0") == "async+redis://h:6379/0"
    assert limits_storage_uri("rediss://u:p@h:6380/1") == "async+rediss://u:p@h:6380/1"
    assert limits_storage_uri("unix:///run/redis.sock") == "async+redis+unix:///run/redis.sock"
    assert limits_storage_uri("async+redis://h") == "async+redis://h"
    with pytest.raises(ValueError, match=r"http://:\*\*\*@h"):
        limits_storage_uri("http://:secret@h")


# ---- retries ---------------------------------------------------------------------------------


async def test_internal_error_twice_then_success(live: LiveEmulator, build: Build,
                                                 sleeps: Sleeps,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    live.inject(Fault.api_error("InternalError", "boom", action=CREATE, times=2))
    api = build()

    with caplog.at_level(logging.WARNING, logger="bot.tencent.policy"):
        created = await api.create_record_task(spec())

    assert len(live.calls(CREATE)) == 3
    assert [t.task_id for t in live.tasks] == [created.task_id]
    policy = RetryPolicy()
    assert len(sleeps.delays) == 2
    assert all(0 <= d <= policy.cap for d in sleeps.delays)
    retries = [r.getMessage() for r in caplog.records]
    assert len(retries) == 2
    assert all(CREATE in m and "InternalError" in m for m in retries)
    assert "attempt 1/3" in retries[0] and "attempt 2/3" in retries[1]
    assert live.default_credentials[1] not in caplog.text


async def test_throttled_every_time_gives_up_without_a_last_sleep(
    live: LiveEmulator, build: Build, sleeps: Sleeps
) -> None:
    live.inject(Fault.throttle(0, action=CREATE))

    with pytest.raises(TencentRejected) as caught:
        await build(attempts=4).create_record_task(spec())

    assert caught.value.code == Code.REQUEST_LIMIT_EXCEEDED
    assert len(live.calls(CREATE)) == 4
    assert len(sleeps.delays) == 3
    assert live.tasks == []


@pytest.mark.parametrize("code", ["InvalidParameter", "ResourceUnavailable.InvalidVodStatus"])
async def test_a_rejection_that_cannot_change_is_raised_at_once(
    live: LiveEmulator, build: Build, sleeps: Sleeps, code: str
) -> None:
    live.fail_stream(STREAM, code, "no", action=CREATE)

    with pytest.raises(TencentRejected) as caught:
        await build().create_record_task(spec())

    assert caught.value.code == code
    assert len(live.calls(CREATE)) == 1
    assert sleeps.delays == []


async def test_dropped_stop_is_retried(live: LiveEmulator, build: Build) -> None:
    api = build()
    task_id = (await api.create_record_task(spec())).task_id
    live.inject(Fault.drop(action="StopRecordTask", times=1))

    await api.stop_record_task(task_id)

    assert [r.outcome for r in live.requests if r.action == "StopRecordTask"] == ["dropped", "OK"]
    assert live.task(task_id).stopped


async def test_describe_is_retried_and_templates_skip_the_limit(live: LiveEmulator,
                                                                build: Build) -> None:
    limit = CountingLimit()
    api = build(limit)
    created = await api.create_record_task(spec())
    live.inject(Fault.api_error("InternalError", "boom", action="DescribeRecordTask", times=1))
    live.inject(Fault.server_error(action="DescribeLiveRecordTemplates", times=1))

    listed = await api.describe_record_tasks(now(), now() + 2 * HOUR, STREAM)
    templates = await api.describe_record_templates()

    assert [t.task_id for t in listed] == [created.task_id]
    assert len(templates) == 2
    assert len(live.calls("DescribeLiveRecordTemplates")) == 2
    assert limit.acquired == 3  # create, and each describe attempt; no template call


# ---- a create whose answer is lost -----------------------------------------------------------


async def test_lost_answer_of_a_create_that_happened_is_found(live: LiveEmulator,
                                                              build: Build) -> None:
    live.inject(Fault.server_error(500, action=CREATE, takes_effect=True, times=1))
    limit = CountingLimit()

    created = await build(limit).create_record_task(spec())

    assert len(live.calls(CREATE)) == 1
    assert len(live.calls("DescribeRecordTask")) == 1
    assert isinstance(created, RecoveredTask) and created.found_by_lookup
    assert [t.task_id for t in live.tasks] == [created.task_id]
    assert limit.acquired == 2  # the lookup takes a slot too


async def test_lost_answer_of_a_create_that_did_not_happen_is_retried(live: LiveEmulator,
                                                                      build: Build) -> None:
    live.inject(Fault.server_error(500, action=CREATE, takes_effect=False, times=1))

    created = await build().create_record_task(spec())

    assert [r.action for r in live.requests] == [CREATE, "DescribeRecordTask", CREATE]
    assert not isinstance(created, RecoveredTask)
    assert [t.task_id for t in live.tasks] == [created.task_id]


async def test_no_create_again_when_the_lookup_fails_too(live: LiveEmulator,
                                                         build: Build) -> None:
    live.inject(Fault.server_error(500, action=CREATE, takes_effect=True))
    live.inject(Fault.server_error(503, action="DescribeRecordTask"))

    with pytest.raises(OutcomeUnknown) as caught:
        await build().create_record_task(spec())

    assert caught.value.code == "ServerNetworkError"
    assert len(live.calls(CREATE)) == 1
    assert len(live.calls("DescribeRecordTask")) == 1
    assert len(live.tasks) == 1  # it was created; nobody could tell, so no second one


async def test_lost_answer_on_the_last_attempt_is_still_looked_up(live: LiveEmulator,
                                                                  build: Build) -> None:
    live.inject(Fault.server_error(500, action=CREATE, takes_effect=True))

    created = await build(attempts=1).create_record_task(spec())

    assert isinstance(created, RecoveredTask)
    assert len(live.calls(CREATE)) == 1


# ---- delete ----------------------------------------------------------------------------------


async def test_delete_whose_answer_was_lost_is_a_success(live: LiveEmulator,
                                                         build: Build) -> None:
    api = build()
    task_id = (await api.create_record_task(spec())).task_id
    live.inject(Fault.server_error(500, action="DeleteRecordTask", takes_effect=True, times=1))

    await api.delete_record_task(task_id)

    outcomes = [r.outcome for r in live.requests if r.action == "DeleteRecordTask"]
    assert outcomes == ["HTTP 500", Code.TASK_NOT_EXIST]
    assert live.task(task_id).deleted


async def test_delete_of_an_unknown_task_is_still_an_error(live: LiveEmulator,
                                                           build: Build) -> None:
    with pytest.raises(TencentRejected) as caught:
        await build().delete_record_task("no-such-task")
    assert caught.value.code == Code.TASK_NOT_EXIST


# ---- the backoff -----------------------------------------------------------------------------


@given(attempts=st.integers(1, 80), base=st.floats(0, 10), cap=st.floats(0, 60),
       draw=st.floats(0, 1, exclude_max=True))
def test_delays_are_bounded(attempts: int, base: float, cap: float, draw: float) -> None:
    delays = RetryPolicy(attempts, base, cap, random=lambda: draw).delays()

    assert len(delays) == attempts - 1
    for n, delay in enumerate(delays):
        assert 0 <= delay <= cap
        assert delay <= base * 2.0 ** min(n, 64)


def test_a_policy_needs_one_attempt_at_least() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    assert RetryPolicy(attempts=1).delays() == []
