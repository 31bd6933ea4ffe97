"""`recordbot shell --sandbox`: what a newcomer types, and what they see."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.shell.conftest import ZONE

TASK_ID = re.compile(r"TaskId `([A-Za-z0-9]+)`")
REQUEST_ID = re.compile(r"RequestId `([0-9a-f-]{36})`")


def tomorrow_in(zone: str) -> str:
    """Tomorrow as the bot writes a day: "Thu 3 Dec", the day of the month not zero-padded."""
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    return f"{day:%a} {day.day} {day:%b}"


def test_schedules_lists_and_cancels_with_the_button(shell):
    s = shell(
        "/record livetest tomorrow 8pm to 10pm",
        "/record list",
        "click 1",  # Cancel (the window has not opened, so no Stop), behind a confirm dialog
        "y",
    )
    assert s.returncode == 0
    assert "SANDBOX: recordings are simulated" in s.stdout
    assert "nothing reaches Slack or Tencent" in s.stdout

    scheduled = s.answer("/record livetest tomorrow 8pm to 10pm")
    assert "(only you) ⏳ Scheduling `livetest`…" in scheduled
    assert "#shell · recordbot\n  🎬 Recording request for `livetest`" in scheduled
    assert f"{tomorrow_in(ZONE)} 20:00 → 22:00" in scheduled
    assert "Time zone: `Asia/Shanghai`" in scheduled
    assert "Requested by: @you" in scheduled
    reply = re.search(r"^  ↳ ✅ Recording task created\. TaskId `(\w+)`", scheduled, re.M)
    assert reply, scheduled
    task_id = reply.group(1)
    assert "(edited) 🎬 Recording request for `livetest`" in scheduled
    assert f"Status: ✅ Scheduled · TaskId `{task_id}`" in scheduled
    assert "[1] Cancel" in scheduled and "Stop recording" not in scheduled

    listed = s.answer("/record list")
    assert "(only you) Recordings" in listed
    assert "scheduled · `livetest`" in listed and task_id in listed

    cancelled = s.answer("click 1")
    assert "Cancel this recording?" in cancelled
    assert "Cancelled" in cancelled
    assert "↳ @you cancelled the recording" in cancelled


def test_an_error_from_tencent_is_shown_in_the_thread(shell):
    s = shell(
        "/record novod tomorrow 8pm to 10pm",
        args=("--sandbox", "--tz", ZONE,
              "--fail-stream", "novod=ResourceUnavailable.InvalidVodStatus"),
    )
    assert s.returncode == 0
    answer = s.answer("/record novod tomorrow 8pm to 10pm")
    thread = answer[answer.index("↳"):]
    assert "❌ Tencent refused the recording." in thread
    assert "Error `ResourceUnavailable.InvalidVodStatus`" in thread
    assert REQUEST_ID.search(thread)
    assert "No recording task was created." in thread
    assert "Not scheduled" in answer
    assert not TASK_ID.search(answer)


def test_help_refusals_and_hints(shell):
    s = shell(
        "/record help",
        "/record livetest tomorrow banana",
        "/record list",
        "hello bot",
        "/remind me",
        "help",
        "click 7",
    )
    assert s.returncode == 0

    usage = s.answer("/record help")
    assert usage.startswith("(only you)")
    assert "Usage: `/record <stream> <when>" in usage
    assert "• `/record livetest tomorrow 8pm to 10pm`" in usage
    assert "• `/record livetest 明天晚上8点到10点`" in usage

    refused = s.answer("/record livetest tomorrow banana")
    assert "(only you) ⚠️ I didn't understand `banana`." in refused
    assert "Nothing was scheduled." in refused
    assert "#shell · recordbot" not in refused and "TaskId" not in refused
    assert "Nothing scheduled." in s.answer("/record list")

    assert "Type what you would type in Slack" in s.answer("hello bot")
    assert "/remind is not a command of this app" in s.answer("/remind me")
    assert "click N" in s.answer("help")
    assert "There is no button 7" in s.answer("click 7")


def test_the_form_asks_each_field_and_again_for_a_refused_one(shell):
    s = shell(
        "/record",
        "cancel",
        "/record",
        "formtest",            # Stream name
        "",                    # Push domain: keep the default
        "",                    # App name: keep live
        "tomorrow banana",     # When: refused by the bot, asked again below
        "",                    # Repeat: does not repeat
        "",                    # Repeat until: none
        "",                    # Number of times: none
        "2",                   # Recording template: hls_mp4
        "",                    # Stream type: live push
        "tomorrow 8pm to 10pm",
    )
    assert s.returncode == 0
    first, second = [out for typed, out in s.answers() if typed == "/record"]
    assert "┌ Form: Schedule a recording" in first
    assert "(form closed; nothing was submitted)" in first

    assert "│ Stream name (e.g. livetest): formtest" in second
    assert "│ Push domain [push.sandbox.example]: " in second
    assert "│   2) hls_mp4 (HLS, MP4) · 10001" in second
    assert "│ ⚠️ When: I didn't understand `banana`." in second
    assert "│ When [tomorrow banana]: tomorrow 8pm to 10pm" in second
    assert "(form submitted)" in second
    assert "🎬 Recording request for `formtest`" in second
    assert "live push / hls_mp4 (10001)" in second
    assert re.search(r"↳ ✅ Recording task created\. TaskId `\w+`", second)


def test_without_sandbox_it_needs_the_tencent_settings(shell):
    s = shell("/record help", args=("--tz", ZONE))
    assert s.returncode == 2
    assert "TENCENTCLOUD_SECRET_ID is missing" in s.stderr
    assert "recordbot shell --sandbox" in s.stderr
    assert "SLACK_BOT_TOKEN" not in s.stderr  # the shell is the Slack side


def test_bad_options_are_refused_before_starting(shell):
    s = shell(args=("--sandbox", "--tz", "Mars/Olympus"))
    assert s.returncode == 2 and "not an IANA time zone" in s.stderr
    s = shell(args=("--fail-stream", "novod=InternalError"))
    assert s.returncode == 2 and "--fail-stream needs --sandbox" in s.stderr


def test_the_bots_warnings_stay_out_of_the_conversation(shell):
    s = shell(
        "/record flaky tomorrow 8pm to 10pm",
        args=("--sandbox", "--tz", ZONE, "--fail-stream", "flaky=InternalError"),
    )
    assert s.returncode == 0
    assert "The bot's warnings go to" in s.stdout
    answer = s.answer("/record flaky tomorrow 8pm to 10pm")
    assert "Error `InternalError`" in answer  # retried, then reported in the thread
    assert "WARNING" not in s.stdout and "WARNING" not in s.stderr


def test_a_missing_stream_and_a_mistyped_command_are_said_so(shell):
    s = shell("/record tomorrow 8pm to 10pm", "/record 明天晚上8点到10点", "/record lsit")
    assert s.returncode == 0
    english = s.answer("/record tomorrow 8pm to 10pm")
    assert "The stream name is missing" in english
    assert "`/record livetest tomorrow 8pm to 10pm`" in english
    assert "#shell · recordbot" not in english  # nothing was scheduled
    chinese = s.answer("/record 明天晚上8点到10点")
    # Typed in Chinese, answered in Chinese: the stream name is missing (not the time).
    assert "流名称" in chinese and "/record livetest 明天晚上8点到10点" in chinese
    assert "The stream name" not in chinese and "Say when to record" not in chinese
    assert "Did you mean `/record list`?" in s.answer("/record lsit")


def test_lang_gives_the_shell_user_a_slack_locale(shell):
    # Two streams: at some hours both phrases name the same window, and a second request for
    # one stream and window would be answered as a repeat of the first.
    s = shell("/record digits 20:00-22:00", "/record words tomorrow 8pm to 10pm",
              args=("--sandbox", "--tz", ZONE, "--lang", "zh-TW"))
    assert s.returncode == 0
    digits = s.answer("/record digits 20:00-22:00")  # says no language: the locale decides
    assert "錄製" in digits and "录制" not in digits and "Recording request" not in digits
    english = s.answer("/record words tomorrow 8pm to 10pm")  # typed in English
    assert "Recording request" in english


def test_advance_moves_the_clock_so_a_series_creates_its_next_task(shell):
    s = shell("/record show every day 8pm to 10pm 9 times", "advance 3d", "/record list")
    assert s.returncode == 0
    started = s.answer("/record show every day 8pm to 10pm 9 times")
    assert "🔁 Recording series for `show`" in started
    assert "every day, 20:00–22:00 · 9 times" in started
    assert "Cancel series" in started and "Skip" in started
    created = len(re.findall(r"↳ ✅ Recording task created", started))
    assert 6 <= created <= 7  # those starting within 6 days, depending on the hour
    later = s.answer("advance 3d")
    assert "(the bot's clock is now" in later
    # Three days on, the occurrences that came within 6 days meanwhile are created.
    assert len(re.findall(r"↳ ✅ Recording task created", later)) == 9 - created
    assert "🔁 Series · `show`" in s.answer("/record list")
