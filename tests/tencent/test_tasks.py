"""DescribeRecordTask, StopRecordTask, DeleteRecordTask and the template APIs."""

from __future__ import annotations

import pytest
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.live.v20180801 import live_client, models

from bot.sandbox.live import LiveEmulator, RecordTask, record_template
from tests.tencent.conftest import ShiftableClock
from tests.tencent.helpers import (
    APP,
    DAY,
    DOMAIN,
    HOUR,
    STREAM,
    async_client,
    create_request,
    describe_request,
    now,
    sync_client,
    task_request,
)


def _create(client: live_client.LiveClient, start: int, end: int, **fields: object) -> str:
    return client.CreateRecordTask(create_request(StartTime=start, EndTime=end, **fields)).TaskId


def _ids(response: models.DescribeRecordTaskResponse) -> list[str]:
    return [t.TaskId for t in response.TaskList]


def _describe_error(live: LiveEmulator, start: int, end: int) -> TencentCloudSDKException:
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live).DescribeRecordTask(describe_request(start, end))
    return caught.value


def test_describe_returns_every_field(live: LiveEmulator) -> None:
    client = sync_client(live)
    t = now()
    task_id = _create(client, t + HOUR, t + 2 * HOUR, TemplateId=10001)

    response = client.DescribeRecordTask(describe_request(t, t + DAY))

    [task] = response.TaskList
    assert (task.TaskId, task.DomainName, task.AppName, task.StreamName, task.StartTime,
            task.EndTime, task.TemplateId, task.Stopped) == (
        task_id, DOMAIN, APP, STREAM, t + HOUR, t + 2 * HOUR, 10001, 0)
    assert response.ScrollToken == ""


def test_describe_filters(live: LiveEmulator) -> None:
    client = sync_client(live)
    t = now()
    a = _create(client, t + 60, t + HOUR)
    b = _create(client, t + 60, t + HOUR, StreamName="other")
    c = _create(client, t + 60, t + HOUR, DomainName="push.example.com")
    d = _create(client, t + 60, t + HOUR, AppName="app2")
    window = (t, t + DAY)

    assert _ids(client.DescribeRecordTask(describe_request(*window))) == [a, b, c, d]
    assert _ids(client.DescribeRecordTask(describe_request(*window, StreamName=STREAM))) == [
        a, c, d]
    assert _ids(client.DescribeRecordTask(describe_request(*window, StreamName="other"))) == [b]
    assert _ids(client.DescribeRecordTask(
        describe_request(*window, DomainName="push.example.com"))) == [c]
    assert _ids(client.DescribeRecordTask(describe_request(*window, AppName="app2"))) == [d]
    assert _ids(client.DescribeRecordTask(
        describe_request(*window, StreamName=STREAM, AppName=APP, DomainName=DOMAIN))) == [a]


def test_describe_returns_only_tasks_inside_the_window(live: LiveEmulator) -> None:
    client = sync_client(live)
    t = now()
    inside = _create(client, t + 2 * HOUR, t + 3 * HOUR)
    _create(client, t + HOUR, t + 3 * HOUR)        # starts before the window
    _create(client, t + 2 * HOUR, t + 5 * HOUR)    # ends after it
    edges = _create(client, t + 2 * HOUR, t + 4 * HOUR)  # exactly the window

    response = client.DescribeRecordTask(describe_request(t + 2 * HOUR, t + 4 * HOUR))

    assert _ids(response) == [inside, edges]


@pytest.mark.parametrize(("start_offset", "end_offset", "rule"), [
    (0, 0, "EndTime must be later than StartTime"),
    (0, 7 * DAY + 1, "must not exceed one week"),
    (-91 * DAY, -90 * DAY, "90 days"),
])
def test_describe_window_rules(
    live: LiveEmulator, start_offset: int, end_offset: int, rule: str
) -> None:
    t = now()
    error = _describe_error(live, t + start_offset, t + end_offset)
    assert error.get_code() == "InvalidParameter"
    assert rule in error.get_message()


