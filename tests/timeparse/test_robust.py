"""Whatever people type: a window, a repeat or a TimeParseError, never another exception."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.timeparse import (
    RecordingWindow,
    Repeat,
    TimeParseError,
    is_time_phrase,
    parse_schedule,
    starts_with_time,
)

NOW = datetime(2026, 11, 25, 23, 58, tzinfo=ZoneInfo("Asia/Shanghai"))
WORDS = st.sampled_from([
    "every", "day", "daily", "weekdays", "friday", "mon", "and", "wed", "until", "dec", "31",
    "times", "10", "for", "6", "weeks", "8pm", "to", "10pm", "每周", "五", "晚上", "8点", "到",
    "10点", "直到", "12月31日", "共", "次", "工作日", "周末", "每天", "21h", "19h45", "quarter",
    "past", "seven", "half", "around", "左右", "after", "by", "接下来", "三小时", "内", "12/11",
    "28/12", "2026-12-28T20:00/PT2H", "tmr", "tonite", "两分半", "45", "seconds", "聽日", "三個鐘",
    "20", "1", "ish", "-", "~", "，", "UTC+8", "CET", "五", "to", "八點五", "前", "以后",
])
TEXT = st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=10).map(" ".join),
                 st.lists(WORDS, max_size=10).map("".join))


@given(TEXT)
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_text_gets_a_window_a_repeat_or_a_readable_error(text):
    try:
        result = parse_schedule(text, NOW)
    except TimeParseError as e:
        assert str(e).strip()
        assert e.problem
        return
    assert isinstance(result, RecordingWindow | Repeat)
    window = result.first if isinstance(result, Repeat) else result
    assert window.start.tzinfo is not None
    if window.end is not None:
        assert window.end.tzinfo is not None


@given(TEXT)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_detection_never_raises(text):
    assert isinstance(starts_with_time(text), bool)
    assert isinstance(is_time_phrase(text), bool)
