"""Managing recordings from Slack: list, stop, cancel, refusals, templates, reconciliation."""

from __future__ import annotations

import sqlite3
import time

import pytest

from bot.sandbox.live import Fault, RecordTask
from bot.sandbox.slack.state import DEFAULT_TEAM_ID
from tests.e2e.conftest import CHANNEL, PUSH_DOMAIN, bot_env
from tests.e2e.test_record_command import root_and_thread
from tests.support.botproc import BotProcess
from tests.support.slack import block_action_payload

ADMIN = "U0ADMIN"


def schedule(client, slack, stream: str, when: str, user: str = "U0SHANGHAI",
             team: str = DEFAULT_TEAM_ID):
    """Schedule through `/record`; returns (root ts, recording id from the root's buttons)."""
    client.command(f"{stream} {when}", user=user, team=team)
    root, _ = root_and_thread(slack, CHANNEL, stream)
    ts = root.response["ts"]
    update = slack.wait_for("chat.update", lambda c: c.params.get("ts") == ts)
    [buttons] = [b for b in update.params["blocks"] if b.get("block_id") == "manage"]
    return ts, int(buttons["elements"][0]["value"])


def click(client, slack, action: str, recording_id: int, ts: str, user: str):
    key = f"click-{time.monotonic_ns()}"
    payload = block_action_payload(action, str(recording_id), user_id=user, channel_id=CHANNEL,
                                   message_ts=ts, response_url=slack.response_url(key))
    reply = client.interact(payload)
    assert reply.status == 200
    return key


def root_update(slack, ts: str, text: str):
    return slack.wait_for("chat.update",
                          lambda c: c.params.get("ts") == ts and text in str(c.params["blocks"]))


def test_stop_button_stops_a_running_recording_and_says_who(client, live, slack):
    ts, rid = schedule(client, slack, "stopme", "for 1 hour")
    update = slack.wait_for("chat.update", lambda c: c.params.get("ts") == ts)
    [buttons] = [b for b in update.params["blocks"] if b.get("block_id") == "manage"]
    confirms = [e["confirm"]["title"]["text"] for e in buttons["elements"]]
    assert confirms == ["Stop this recording?"]  # in its window: Stop, not Cancel
    click(client, slack, "recording_stop", rid, ts, user="U0SHANGHAI")
    update = root_update(slack, ts, "Stopped")
    assert not [b for b in update.params["blocks"] if b.get("block_id") == "manage"]
    note = slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == ts and "stopped" in c.params["text"],
    )
    assert "<@U0SHANGHAI>" in note.params["text"]
    [stop] = live.calls("StopRecordTask")
    assert stop["TaskId"] == live.tasks[0].task_id and live.tasks[0].stopped > 0


def test_the_root_offers_stop_once_the_window_opens(client, live, slack):
    ts, _ = schedule(client, slack, "opensoon", "in 3 seconds for 1 hour")
    first = slack.wait_for("chat.update", lambda c: c.params.get("ts") == ts)
    assert "Cancel" in str(first.params["blocks"]) and "Stop recording" not in str(
        first.params["blocks"])
    opened = slack.wait_for("chat.update", lambda c: c.params.get("ts") == ts
                            and "Stop recording" in str(c.params["blocks"]), timeout=15)
    assert "In its window" in str(opened.params["blocks"])
    assert "Cancel this recording?" not in str(opened.params["blocks"])


def test_cancel_button_deletes_a_future_task(client, live, slack):
    ts, rid = schedule(client, slack, "cancelme", "tomorrow 8pm to 10pm")
    task_id = live.tasks[0].task_id
    click(client, slack, "recording_cancel", rid, ts, user="U0SHANGHAI")
    root_update(slack, ts, "Cancelled")
    slack.wait_for("chat.postMessage",
                   lambda c: c.params.get("thread_ts") == ts and "cancelled" in c.params["text"])
    assert [c["TaskId"] for c in live.calls("DeleteRecordTask")] == [task_id]
    assert live.tasks == []


def test_cancel_while_recording_says_to_stop_instead(client, live, slack):
    ts, rid = schedule(client, slack, "runningnow", "for 30 minutes")
    key = click(client, slack, "recording_cancel", rid, ts, user="U0SHANGHAI")
    answer = str(slack.wait_for_response(key))
    assert "Stop recording" in answer and "does not stop a running recording" in answer
    assert live.calls("DeleteRecordTask") == []


