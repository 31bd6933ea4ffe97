"""Completeness reports end to end: a bot with callbacks and a 2 s grace, real windows of a
few seconds, Tencent's events posted over HTTP, and the report read in the thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from tests.e2e.conftest import SlackClient, bot_env
from tests.e2e.test_callbacks import (
    KEY,
    file_event,
    post,
    replies,
    scheduled,
    signed,
    status_event,
    stream_event,
    wait_reply,
)
from tests.support.botproc import BotProcess

GRACE = 2


@pytest.fixture(scope="module")
def rbot(live: LiveEmulator, slack: SlackFake,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    where = tmp_path_factory.mktemp("completeness")
    env = bot_env(live, slack, Path(where) / "completeness.db", TENCENT_CALLBACK_KEY=KEY,
                  STREAM_GRACE_SECONDS="3600", COMPLETENESS_GRACE_SECONDS=str(GRACE))
    proc = BotProcess(env, where).start()
    yield proc
    proc.stop()


@pytest.fixture
def rclient(rbot: BotProcess, slack: SlackFake) -> Iterator[SlackClient]:
    c = SlackClient(rbot, slack)
    yield c
    c.http.close()


def task_of(live: LiveEmulator, stream: str):
    [task] = [t for t in live.tasks if t.stream_name == stream]
    return task


def report_after(slack: SlackFake, ts: str, end: int, text: str) -> dict:
    wait = max(0.0, end - time.time()) + GRACE + 15
    return wait_reply(slack, ts, text, timeout=wait).params


def test_files_covering_the_window_report_100_percent(rbot, rclient, live, slack):
    ts, task_id = scheduled(rclient, slack, live, "cpfull", "for 6 seconds")
    task = task_of(live, "cpfull")
    start, end = task.start_time, task.end_time
    assert post(rbot, signed(stream_event(1, "cpfull", "full1", event_time=start))).status_code \
        == 200
    event = file_event(task_id, "cpfull", "full-file", start_time=start, end_time=end,
                       duration=end - start, file_size=3 * 2**20)
    assert post(rbot, signed(event)).status_code == 200
    msg = report_after(slack, ts, end, "complete")
    text = str(msg["blocks"])
    assert "Recording complete" in text and "100 %" in text
    assert "1 file" in text and "HLS" in text and "3.00 MiB" in text
    assert f"<{event['video_url']}|" in text
    assert "<@U0SHANGHAI>" not in text  # nobody needs calling when it is all there
    time.sleep(GRACE + 1)
    assert len(replies(slack, ts, "complete")) == 1  # once


def test_a_break_is_reported_as_a_gap(rbot, rclient, live, slack):
    ts, task_id = scheduled(rclient, slack, live, "cpbreak", "for 20 seconds")
    task = task_of(live, "cpbreak")
    s, end = task.start_time, task.end_time
    for payload in (
        stream_event(1, "cpbreak", "b1", event_time=s),
        stream_event(0, "cpbreak", "b1", event_time=s + 3, push_duration="3000"),
        stream_event(1, "cpbreak", "b2", event_time=s + 6),
        file_event(task_id, "cpbreak", "part-one", start_time=s, end_time=s + 3, duration=3),
        file_event(task_id, "cpbreak", "part-two", start_time=s + 6, end_time=end,
                   duration=end - s - 6),
    ):
        assert post(rbot, signed(payload)).status_code == 200
    msg = report_after(slack, ts, end, "incomplete")
    text = str(msg["blocks"])
    # Files cover 3 s + (end - s - 6) s of the window Tencent records (its whole seconds).
    covered = 3 + (end - s - 6)
    assert f"only {int(1000 * covered / (end - s)) / 10:g} % of the planned window" in text
    assert "2 files" in text and "part-one" in text and "part-two" in text
    assert "*Gap*:" in text and f"<!date^{s + 3}^" in text and f"<!date^{s + 6}^" in text
    assert "3 s, the stream stopped" in text
    assert "<@U0SHANGHAI>" in text


def test_a_window_without_a_push_reports_nothing_recorded(rbot, rclient, live, slack):
    ts, _ = scheduled(rclient, slack, live, "cpnone", "for 4 seconds")
    end = task_of(live, "cpnone").end_time
    msg = report_after(slack, ts, end, "Nothing was recorded")
    text = str(msg["blocks"])
    assert "`cpnone`" in text and "never pushed" in text and "<@U0SHANGHAI>" in text
    assert "Files" not in text


def test_live_but_failing_is_warned_while_the_window_is_open(rbot, rclient, live, slack):
    ts, task_id = scheduled(rclient, slack, live, "cpwarn", "for 1 hour")
    start = task_of(live, "cpwarn").start_time
    assert post(rbot, signed(stream_event(1, "cpwarn", "w1", event_time=start))).status_code \
        == 200
    failure = {**status_event(task_id, "cpwarn", "record_error", "9"), "event_time": start + 1}
    assert post(rbot, signed(failure)).status_code == 200
    msg = wait_reply(slack, ts, "not being recorded", timeout=10).params
    text = str(msg["blocks"])
    assert "`record_error`" in text and "<@U0SHANGHAI>" in text
    time.sleep(GRACE + 1)
    assert len(replies(slack, ts, "not being recorded")) == 1