def test_describe_window_limits_are_allowed(live: LiveEmulator) -> None:
    client = sync_client(live)
    t = now()
    client.DescribeRecordTask(describe_request(t, t + 7 * DAY))
    client.DescribeRecordTask(describe_request(t - 89 * DAY, t - 88 * DAY))
    client.DescribeRecordTask(describe_request(t + 6 * DAY, t + 8 * DAY))  # future windows too


def test_describe_requires_both_times(live: LiveEmulator) -> None:
    request = models.DescribeRecordTaskRequest()
    request.StartTime = now()
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live).DescribeRecordTask(request)
    assert caught.value.get_code() == "MissingParameter"
    assert "`EndTime`" in caught.value.get_message()


def test_scroll_token_paging(live: LiveEmulator) -> None:
    live.page_size = 2
    client = sync_client(live)
    t = now()
    created = [_create(client, t + 60, t + HOUR) for _ in range(5)]

    pages: list[list[str]] = []
    token = ""
    while True:
        response = client.DescribeRecordTask(describe_request(t, t + DAY, ScrollToken=token))
        pages.append(_ids(response))
        token = response.ScrollToken
        if not token:
            break

    assert pages == [created[:2], created[2:4], created[4:]]


def test_paging_stays_stable_when_tasks_are_added_between_pages(live: LiveEmulator) -> None:
    live.page_size = 2
    client = sync_client(live)
    t = now()
    first = [_create(client, t + 60, t + HOUR) for _ in range(3)]
    page1 = client.DescribeRecordTask(describe_request(t, t + DAY))
    late = _create(client, t + 60, t + HOUR)

    page2 = client.DescribeRecordTask(
        describe_request(t, t + DAY, ScrollToken=page1.ScrollToken))

    assert _ids(page1) == first[:2]
    assert _ids(page2) == [first[2], late]
    assert page2.ScrollToken == ""


def test_exactly_one_full_page_has_no_token(live: LiveEmulator) -> None:
    live.page_size = 2
    client = sync_client(live)
    t = now()
    _create(client, t + 60, t + HOUR)
    _create(client, t + 60, t + HOUR)
    assert client.DescribeRecordTask(describe_request(t, t + DAY)).ScrollToken == ""


def test_invalid_scroll_token(live: LiveEmulator) -> None:
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live).DescribeRecordTask(
            describe_request(now(), now() + HOUR, ScrollToken="not-a-token!"))
    assert caught.value.get_code() == "InvalidParameter"
    assert "ScrollToken" in caught.value.get_message()


async def test_async_describe_pages(clock: ShiftableClock) -> None:
    with LiveEmulator(clock=clock, page_size=1) as live:
        t = now()
        for offset in (60, 120):
            live.add_task(RecordTask("", STREAM, DOMAIN, APP, t + offset, t + HOUR))
        async with async_client(live) as client:
            first = await client.DescribeRecordTask(describe_request(t, t + DAY))
            second = await client.DescribeRecordTask(
                describe_request(t, t + DAY, ScrollToken=first.ScrollToken))
        assert [len(first.TaskList), len(second.TaskList)] == [1, 1]
        assert second.ScrollToken == ""


def test_stop_sets_the_stop_time(live: LiveEmulator, clock: ShiftableClock) -> None:
    client = sync_client(live)
    t = now()
    task_id = _create(client, t - 60, t + HOUR)
    clock.offset = 100

    response = client.StopRecordTask(task_request(models.StopRecordTaskRequest, task_id))

    assert response.RequestId
    stopped = live.task(task_id).stopped
    assert t + 99 <= stopped <= now() + 101
    [listed] = client.DescribeRecordTask(describe_request(t - HOUR, t + DAY)).TaskList
    assert listed.Stopped == stopped


def test_second_stop_keeps_the_first_time(live: LiveEmulator, clock: ShiftableClock) -> None:
    client = sync_client(live)
    task_id = _create(client, now() - 60, now() + HOUR)
    client.StopRecordTask(task_request(models.StopRecordTaskRequest, task_id))
    first = live.task(task_id).stopped
    clock.offset = 100
    client.StopRecordTask(task_request(models.StopRecordTaskRequest, task_id))
    assert live.task(task_id).stopped == first