def test_someone_else_is_refused_and_the_refusal_is_audited(client, live, slack, bot_dir):
    ts, rid = schedule(client, slack, "notyours", "for 1 hour")
    key = click(client, slack, "recording_stop", rid, ts, user="U0NEWYORK")
    answer = str(slack.wait_for_response(key))
    assert "Only <@U0SHANGHAI>" in answer and "ADMIN_USER_IDS" in answer
    assert live.calls("StopRecordTask") == []
    db = sqlite3.connect(bot_dir / "recordbot.db")
    assert db.execute("select user_id from audit where recording_id = ? and action = 'denied'",
                      (rid,)).fetchall() == [("U0NEWYORK",)]


def test_an_admin_may_stop_someone_elses_recording(client, live, slack):
    ts, rid = schedule(client, slack, "adminstop", "for 1 hour")
    click(client, slack, "recording_stop", rid, ts, user=ADMIN)
    root_update(slack, ts, f"stopped by <@{ADMIN}>")
    assert len(live.calls("StopRecordTask")) == 1


def test_stop_and_cancel_by_task_id(client, live, slack):
    schedule(client, slack, "bycmd1", "for 1 hour")
    schedule(client, slack, "bycmd2", "tomorrow 8pm to 10pm")
    running, future = (t.task_id for t in live.tasks)
    _, key = client.command(f"stop {running}")
    assert "stopped" in str(slack.wait_for_response(key))
    _, key = client.command(f"cancel {future}")
    assert "cancelled" in str(slack.wait_for_response(key))
    assert [t.task_id for t in live.tasks] == [running]
    _, key = client.command("stop NoSuchTask")  # a mistyped id: say so, and where ids are
    answer = str(slack.wait_for_response(key))
    assert "no recording task with TaskId `NoSuchTask`" in answer and "/record list" in answer
    assert "admin" not in answer
    _, key = client.command("cancel NoSuchTask", user=ADMIN)  # Tencent knows none either
    assert "no recording task with TaskId" in str(slack.wait_for_response(key))


