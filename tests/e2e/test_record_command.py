"""`/record` end to end: signed HTTP in, Tencent emulator and Slack fake out."""

from __future__ import annotations

import html
import sqlite3
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.live import Fault
from tests.e2e.conftest import CHANNEL, PUSH_DOMAIN, SIGNING_SECRET
from tests.support.slack import sign, slash_command_body


def expected_window(zone: str, start_hour: int, end_hour: int, days_ahead: int = 1):
    """"tomorrow {start}:00 to {end}:00" in ``zone``, computed from the time of sending."""
    today = datetime.now(ZoneInfo(zone)).date()
    day = today + timedelta(days=days_ahead)
    start = datetime(day.year, day.month, day.day, start_hour, tzinfo=ZoneInfo(zone))
    end = datetime(day.year, day.month, day.day, end_hour, tzinfo=ZoneInfo(zone))
    return int(start.timestamp()), int(end.timestamp())


def root_and_thread(slack, channel: str, stream: str, timeout: float = 10):
    root = slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == channel and not c.params.get("thread_ts")
        and stream in c.params.get("text", ""),
        timeout=timeout,
    )
    ts = root.response["ts"]
    reply = slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=timeout
    )
    return root, reply


def test_schedules_in_the_users_zone_and_answers_in_a_thread(client, live, slack, bot_dir):
    ack, _ = client.command("livetest tomorrow 8pm to 10pm", user="U0SHANGHAI")
    assert ack.status == 200
    assert "livetest" in ack.body

    root, reply = root_and_thread(slack, CHANNEL, "livetest")
    [params] = live.calls("CreateRecordTask")
    start, end = expected_window("Asia/Shanghai", 20, 22)
    assert (params["StartTime"], params["EndTime"]) == (start, end)
    assert params["StreamName"] == "livetest"
    assert params["DomainName"] == PUSH_DOMAIN
    assert params["AppName"] == "live"
    assert params.get("StreamType", 0) == 0

    blocks_text = str(root.params["blocks"])
    assert f"<!date^{start}^" in blocks_text and f"<!date^{end}^" in blocks_text
    assert "Asia/Shanghai" in blocks_text
    assert "<@U0SHANGHAI>" in blocks_text
    assert PUSH_DOMAIN in blocks_text and "live" in blocks_text

    [task] = live.tasks
    assert task.task_id in reply.params["text"] + str(reply.params["blocks"])
    assert reply.params["thread_ts"] == root.response["ts"]

    # The request and its outcome are on record.
    db = sqlite3.connect(bot_dir / "recordbot.db")
    row = db.execute(
        "select state, task_id, root_ts, timezone from recordings where task_id = ?",
        (task.task_id,),
    ).fetchone()
    assert row == ("created", task.task_id, root.response["ts"], "Asia/Shanghai")


def test_another_users_zone_gives_other_instants(client, live, slack):
    client.command("nytest tomorrow 8pm to 10pm domain=backup.example.com app=show",
                   user="U0NEWYORK")
    root_and_thread(slack, CHANNEL, "nytest")
    [params] = live.calls("CreateRecordTask")
    assert (params["StartTime"], params["EndTime"]) == expected_window("America/New_York", 20, 22)
    assert (params["DomainName"], params["AppName"]) == ("backup.example.com", "show")


def test_user_without_zone_gets_the_default_and_is_told(client, live, slack):
    client.command("lontest tomorrow 8pm to 10pm mixed template=10002", user="U0NOZONE")
    root, _ = root_and_thread(slack, CHANNEL, "lontest")
    [params] = live.calls("CreateRecordTask")
    assert (params["StartTime"], params["EndTime"]) == expected_window("Europe/Berlin", 20, 22)
    assert (params["StreamType"], params["TemplateId"]) == (1, 10002)
    text = str(root.params["blocks"])
    assert "Europe/Berlin" in text and "no time zone" in text
    assert "flv_hourly (10002)" in text  # the template's name, not only its id


def test_a_template_the_account_does_not_have_is_refused_naming_those_it_has(client, live,
                                                                            slack):
    _, key = client.command("tpltest tomorrow 8pm to 10pm template=99999")
    answer = str(slack.wait_for_response(key))
    assert "no recording template `99999`" in answer
    assert "hls_mp4 (10001)" in answer and "Nothing was scheduled" in answer
    assert live.calls("CreateRecordTask") == []


def test_chinese_phrase(client, live, slack):
    client.command("zhtest 明天晚上8点到10点", user="U0SHANGHAI")
    root_and_thread(slack, CHANNEL, "zhtest")
    [params] = live.calls("CreateRecordTask")
    assert (params["StartTime"], params["EndTime"]) == expected_window("Asia/Shanghai", 20, 22)


