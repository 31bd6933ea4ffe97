"""Refusals: text that is not fully understood must raise TimeParseError, never guess."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import TimeParseError, parse_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday


def refuse(text: str, now: datetime = NOW) -> TimeParseError:
    with pytest.raises(TimeParseError) as info:
        parse_window(text, now)
    return info.value


def test_is_a_value_error():
    assert issubclass(TimeParseError, ValueError)


def test_gibberish_is_quoted_with_working_examples():
    err = refuse("tomorrow banana 8pm")
    message = str(err)
    assert '"banana"' in message
    assert err.fragment == "banana"
    assert 2 <= len(err.examples) <= 3
    for example in err.examples:
        assert f'"{example}"' in message
        parse_window(example, NOW)  # what we suggest must itself work


def test_chinese_text_gets_chinese_examples():
    err = refuse("明天晚上8点到香蕉")
    assert '"香蕉"' in str(err)
    assert any("点" in example for example in err.examples)
    for example in err.examples:
        parse_window(example, NOW)


def test_every_part_not_understood_is_quoted_as_written():
    err = refuse("Tomorrow BANANA 8pm and Kiwi")
    assert err.fragment == "BANANA … and Kiwi" or err.fragment == "BANANA … Kiwi"
    assert "BANANA" in str(err) and "Kiwi" in str(err)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text(text):
    err = refuse(text)
    assert err.examples


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("tomorrow", "tomorrow"),  # a day, but the clock time would be dropped
        ("next friday", "next friday"),
        ("tonight", "tonight"),
        ("明天晚上", "晚上"),
        ("tomorrow 8pm to friday", "friday"),
        ("until tomorrow", "tomorrow"),
    ],
)
def test_a_day_without_a_clock_time_is_refused(text, quoted):
    err = refuse(text)
    assert f'"{quoted}"' in str(err)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("tomorrow at 8", "8"), ("明天8点", "8点"), ("friday 9:30 to 11", None)],
)
def test_an_hour_that_could_be_am_or_pm_on_a_named_day_is_refused(text, quoted):
    if quoted is None:  # 9:30 reads as 24-hour, so this one is fine
        parse_window(text, NOW)
        return
    err = refuse(text)
    assert f'"{quoted}"' in str(err)
    assert "08:00" in str(err) and "20:00" in str(err)


def test_tonight_at_11_is_not_now():
    window = parse_window("tonight at 11", NOW)
    assert window.start == datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)


def test_8_tonight_is_not_now():
    assert parse_window("8 tonight", NOW).start == datetime(2026, 11, 25, 20, 0, tzinfo=SHANGHAI)


def test_9_tomorrow_morning_keeps_the_clock_time():
    window = parse_window("9 tomorrow morning", NOW)
    assert window.start == datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    assert window.end is None


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow banana 8pm",
        "every day at 8pm",
        "8pm sharp",
        "last friday 8pm",
        "8pm or 9pm",
        "每天晚上8点",
    ],
)
def test_ignored_words_are_refused(text):
    refuse(text)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("8pm CST", "CST"),  # China or US Central?
        ("8pm IST", "IST"),
        ("8pm Mars/Olympus", "Mars/Olympus"),
        ("8pm CET 9pm UTC", None),
    ],
)
def test_unclear_zones_are_refused(text, quoted):
    err = refuse(text)
    if quoted:
        assert f'"{quoted}"' in str(err)


def test_conflicting_parts_are_refused():
    assert "for 2 hours" in str(refuse("8pm to 10pm for 2 hours"))
    refuse("tomorrow today 8pm")
    refuse("in 10 minutes at 8pm")
    refuse("tomorrow morning at 8pm")
    refuse("明天上午20点")
    refuse("Friday, Dec 3 at 8pm")  # Dec 3 2026 is a Thursday


def test_impossible_dates_and_times_are_refused():
    refuse("feb 30 at 8pm")
    refuse("2月30日晚上8点")
    refuse("25:00")
    refuse("8:75pm")
    refuse("13pm")


def test_a_clock_time_skipped_by_dst_is_refused():
    berlin = datetime(2026, 3, 28, 22, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    err = refuse("tomorrow 2:30am", berlin)
    assert "Europe/Berlin" in str(err)
    assert '"tomorrow 2:30am"' in str(err)


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_window("8pm", datetime(2026, 11, 25, 14, 0))