def test_list_merges_local_rows_with_tencent_and_pages(client, live, slack):
    schedule(client, slack, "listme", "in 30 minutes for 30 minutes", team="T0LISTS")
    now = int(time.time())
    for i in range(17):  # created in the console, not through the bot
        live.add_task(RecordTask("", f"console{i:02d}", PUSH_DOMAIN, "live",
                                 now + 3600 * (i + 2), now + 3600 * (i + 3)))
    live.add_task(RecordTask("", "elsewhere", "other.example.org", "live", now + 60, now + 120))
    old_page = live.page_size
    live.page_size = 4  # force DescribeRecordTask's ScrollToken paging
    try:
        _, key = client.command("list", team="T0LISTS")
        first = slack.wait_for_response(key, timeout=10)
    finally:
        live.page_size = old_page
    text = str(first["blocks"])
    assert "18 in all; page 1 of 2" in text
    assert "created outside this bot" in text and "other.example.org" not in text
    assert "listme" in text and "<@U0SHANGHAI>" in text
    assert len(first["blocks"]) <= 50
    assert any(c.get("ScrollToken") for c in live.calls("DescribeRecordTask"))
    [nav] = [b for b in first["blocks"] if b.get("block_id") == "list_nav"]
    button = nav["elements"][0]
    payload = block_action_payload(button["action_id"], button["value"], user_id="U0SHANGHAI",
                                   channel_id=CHANNEL, block_id="list_nav",
                                   response_url=slack.response_url(key))
    assert client.interact(payload).status == 200
    deadline = time.monotonic() + 10
    while len(slack.responses(key)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    second = slack.responses(key)[1]
    assert second.get("replace_original") is True
    assert "page 2 of 2" in str(second["blocks"])


def test_list_for_one_stream(client, live, slack):
    schedule(client, slack, "alpha", "tomorrow 8pm to 10pm", team="T0ONESTREAM")
    schedule(client, slack, "beta", "tomorrow 8pm to 10pm", team="T0ONESTREAM")
    _, key = client.command("list beta", team="T0ONESTREAM")
    text = str(slack.wait_for_response(key)["blocks"])
    assert "beta" in text and "alpha" not in text


def test_form_offers_the_accounts_templates(client, live, slack):
    client.command("")
    view = slack.wait_for("views.open").response["view"]
    [template] = [b for b in view["blocks"] if b["block_id"] == "template"]
    assert template["element"]["type"] == "static_select"
    labels = [o["text"]["text"] for o in template["element"]["options"]]
    assert labels[0].startswith("Tencent default")
    assert any("hls_mp4 (HLS, MP4)" in label for label in labels)


def test_unknown_outcome_is_checked_with_tencent(client, live, slack):
    # Tencent created the task but the answer was lost: the bot must find it, not retry.
    live.inject(Fault.server_error(502, action="CreateRecordTask", stream="lostreply",
                                   takes_effect=True, times=1))
    client.command("lostreply tomorrow 8pm to 10pm")
    root, reply = root_and_thread(slack, CHANNEL, "lostreply")
    assert live.tasks[0].task_id in reply.params["text"]
    assert len(live.calls("CreateRecordTask")) == 1
    assert len(live.calls("DescribeRecordTask")) >= 1
    root_update(slack, root.response["ts"], "Scheduled")


def test_unknown_outcome_is_rechecked_later(client, live, slack):
    # The answer is lost and Tencent cannot be asked at first either (Describe fails for a
    # while); a little later the bot asks again and finds the task.
    live.inject(Fault.server_error(502, action="CreateRecordTask", stream="stilllost",
                                   takes_effect=True))
    live.inject(Fault.server_error(500, action="DescribeRecordTask", stream="stilllost",
                                   times=6))
    client.command("stilllost tomorrow 8pm to 10pm")
    root, reply = root_and_thread(slack, CHANNEL, "stilllost")
    assert "may or may not exist" in str(reply.params["blocks"])
    ts = root.response["ts"]
    found = slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == ts
        and "the recording task exists" in c.params["text"],
        timeout=15,
    )
    # Each attempt's answer was lost, yet a lookup found the first task before any retry.
    assert len(live.tasks) == 1 and live.tasks[0].task_id in found.params["text"]


@pytest.mark.parametrize("created_before_crash", [True, False])
def test_crash_between_persist_and_outcome_is_reconciled_at_restart(
    live, slack, tmp_path, created_before_crash
):
    from tests.e2e.conftest import SlackClient

    db = tmp_path / "crash.db"
    env = bot_env(live, slack, db)
    first = BotProcess(env, tmp_path).start()
    live.inject(Fault.slow(60, action="CreateRecordTask", stream="crashtest",
                           takes_effect=created_before_crash))
    client = SlackClient(first, slack)
    held_before = live.requests_in_flight()  # an earlier test's delayed reply may still wait
    client.command("crashtest tomorrow 8pm to 10pm")
    root = slack.wait_for("chat.postMessage", lambda c: "crashtest" in c.params.get("text", ""))
    ts = root.response["ts"]
    deadline = time.monotonic() + 10
    while live.requests_in_flight() <= held_before and time.monotonic() < deadline:
        time.sleep(0.02)
    first.kill()
    live.clear_faults()
    state = sqlite3.connect(db).execute("select state from recordings").fetchall()
    assert state == [("accepted",)]

    second = BotProcess(env, tmp_path).start()
    try:
        expected = "the recording task exists" if created_before_crash else "no recording task"
        answer = slack.wait_for(
            "chat.postMessage",
            lambda c: c.params.get("thread_ts") == ts and expected in c.params["text"],
            timeout=15,
        )
        tasks = [t for t in live.tasks if t.stream_name == "crashtest"]
        assert len(tasks) == (1 if created_before_crash else 0)
        assert len(live.calls("CreateRecordTask")) <= 1
        row = sqlite3.connect(db).execute("select state, task_id from recordings").fetchone()
        if created_before_crash:
            assert row == ("created", tasks[0].task_id)
            assert tasks[0].task_id in answer.params["text"]
        else:
            assert row == ("failed", None)
    finally:
        second.stop()
        client.http.close()