def test_delete_hides_the_task(live: LiveEmulator) -> None:
    client = sync_client(live)
    t = now()
    kept = _create(client, t + 60, t + HOUR)
    gone = _create(client, t + 60, t + HOUR)

    client.DeleteRecordTask(task_request(models.DeleteRecordTaskRequest, gone))

    assert _ids(client.DescribeRecordTask(describe_request(t, t + DAY))) == [kept]
    assert [task.task_id for task in live.tasks] == [kept]
    assert live.task(gone).deleted


@pytest.mark.parametrize("cls", [models.StopRecordTaskRequest, models.DeleteRecordTaskRequest])
def test_unknown_or_deleted_task(live: LiveEmulator, cls: type) -> None:
    client = sync_client(live)
    deleted = _create(client, now() + 60, now() + HOUR)
    client.DeleteRecordTask(task_request(models.DeleteRecordTaskRequest, deleted))

    for task_id in ("UpTbk5RSVhRQFkAAfHwQCCjcRD0lRFcZ0xTSlNTQltlRVRLU1JAWW9EUb", deleted):
        with pytest.raises(TencentCloudSDKException) as caught:
            getattr(client, cls.__name__.removesuffix("Request"))(task_request(cls, task_id))
        assert caught.value.get_code() == "InvalidParameter.TaskNotExist"


@pytest.mark.parametrize("cls", [models.StopRecordTaskRequest, models.DeleteRecordTaskRequest])
def test_task_id_is_required(live: LiveEmulator, cls: type) -> None:
    with pytest.raises(TencentCloudSDKException) as caught:
        getattr(sync_client(live), cls.__name__.removesuffix("Request"))(cls())
    assert caught.value.get_code() == "MissingParameter"


def test_seeded_tasks_skip_the_rules(live: LiveEmulator) -> None:
    t = now()
    old = live.add_task(RecordTask("", STREAM, DOMAIN, APP, t - 30 * DAY, t - 30 * DAY + HOUR))
    assert old.task_id and live.tasks == [old]
    response = sync_client(live).DescribeRecordTask(describe_request(t - 31 * DAY, t - 29 * DAY))
    assert _ids(response) == [old.task_id]


def test_templates(live: LiveEmulator) -> None:
    response = sync_client(live).DescribeLiveRecordTemplates(
        models.DescribeLiveRecordTemplatesRequest())

    names = {t.TemplateId: t.TemplateName for t in response.Templates}
    assert names == {10001: "hls_mp4", 10002: "flv_hourly"}
    hls_mp4 = response.Templates[0]
    assert (hls_mp4.HlsParam.Enable, hls_mp4.Mp4Param.Enable, hls_mp4.FlvParam.Enable) == (1, 1, 0)


def test_templates_are_configurable_and_filtered_by_delay_live(live: LiveEmulator) -> None:
    live.templates = [record_template(7, "aac_only", ("aac",)),
                      record_template(8, "slow", ("hls",), is_delay_live=1)]
    client = sync_client(live)

    standard = client.DescribeLiveRecordTemplates(models.DescribeLiveRecordTemplatesRequest())
    request = models.DescribeLiveRecordTemplatesRequest()
    request.IsDelayLive = 1
    delayed = client.DescribeLiveRecordTemplates(request)

    assert [t.TemplateId for t in standard.Templates] == [7]
    assert standard.Templates[0].AacParam.Enable == 1
    assert [t.TemplateId for t in delayed.Templates] == [8]


def test_templates_need_no_region(live: LiveEmulator) -> None:
    client = sync_client(live, region="")
    assert client.DescribeLiveRecordTemplates(models.DescribeLiveRecordTemplatesRequest())


def test_single_template(live: LiveEmulator) -> None:
    client = sync_client(live)
    request = models.DescribeLiveRecordTemplateRequest()
    request.TemplateId = 10002
    assert client.DescribeLiveRecordTemplate(request).Template.TemplateName == "flv_hourly"

    request.TemplateId = 1
    with pytest.raises(TencentCloudSDKException) as caught:
        client.DescribeLiveRecordTemplate(request)
    assert caught.value.get_code() == "FailedOperation.NotFound"


def test_record_template_refuses_unknown_formats() -> None:
    with pytest.raises(ValueError):
        record_template(1, "x", ("webm",))
