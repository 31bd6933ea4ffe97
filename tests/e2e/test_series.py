"""Series end to end: a long window and a repeating recording through the real bot, the Live API
emulator (which refuses what either of Tencent's documents refuses) and the Slack fake."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import CHANNEL
from tests.support.slack import block_action_payload

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A workspace of their own, so that the series here stay out of other tests' lists.
TEAM = "T0SERIES"


def series_root(slack, stream: str, timeout: float = 10):
    return slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == CHANNEL and not c.params.get("thread_ts")
        and stream in c.params.get("text", ""), timeout=timeout)


def thread_of(slack, ts: str, n: int, timeout: float = 15) -> list:
    deadline = time.monotonic() + timeout
    while True:
        replies = [c for c in slack.calls("chat.postMessage")
                   if c.params.get("thread_ts") == ts]
        if len(replies) >= n or time.monotonic() > deadline:
            return replies
        time.sleep(0.05)


def test_a_60_hour_window_is_three_tasks_in_one_thread_and_cancels_as_one(client, live, slack):
    ack, _ = client.command("festtest tomorrow 10:00 for 60 hours", user="U0SHANGHAI",
                            team=TEAM)
    assert ack.status == 200
    root = series_root(slack, "festtest")
    ts = root.response["ts"]
    replies = thread_of(slack, ts, 3)
    creates = live.calls("CreateRecordTask")
    assert len(creates) == 3 and len(live.tasks) == 3
    day = datetime.now(SHANGHAI).date() + timedelta(days=1)
    start = int(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI).timestamp())
    windows = sorted((c["StartTime"], c["EndTime"]) for c in creates)
    assert windows[0][0] == start and windows[-1][1] == start + 60 * 3600
    assert all(b[0] == a[1] for a, b in itertools.pairwise(windows))  # no gap
    assert all(e - s <= 24 * 3600 for s, e in windows)
    said = " ".join(r.params["text"] + str(r.params["blocks"]) for r in replies)
    assert all(t.task_id in said for t in live.tasks)
    # One root in the channel for the whole window; its button cancels all of it.
    roots = [c for c in slack.calls("chat.postMessage") if not c.params.get("thread_ts")
             and "festtest" in c.params.get("text", "")]
    assert len(roots) == 1
    update = slack.wait_for("chat.update", lambda c: c.params.get("ts") == ts
                            and any(b.get("block_id") == "series" for b in c.params["blocks"]))
    [buttons] = [b for b in update.params["blocks"] if b.get("block_id") == "series"]
    series_id = int(buttons["elements"][0]["value"])
    payload = block_action_payload("series_cancel", str(series_id), user_id="U0SHANGHAI",
                                   channel_id=CHANNEL, team_id=TEAM, message_ts=ts,
                                   block_id="series",
                                   response_url=slack.response_url(f"x-{time.monotonic_ns()}"))
    assert client.interact(payload).status == 200
    deadline = time.monotonic() + 10
    while len(live.calls("DeleteRecordTask")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live.calls("DeleteRecordTask")) == 3
    slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == ts
                   and "cancelled the series" in c.params.get("text", ""))


def test_a_daily_series_creates_what_is_within_six_days_and_plans_the_rest(client, live, slack):
    ack, _ = client.command("dailytest every day 8pm to 10pm 10 times", user="U0SHANGHAI",
                            team=TEAM)
    assert ack.status == 200
    sent = datetime.now(SHANGHAI)
    root = series_root(slack, "dailytest")
    text = str(root.params["blocks"])
    assert "Recording series" in text and "every day, 20:00–22:00" in text
    # Occurrences start at 20:00 from today (if still ahead) on; those starting within 6 days
    # are created now, the rest wait in the database.
    first = sent.replace(hour=20, minute=0, second=0, microsecond=0)
    if first + timedelta(hours=2) <= sent:
        first += timedelta(days=1)
    starts = [first + timedelta(days=i) for i in range(10)]
    due = [s for s in starts if s <= sent + timedelta(days=6)]
    replies = thread_of(slack, root.response["ts"], len(due))
    creates = live.calls("CreateRecordTask")
    assert len(creates) in (len(due), len(due) + 1)  # the 6-day line may pass meanwhile
    now = time.time()
    for c in creates:
        assert c["StartTime"] <= now + 6 * 86400 and c["EndTime"] < now + 7 * 86400
        local = datetime.fromtimestamp(c["StartTime"], SHANGHAI)
        assert (local.hour, local.minute) == (20, 0) or c["StartTime"] <= now
    assert len(replies) >= len(due)
    assert "Skip" in str(slack.calls("chat.update")[-1].params["blocks"]) or "Skip" in text


def test_the_form_schedules_a_weekly_series_with_a_count(client, live, slack):
    from tests.e2e.test_record_form import open_form
    from tests.support.slack import plain_text_value, view_submission_payload

    view = open_form(client, slack)
    values = {
        "stream": {"value": plain_text_value("weeklyform")},
        "domain": {"value": {"type": "static_select",
                             "selected_option": {"value": view["blocks"][1]["element"]
                                                 ["options"][0]["value"]}}},
        "app": {"value": plain_text_value("live")},
        "when": {"value": plain_text_value("tomorrow 8pm to 10pm")},
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": "weekly"}}},
        "repeat_until": {"value": {"type": "datepicker", "selected_date": None}},
        "repeat_count": {"value": {"type": "number_input", "value": "3"}},
        "template": {"value": plain_text_value("")},
        "stream_type": {"value": {"type": "radio_buttons", "selected_option": {"value": "0"}}},
    }
    reply = client.interact(view_submission_payload(values, view=view, user_id="U0NEWYORK",
                                                    team_id=TEAM))
    assert reply.status == 200
    root = series_root(slack, "weeklyform")
    text = str(root.params["blocks"])
    assert "Recording series" in text and "3 times" in text
    tomorrow = (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=1)).strftime("%A")
    assert f"every {tomorrow}, 20:00–22:00" in text
    # The first is within 6 days: created; the second and third a week apart, planned.
    thread_of(slack, root.response["ts"], 1)
    [create] = live.calls("CreateRecordTask")
    assert create["EndTime"] - create["StartTime"] == 2 * 3600


def test_cancel_by_one_parts_task_id_cancels_the_whole_long_window(client, live, slack):
    ack, _ = client.command("fest2test in 2 days 10:00 for 50 hours", user="U0SHANGHAI",
                            team=TEAM)
    assert ack.status == 200
    root = series_root(slack, "fest2test")
    thread_of(slack, root.response["ts"], 3)
    mine = [t.task_id for t in live.tasks if t.stream_name == "fest2test"]
    assert len(mine) == 3
    _, key = client.command(f"cancel {mine[1]}", user="U0SHANGHAI", team=TEAM)
    answer = str(slack.wait_for_response(key))
    assert "the whole window was cancelled" in answer and "3 tasks deleted" in answer
    assert not any(t.stream_name == "fest2test" for t in live.tasks)
    slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == root.response["ts"]
                   and "cancelled the series" in c.params.get("text", ""))
