"""Fault injection, as the real SDK clients experience it."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.common.retry import StandardRetryer
from tencentcloud.common.retry_async import StandardRetryer as AsyncStandardRetryer
from tencentcloud.live.v20180801 import models

from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.sandbox.live.rates import CallRates
from tests.tencent.helpers import (
    STREAM,
    async_client,
    create_error,
    create_request,
    describe_request,
    now,
    sync_client,
    task_request,
)


def test_fail_stream_answers_the_error_for_that_stream_only(live: LiveEmulator) -> None:
    live.fail_stream(STREAM, "ResourceUnavailable.InvalidVodStatus", "VOD is not activated.")
    client = sync_client(live)

    error = create_error(live)
    other = client.CreateRecordTask(create_request(StreamName="otherstream"))

    assert (error.get_code(), error.get_message()) == (
        "ResourceUnavailable.InvalidVodStatus", "VOD is not activated.")
    assert error.get_request_id()
    assert [t.task_id for t in live.tasks] == [other.TaskId]  # the failed call created nothing
    assert live.requests[0].outcome == "ResourceUnavailable.InvalidVodStatus"


def test_fail_stream_also_covers_stop_of_that_streams_tasks(live: LiveEmulator) -> None:
    client = sync_client(live)
    task_id = client.CreateRecordTask(create_request()).TaskId
    live.fail_stream(STREAM, "InternalError", "boom", action="StopRecordTask")

    with pytest.raises(TencentCloudSDKException) as caught:
        client.StopRecordTask(task_request(models.StopRecordTaskRequest, task_id))

    assert caught.value.get_code() == "InternalError"
    assert live.task(task_id).stopped == 0


def test_a_fault_can_apply_a_limited_number_of_times(live: LiveEmulator) -> None:
    live.inject(Fault.api_error("InternalError", "once", action="CreateRecordTask", times=2))
    assert create_error(live).get_code() == "InternalError"
    assert create_error(live).get_code() == "InternalError"
    assert sync_client(live).CreateRecordTask(create_request()).TaskId
    assert live.faults == []


def test_clear_faults(live: LiveEmulator) -> None:
    live.inject(Fault.server_error())
    live.clear_faults()
    assert sync_client(live).CreateRecordTask(create_request()).TaskId


def test_http_500_is_a_server_network_error_and_creates_nothing(live: LiveEmulator) -> None:
    live.inject(Fault.server_error(action="CreateRecordTask", body="upstream exploded"))

    error = create_error(live)

    assert error.get_code() == "ServerNetworkError"
    assert b"upstream exploded" in error.get_message()  # the SDK passes the raw bytes on
    assert live.tasks == []
    assert live.requests[0].outcome == "HTTP 500"


def test_http_500_after_the_task_was_created(live: LiveEmulator) -> None:
    live.inject(Fault.server_error(action="CreateRecordTask", takes_effect=True))
    assert create_error(live).get_code() == "ServerNetworkError"
    assert len(live.tasks) == 1


async def test_async_client_sees_http_500(live: LiveEmulator) -> None:
    live.inject(Fault.server_error())
    async with async_client(live) as client:
        with pytest.raises(TencentCloudSDKException) as caught:
            await client.CreateRecordTask(create_request())
    assert caught.value.get_code() == "ServerNetworkError"


def test_delay_beyond_the_timeout_still_creates_the_task(live: LiveEmulator) -> None:
    """The dangerous case: the client gives up, but Tencent did create the task."""
    live.inject(Fault.slow(5, action="CreateRecordTask"))
    started = time.monotonic()

    error = create_error(live, timeout=0.3)

    assert error.get_code() == "ClientNetworkError"
    assert "timed out" in error.get_message().lower()
    assert time.monotonic() - started < 2
    assert len(live.tasks) == 1


async def test_async_client_times_out_with_an_httpx_error(live: LiveEmulator) -> None:
    live.inject(Fault.slow(5))
    async with async_client(live, timeout=0.3) as client:
        with pytest.raises(httpx.TimeoutException):
            await client.CreateRecordTask(create_request())
    assert len(live.tasks) == 1


def test_delay_that_holds_the_action_back(live: LiveEmulator) -> None:
    live.inject(Fault.slow(0.6, action="CreateRecordTask", takes_effect=False))

    assert create_error(live, timeout=0.2).get_code() == "ClientNetworkError"

    [logged] = live.wait_for_requests(1)
    assert logged.outcome == "client-gone"
    assert live.tasks == []


def test_a_reply_held_across_a_reset_is_not_logged_for_the_next_test(live: LiveEmulator) -> None:
    live.inject(Fault.slow(0.6, action="CreateRecordTask"))
    assert create_error(live, timeout=0.2).get_code() == "ClientNetworkError"
    live.reset()  # what each test's fixture does while that reply is still held
    time.sleep(0.8)  # the held reply is now sent (to nobody)
    assert live.requests == []
    assert sync_client(live).CreateRecordTask(create_request()).TaskId
    assert [r.action for r in live.requests] == ["CreateRecordTask"]


def test_short_delay_answers_normally(live: LiveEmulator) -> None:
    live.inject(Fault.slow(0.2))  # every action
    started = time.monotonic()
    client = sync_client(live)
    assert client.CreateRecordTask(create_request()).TaskId
    assert client.DescribeLiveRecordTemplates(models.DescribeLiveRecordTemplatesRequest())
    assert time.monotonic() - started >= 0.4


def test_delay_for_one_action_only(live: LiveEmulator) -> None:
    live.inject(Fault.slow(5, action="StopRecordTask"))
    started = time.monotonic()
    assert sync_client(live).CreateRecordTask(create_request()).TaskId
    assert time.monotonic() - started < 1


def test_stop_does_not_wait_for_a_pending_delay(clock: object) -> None:
    live = LiveEmulator().start()
    live.inject(Fault.slow(30))
    with pytest.raises(TencentCloudSDKException):
        sync_client(live, timeout=0.2).CreateRecordTask(create_request())
    started = time.monotonic()
    live.stop()
    assert time.monotonic() - started < 5


def test_dropped_connection_is_a_client_network_error(live: LiveEmulator) -> None:
    live.inject(Fault.drop(action="CreateRecordTask"))

    error = create_error(live)

    assert error.get_code() == "ClientNetworkError"
    assert live.tasks == []
    assert live.wait_for_requests(1)[0].outcome == "dropped"


def test_dropped_connection_after_the_task_was_created(live: LiveEmulator) -> None:
    live.inject(Fault.drop(takes_effect=True))
    assert create_error(live).get_code() == "ClientNetworkError"
    assert len(live.tasks) == 1


async def test_async_client_sees_a_dropped_connection(live: LiveEmulator) -> None:
    live.inject(Fault.drop())
    async with async_client(live) as client:
        with pytest.raises(httpx.TransportError):
            await client.CreateRecordTask(create_request())


def test_malformed_json(live: LiveEmulator) -> None:
    live.inject(Fault.malformed_json())

    error = create_error(live)

    assert error.get_code() == "JSONDecodeError"  # wrapped by the sync LiveClient method
    assert live.tasks == []


async def test_async_client_sees_malformed_json(live: LiveEmulator) -> None:
    live.inject(Fault.malformed_json())
    async with async_client(live) as client:
        with pytest.raises(json.JSONDecodeError):
            await client.CreateRecordTask(create_request())


def test_wrong_content_type_hides_the_error_from_the_sdk(live: LiveEmulator) -> None:
    """Why the bot must check TaskId: the SDK returns an empty model instead of raising."""
    live.inject(Fault.wrong_content_type(error=("InternalError", "hidden")))

    response = sync_client(live).CreateRecordTask(create_request())

    assert response.TaskId is None
    assert live.tasks == []
    assert live.requests[0].content_type == "application/json; charset=utf-8"


async def test_async_client_also_hides_the_error(live: LiveEmulator) -> None:
    live.inject(Fault.wrong_content_type(error=("InternalError", "hidden")))
    async with async_client(live) as client:
        response = await client.CreateRecordTask(create_request())
    assert response.TaskId is None


def test_wrong_content_type_on_a_success_is_harmless(live: LiveEmulator) -> None:
    live.inject(Fault.wrong_content_type())
    assert sync_client(live).CreateRecordTask(create_request()).TaskId
    assert len(live.tasks) == 1


def test_throttling_answers_request_limit_exceeded_above_the_rate(live: LiveEmulator) -> None:
    live.inject(Fault.throttle(2, action="CreateRecordTask"))
    client = sync_client(live)

    assert client.CreateRecordTask(create_request()).TaskId
    assert client.CreateRecordTask(create_request()).TaskId
    assert create_error(live).get_code() == "RequestLimitExceeded"
    # other actions have their own budget
    assert client.DescribeRecordTask(describe_request(now(), now() + 3600)).TaskList == []
    assert len(live.tasks) == 2


def test_throttling_follows_the_emulator_clock(live: LiveEmulator, clock: object) -> None:
    live.inject(Fault.throttle(1, action="CreateRecordTask"))
    client = sync_client(live)
    assert client.CreateRecordTask(create_request()).TaskId
    assert create_error(live).get_code() == "RequestLimitExceeded"
    clock.offset += 1.5  # type: ignore[attr-defined]  # a second and a half later
    assert client.CreateRecordTask(create_request()).TaskId


def test_peak_calls_per_second_counts_each_action_across_clients(live: LiveEmulator,
                                                                  clock: object) -> None:
    live.inject(Fault.throttle(4, action="CreateRecordTask"))
    first, second = sync_client(live), sync_client(live)
    for client in (first, second, first, second):
        assert client.CreateRecordTask(create_request()).TaskId
    assert create_error(live).get_code() == "RequestLimitExceeded"  # a refused call arrived too
    assert second.DescribeRecordTask(describe_request(now(), now() + 3600)).TaskList == []

    assert live.peak_calls_per_second() == {"CreateRecordTask": 5, "DescribeRecordTask": 1}
    clock.offset += 1.5  # type: ignore[attr-defined]  # the next second: a fresh window
    for client in (first, second):
        assert client.CreateRecordTask(create_request()).TaskId
    assert live.peak_calls_per_second()["CreateRecordTask"] == 5  # the peak, not the latest

    live.clear_requests()
    assert live.peak_calls_per_second() == {}


def test_the_peak_is_over_a_moving_one_second_window() -> None:
    rates = CallRates()
    for at in (10.0, 10.5, 10.9, 11.0, 11.4, 11.95):
        rates.count("CreateRecordTask", at)
    # 10.5, 10.9, 11.0, 11.4 lie within one second; 10.0 is exactly a second before 11.0, so
    # it has left the window when 11.0 arrives, as in the throttle fault
    assert rates.peaks() == {"CreateRecordTask": 4}


def test_sdk_retryer_discards_the_success_after_a_retried_error(live: LiveEmulator) -> None:
    """Documents an SDK 3.1.195 bug the emulator exposes: StandardRetryer never clears the
    error of a failed attempt, so every later success is retried too and the first error is
    raised in the end. For CreateRecordTask that means duplicate tasks AND an error reported."""
    live.inject(Fault.api_error(Code.REQUEST_LIMIT_EXCEEDED, "slow down", times=1))
    client = sync_client(live)
    client.profile.retryer = StandardRetryer(max_attempts=3, backoff_fn=lambda n: 0)

    with pytest.raises(TencentCloudSDKException) as caught:
        client.CreateRecordTask(create_request())

    assert caught.value.get_code() == "RequestLimitExceeded"
    assert [r.outcome for r in live.requests] == ["RequestLimitExceeded", "OK", "OK"]
    assert len(live.tasks) == 2


async def test_async_sdk_retryer_has_the_same_bug(live: LiveEmulator) -> None:
    async def no_backoff(attempt: int) -> float:
        return 0

    live.inject(Fault.drop(times=1))
    async with async_client(live) as client:
        client.profile.retryer = AsyncStandardRetryer(max_attempts=2, backoff_fn=no_backoff)
        with pytest.raises(httpx.TransportError):
            await client.CreateRecordTask(create_request())
    assert [r.outcome for r in live.wait_for_requests(2)] == ["dropped", "OK"]
    assert len(live.tasks) == 1


@pytest.mark.parametrize("bad", [
    {"times": 0},
    {"action": "NoSuchAction"},
    {"error": ("InternalError", "x"), "http_status": 500},
    {"http_status": 200},
    {"delay": -1},
])
def test_inconsistent_faults_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**bad)  # type: ignore[arg-type]