def test_tencent_error_is_reported_with_code_request_id_and_hint(client, live, slack, bot_dir):
    live.fail_stream("novod", "ResourceUnavailable.InvalidVodStatus",
                     "The VOD service has not been activated.")
    client.command("novod tomorrow 8pm to 10pm")
    _, reply = root_and_thread(slack, CHANNEL, "novod")
    text = reply.params["text"] + str(reply.params["blocks"])
    [request] = [r for r in live.requests if r.action == "CreateRecordTask"]
    assert "ResourceUnavailable.InvalidVodStatus" in text
    assert "The VOD service has not been activated." in text
    assert request.request_id and request.request_id in text
    assert "Activate VOD" in text
    assert "No recording task was created" in text
    assert live.tasks == []


def test_http_500_says_the_outcome_is_unknown(client, live, slack):
    live.inject(Fault.server_error(500, action="CreateRecordTask", stream="flaky"))
    client.command("flaky tomorrow 8pm to 10pm")
    _, reply = root_and_thread(slack, CHANNEL, "flaky")
    text = str(reply.params["blocks"])
    assert "ServerNetworkError" in text
    assert "may or may not exist" in text and "will check" in text


def test_past_window_is_refused_without_calling_tencent(client, live, slack):
    ack, key = client.command("pasttest yesterday 8pm to 10pm")
    assert ack.status == 200
    answer = slack.wait_for_response(key)
    assert "ended already" in str(answer) and "Nothing was scheduled" in str(answer)
    assert live.calls("CreateRecordTask") == []
    assert not [c for c in slack.calls("chat.postMessage") if "pasttest" in str(c.params)]


def test_single_instant_asks_for_an_end_with_an_example(client, live, slack):
    _, key = client.command("onetest tomorrow 8pm")
    answer = str(slack.wait_for_response(key))
    assert "needs an end" in answer and "tomorrow 8pm to 10pm" in answer
    assert live.calls("CreateRecordTask") == []


def test_over_24_hours_is_recorded_as_consecutive_tasks(client, live, slack):
    client.command("longtest tomorrow 8am for 26 hours")
    root, _ = root_and_thread(slack, CHANNEL, "longtest")
    assert "2 consecutive tasks of at most 24 h" in str(root.params["blocks"])
    start, _end = expected_window("Asia/Shanghai", 8, 10)
    deadline = time.monotonic() + 10
    while len(live.calls("CreateRecordTask")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    windows = sorted((c["StartTime"], c["EndTime"]) for c in live.calls("CreateRecordTask"))
    assert windows == [(start, start + 13 * 3600), (start + 13 * 3600, start + 26 * 3600)]


def test_help_and_unusable_input_show_usage_in_english_and_chinese(client, live):
    ack, _ = client.command("help")
    assert ack.status == 200
    shown = html.unescape(str(ack.json()))  # Slack shows &lt; as <
    assert "/record <stream> <when>" in shown
    assert "明天晚上8点到10点" in shown and "tomorrow 8pm to 10pm" in shown
    ack, _ = client.command("livetest")  # no time at all
    shown = str(ack.json())
    assert "Say when to record" in shown and "Usage" in shown and "明天" in shown
    assert live.requests == []


def test_ack_is_fast_while_tencent_is_slow(client, live, slack):
    live.inject(Fault.slow(5, action="CreateRecordTask"))
    ack, _ = client.command("slowtest tomorrow 8pm to 10pm")
    assert ack.status == 200
    assert ack.seconds < 3, "Slack gives up on an ack after 3 s"
    _, reply = root_and_thread(slack, CHANNEL, "slowtest", timeout=15)
    assert live.tasks[0].task_id in reply.params["text"]


def test_forged_signature_and_stale_timestamp_are_refused(client, live, slack):
    body = slash_command_body("forged tomorrow 8pm to 10pm")
    assert client.post(body, sign("not-the-secret", body)).status == 401
    old = int(time.time()) - 600
    assert client.post(body, sign(SIGNING_SECRET, body, timestamp=old)).status == 401
    time.sleep(0.3)
    assert live.requests == []
    assert slack.calls("chat.postMessage") == []


def test_channel_the_bot_cannot_post_in_falls_back_to_the_user(client, live, slack):
    slack.add_channel("G0PRIVATE", is_private=True, bot_is_member=False)
    _, key = client.command("privtest tomorrow 8pm to 10pm", channel="G0PRIVATE")
    deadline = time.monotonic() + 10
    while len(slack.responses(key)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first, second = slack.responses(key)[:2]
    assert "/invite @recordbot" in str(first) and "privtest" in str(first)
    assert live.tasks and live.tasks[0].task_id in str(second)
