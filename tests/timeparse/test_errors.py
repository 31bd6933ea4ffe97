"""Refusals: what dateparser gets silently wrong must come back as a TimeParseError."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import TimeParseError, parse_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday


def refuse(text: str) -> TimeParseError:
    with pytest.raises(TimeParseError) as info:
        parse_window(text, NOW)
    return info.value


def test_gibberish_is_quoted_with_examples():
    err = refuse("tomorrow banana 8pm")
    message = str(err)
    assert '"banana"' in message
    assert err.fragment == "banana"
    assert 2 <= len(err.examples) <= 3
    for example in err.examples:
        assert f'"{example}"' in message
        parse_window(example, NOW)  # the examples we offer must themselves work


def test_chinese_text_gets_chinese_examples():
    err = refuse("明天晚上8点到香蕉")
    assert '"香蕉"' in str(err)
    assert any("点" in e for e in err.examples)
    for example in err.examples:
        parse_window(example, NOW)


def test_is_a_value_error():
    assert issubclass(TimeParseError, ValueError)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text(text):
    refuse(text)


def test_tonight_at_11_is_not_now():
    window = parse_window("tonight at 11", NOW)
    assert window.start == datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)


def test_9_tomorrow_morning_keeps_the_clock_time():
    window = parse_window("9 tomorrow morning", NOW)
    assert window.start == datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    assert window.end is None
