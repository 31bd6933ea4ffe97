"""CreateRecordTask: required fields, types, and the documented time rules."""

from __future__ import annotations

import pytest
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.live.v20180801 import models

from bot.sandbox.live import LiveEmulator
from tests.tencent.conftest import ShiftableClock
from tests.tencent.helpers import DAY, HOUR, STREAM, create_request, now, sync_client


def _error(live: LiveEmulator, request: models.CreateRecordTaskRequest,
           method: str = "POST") -> TencentCloudSDKException:
    before = len(live.tasks)
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live, method=method).CreateRecordTask(request)
    assert len(live.tasks) == before  # a refused call creates nothing
    return caught.value


def test_start_time_defaults_to_now(live: LiveEmulator) -> None:
    before = now()
    request = create_request(EndTime=before + HOUR)
    request.StartTime = None

    sync_client(live).CreateRecordTask(request)

    [task] = live.tasks
    assert before <= task.start_time <= now()
    assert (task.template_id, task.stream_type, task.extension) == (0, 0, "")


def test_start_time_defaults_to_the_emulator_clock(
    live: LiveEmulator, clock: ShiftableClock
) -> None:
    clock.offset = 200
    request = create_request(EndTime=now() + HOUR)
    request.StartTime = None
    sync_client(live).CreateRecordTask(request)
    assert live.tasks[0].start_time >= now() + 199


def test_task_ids_are_unique_and_opaque(live: LiveEmulator) -> None:
    client = sync_client(live)
    ids = {client.CreateRecordTask(create_request()).TaskId for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 40 and i.isalnum() for i in ids)


def test_overlapping_tasks_are_all_kept(live: LiveEmulator) -> None:
    """Tencent runs at most three overlapping tasks per stream but does not refuse more."""
    client = sync_client(live)
    for _ in range(5):
        client.CreateRecordTask(create_request())
    assert len(live.tasks) == 5


def test_template_id_is_not_checked(live: LiveEmulator) -> None:
    """Tencent records HLS with a wrong TemplateId instead of refusing it."""
    sync_client(live).CreateRecordTask(create_request(TemplateId=987654))
    assert live.tasks[0].template_id == 987654


def test_mixed_stream_type(live: LiveEmulator) -> None:
    sync_client(live).CreateRecordTask(create_request(StreamType=1))
    assert live.tasks[0].stream_type == 1


@pytest.mark.parametrize(("start_offset", "end_offset", "rule"), [
    (HOUR, HOUR, "EndTime must be later than StartTime"),
    (2 * HOUR, HOUR, "EndTime must be later than StartTime"),
    (-2 * HOUR, -HOUR, "EndTime must be later than the current time"),
    (0, DAY + 1, "must not exceed 24 hours"),
    (7 * DAY - HOUR, 7 * DAY, "earlier than the current time plus 7 days"),
    (6 * DAY + 60, 6 * DAY + HOUR, "cannot be later than the current time plus 6 days"),
])
def test_time_rules(live: LiveEmulator, start_offset: int, end_offset: int, rule: str) -> None:
    t = now()
    error = _error(live, create_request(StartTime=t + start_offset, EndTime=t + end_offset))
    assert error.get_code() == "InvalidParameter.InvalidTaskTime"
    assert rule in error.get_message()


def test_time_rule_limits_are_allowed(live: LiveEmulator) -> None:
    t = now()
    client = sync_client(live)
    client.CreateRecordTask(create_request(StartTime=t, EndTime=t + DAY))  # exactly 24 h
    client.CreateRecordTask(create_request(StartTime=t + 6 * DAY, EndTime=t + 7 * DAY - 60))
    client.CreateRecordTask(create_request(StartTime=t - HOUR, EndTime=t + HOUR))  # started
    assert len(live.tasks) == 3


def test_end_time_rules_follow_the_emulator_clock(
    live: LiveEmulator, clock: ShiftableClock
) -> None:
    t = now()
    clock.offset = 250  # still within signature skew, but the task below has ended by then
    error = _error(live, create_request(StartTime=t - 60, EndTime=t + 200))
    assert "current time" in error.get_message()


@pytest.mark.parametrize("missing", ["StreamName", "DomainName", "AppName", "EndTime"])
def test_required_fields(live: LiveEmulator, missing: str) -> None:
    request = create_request()
    setattr(request, missing, None)  # the SDK drops None fields, like an unset one
    error = _error(live, request)
    assert error.get_code() == "MissingParameter"
    assert f"`{missing}`" in error.get_message()


@pytest.mark.parametrize(("field", "value"), [
    ("EndTime", "tomorrow"),
    ("EndTime", 1.5e9),
    ("EndTime", True),
    ("StartTime", "1700000000"),
    ("StreamName", 42),
    ("TemplateId", "10001"),
])
def test_wrong_types(live: LiveEmulator, field: str, value: object) -> None:
    error = _error(live, create_request(**{field: value}))
    assert error.get_code() == "InvalidParameter"
    assert f"`{field}`" in error.get_message()


@pytest.mark.parametrize(("field", "value"), [
    ("StreamType", 2),
    ("StartTime", -1),
    ("StreamName", ""),
])
def test_values_outside_the_allowed_set(live: LiveEmulator, field: str, value: object) -> None:
    error = _error(live, create_request(**{field: value}))
    assert error.get_code() == "InvalidParameterValue"
    assert f"`{field}`" in error.get_message()


def test_get_parameters_are_typed_from_text(live: LiveEmulator) -> None:
    sync_client(live, method="GET").CreateRecordTask(create_request(TemplateId=10002))
    assert live.tasks[0].template_id == 10002
    assert _error(live, create_request(StreamType=3), method="GET").get_code() == (
        "InvalidParameterValue")


def test_stream_name_is_stored_as_given(live: LiveEmulator) -> None:
    sync_client(live).CreateRecordTask(create_request(StreamName=f"{STREAM}_ünï"))
    assert live.tasks[0].stream_name == f"{STREAM}_ünï"
