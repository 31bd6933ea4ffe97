"""Retries and the create-lookup of GuardedLiveApi, against the emulator (the shared rate
limit: test_rate_limit.py).

The real TencentLiveApi (and so the real SDK) talks to the emulator; backoff sleeps are recorded
instead of slept.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.tencent.live_api import OutcomeUnknown, TencentRejected
from bot.tencent.policy import RecoveredTask, RetryPolicy, SharedRateLimit
from tests.tencent.helpers import HOUR, STREAM, Build, Sleeps, now, spec

CREATE = "CreateRecordTask"


class CountingLimit(SharedRateLimit):
    """The in-memory limit, counting how often a slot was taken."""

    def __init__(self) -> None:
        super().__init__()
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        await super().acquire()


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
