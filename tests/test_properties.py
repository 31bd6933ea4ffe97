"""Property-based: whatever people type, the parsers answer with a result or a message —
never an exception that would surface as a stack trace or a silent failure."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.recording.command import ShowHelp, parse_command
from bot.recording.model import Plan
from bot.recording.plan import PlanError, plan_recording
from bot.slack.blocks.help import usage_problem_text
from bot.slack.blocks.problems import plan_problem_text
from bot.slack.i18n import EN
from bot.slack.listeners.views import read_form
from bot.timeparse import RecordingWindow, TimeParseError, parse_window

NOW = datetime(2026, 11, 25, 23, 58, tzinfo=ZoneInfo("Asia/Shanghai"))
FORM_BLOCKS = {"stream", "domain", "app", "when", "template", "stream_type"}

# Words people mix into /record text, so the search reaches the interesting parts quickly.
WORDS = st.sampled_from([
    "tomorrow", "8pm", "to", "10pm", "for", "2", "hours", "明天", "晚上", "8点", "到", "10点",
    "domain=", "domain=push.example.com", "app=live", "template=12", "template=x", "mixed",
    "list", "stop", "cancel", "help", "new", "-", "~", "～", "：", "UTC+8", "CET", "<!here>",
    "@channel", "`", "*", "next", "friday", "14:00-16:30", "in", "10", "minutes", "now",
    "until", "midnight", "半", "两个小时", "99999999999", "2026-12-03", "\n", "\u200b",
])
TEXT = st.one_of(st.text(max_size=120), st.lists(WORDS, max_size=12).map(" ".join))


@given(TEXT)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_any_command_text_gets_a_command_or_help_with_a_reason(text):
    command = parse_command(text)
    asked_for_help = text.split()[0].lower() in ("help", "-h", "--help", "?", "帮助") if (
        text.split()) else False
    if isinstance(command, ShowHelp) and not asked_for_help:
        assert command.problem  # help shown for a reason, and the reason is said
        assert usage_problem_text(EN, command)


@given(TEXT)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_any_time_phrase_gets_a_window_or_a_readable_error(text):
    try:
        window = parse_window(text, NOW)
    except TimeParseError as e:
        assert str(e).strip()
        return
    assert isinstance(window, RecordingWindow) and window.start.tzinfo is not None


def _state(value):
    return {"value": {"type": "plain_text_input", "value": value}}


@given(stream=TEXT, domain=TEXT, app=TEXT, when=TEXT, template=TEXT,
       stream_type=st.sampled_from(["0", "1", "2", ""]))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_form_submission_is_planned_or_names_a_field(stream, domain, app, when, template,
                                                          stream_type):
    view = {
        "private_metadata": '{"channel_id": "C0LIVE"}',
        "state": {"values": {
            "stream": _state(stream), "domain": _state(domain), "app": _state(app),
            "when": _state(when), "template": _state(template),
            "stream_type": {"value": {"type": "radio_buttons",
                                      "selected_option": {"value": stream_type}}},
        }},
    }
    body = {"user": {"id": "U0TEST"}, "team": {"id": "T0TEST"}}
    request, problems = read_form(view, body)
    try:
        plan = plan_recording(request, NOW, problems=list(problems))
    except PlanError as e:
        for problem in e.all:
            assert problem.field in FORM_BLOCKS and plan_problem_text(EN, problem).strip()
        return
    assert isinstance(plan, Plan) and plan.end > plan.start
