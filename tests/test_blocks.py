from datetime import datetime
from zoneinfo import ZoneInfo

from bot.recording.command import stored_when_text
from bot.recording.model import Recording, RecordRequest, State
from bot.recording.plan import plan_recording
from bot.slack.blocks.root import RootView, root_message
from bot.slack.blocks.text import escape, slack_date

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_user_text_cannot_mention_link_or_break_out_of_code():
    out = escape("<!channel> @here @Everyone <https://evil.example|click> `code`")
    assert "<" not in out and ">" not in out
    assert "@here" not in out and "@Everyone" not in out and "`" not in out


def test_root_message_shows_window_zone_requester_and_quotes_the_phrase_as_code():
    req = RecordRequest("T1", "C1", "U1", "live_1", "tomorrow 8pm to 10pm <!here>",
                        "push.example.com", "live")
    plan = plan_recording(
        RecordRequest("T1", "C1", "U1", "live_1", "tomorrow 8pm to 10pm", "push.example.com",
                      "live"), NOW)
    msg = root_message(RootView.from_plan(plan), NOW)
    text = str(msg["blocks"])
    start = int(datetime(2026, 11, 26, 20, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    assert f"<!date^{start}^" in text and "Asia/Shanghai" in text and "<@U1>" in text
    hostile = root_message(RootView.from_plan(plan.__class__(
        req, plan.window, plan.start, plan.end, plan.zone)), NOW)
    assert "<!here>" not in str(hostile["blocks"])
    assert len(msg["blocks"]) <= 50


def test_a_stored_command_is_shown_with_its_time_phrase_only():
    raw = "livetest tomorrow 8pm to 10pm app=show"
    created = datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("UTC"))
    row = Recording(
        id=7, team_id="T1", channel_id="C1", root_ts="1.2", requester_id="U1",
        source="command", raw_text=raw, when_text=stored_when_text("command", raw),
        created_at=created, updated_at=created, template_id=None,
        timezone="Asia/Shanghai", start_time=datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("UTC")),
        end_time=datetime(2026, 11, 26, 14, tzinfo=ZoneInfo("UTC")), stream_name="livetest",
        domain_name="push.example.com", app_name="show", stream_type=0, state=State.STOPPED,
        task_id="Tk1",
    )
    text = str(root_message(RootView.from_row(row, "stopped by <@U2>"), NOW)["blocks"])
    understood = ("Understood `tomorrow 8pm to 10pm` as "
                  "Thu 26 Nov 20:00 → 22:00 (2 h, Asia/Shanghai)")
    assert understood in text
    assert "stopped by <@U2>" in text and "manage" not in text


def test_date_fallback_text_is_in_the_named_zone():
    from datetime import UTC

    noon_utc = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert slack_date(noon_utc, "Asia/Shanghai").endswith("|Wed 25 Nov 2026 20:00 Asia/Shanghai>")
    assert slack_date(noon_utc, "UTC-05:30").endswith("|Wed 25 Nov 2026 06:30 UTC-05:30>")


def _buttons(msg: dict) -> list[str]:
    return [e["text"]["text"] for b in msg["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def test_the_root_offers_only_what_the_window_allows():
    from datetime import timedelta

    from bot.recording.model import State

    plan = plan_recording(RecordRequest("T1", "C1", "U1", "live_1", "tomorrow 8pm to 10pm",
                                        "push.example.com", "live"), NOW)
    view = RootView.from_plan(plan, state=State.CREATED, task_id="T", recording_id=5)
    assert _buttons(root_message(view, NOW)) == ["Cancel"]
    assert "Tencent ends the recording now" not in str(root_message(view, NOW))
    assert _buttons(root_message(view, plan.start + timedelta(minutes=1))) == ["Stop recording"]
    ended = root_message(view, plan.end)
    assert _buttons(ended) == [] and "Window ended" in str(ended["blocks"])
    failed = RootView.from_plan(plan, state=State.FAILED, recording_id=5)
    assert _buttons(root_message(failed, NOW)) == []


def test_a_window_under_way_is_said_once_and_consistently():
    from datetime import timedelta

    at = NOW.replace(hour=12, minute=27)
    plan = plan_recording(RecordRequest("T1", "C1", "U1", "live_1", "today 10am to 2pm",
                                        "push.example.com", "live"), at)
    assert plan.start == at and plan.running_for == timedelta(hours=2, minutes=27)
    text = str(root_message(RootView.from_plan(plan), at)["blocks"])
    assert "it started 2 h 27 min ago; recording from now until 14:00" in text
    assert f"<!date^{int(at.timestamp())}^" in text  # When: from now


def test_an_english_reading_that_could_be_another_says_how_to_get_it():
    wednesday = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    plan = plan_recording(RecordRequest("T1", "C1", "U1", "live_1", "next friday 2pm to 4pm",
                                        "push.example.com", "live"), wednesday)
    text = str(root_message(RootView.from_plan(plan), wednesday)["blocks"])
    assert "read as Fri 4 Dec; for Fri 11 Dec, say `friday next week`" in text


def test_the_shorter_reading_and_a_corrected_typo_are_said():
    plan = plan_recording(RecordRequest("T1", "C1", "U1", "live_1", "tommorow 10:30-1:30",
                                        "push.example.com", "live"), NOW)
    assert (plan.end - plan.start).total_seconds() == 3 * 3600
    text = str(root_message(RootView.from_plan(plan), NOW)["blocks"])
    assert "read as the shorter window, to 13:30" in text
    assert "`tommorow` read as `tomorrow`" in text
