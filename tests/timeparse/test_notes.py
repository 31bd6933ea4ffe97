"""RecordingWindow.notes: how a window was read, where it could have been read otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import (
    Approximate,
    EndOnNextDay,
    InProgress,
    OpenEnded,
    ReadAs,
    ShorterReading,
    WeekdayReading,
    parse_window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday


def at(hour, minute=0, day=25):
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_a_plain_window_has_no_notes():
    assert parse_window("tomorrow 8pm to 10pm", NOW).notes == ()


@pytest.mark.parametrize("text", ["11pm to 1am", "tomorrow 10pm to 8pm", "今晚11点到凌晨1点"])
def test_an_end_put_on_the_next_day_is_noted(text):
    window = parse_window(text, NOW)
    assert EndOnNextDay() in window.notes
    assert window.end.date() == window.start.date() + timedelta(days=1)


@pytest.mark.parametrize("text", ["8pm until midnight", "tomorrow 11pm for 2 hours",
                                  "friday 10pm to saturday 2am", "8pm to 10pm"])
def test_no_next_day_note_when_the_day_is_plain(text):
    assert EndOnNextDay() not in parse_window(text, NOW).notes


def test_the_longer_window_next_day_is_still_returned_as_written():
    window = parse_window("tomorrow 10pm to 8pm", NOW)  # the service asks before > 12 h
    assert window.end - window.start == timedelta(hours=22)


def test_the_shorter_reading_is_taken_and_noted():
    window = parse_window("10:30-1:30", NOW)
    assert (window.start, window.end) == (at(10, 30, 26), at(13, 30, 26))
    assert ShorterReading(at(1, 30, 27)) in window.notes


def test_no_shorter_reading_note_when_am_pm_is_said():
    assert parse_window("10:30pm-1:30", NOW).notes == (EndOnNextDay(),)


def test_next_weekday_records_the_other_reading():
    window = parse_window("next friday 8pm", NOW)
    assert window.start == at(20, 0, 27)
    note = WeekdayReading(date(2026, 11, 27), date(2026, 12, 4), "friday next week")
    assert note in window.notes
    other = parse_window(f"{note.say_other} 8pm", NOW)
    assert other.start.date() == note.other


def test_no_weekday_note_when_both_readings_agree():
    assert parse_window("next monday 9am", NOW).notes == ()  # Mon 30 Nov either way


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("around 9pm", "around 9pm"), ("9ish", "9ish"), ("晚上9点左右", "晚上9点左右"),
     ("for about 2 hours", "for about 2 hours")],
)
def test_approximate_times_use_the_stated_time_and_say_so(text, fragment):
    window = parse_window(text, NOW)
    assert Approximate(fragment) in window.notes


@pytest.mark.parametrize(
    ("text", "written", "read_as"),
    [("tommorow 8pm", "tommorow", "tomorrow"), ("tonite 9pm", "tonite", "tonight"),
     ("8pm untl 10pm", "untl", "until"), ("TMR 8pm", "TMR", "tomorrow")],
)
def test_corrected_words_are_noted_as_written(text, written, read_as):
    assert ReadAs(written, read_as) in parse_window(text, NOW).notes


def test_a_window_in_progress_is_todays_and_noted():
    three = at(15)
    window = parse_window("2pm to 4pm", three)
    assert (window.start, window.end) == (at(14), at(16))
    assert InProgress() in window.notes
    assert parse_window("下午2点到4点", three).start == at(14)


def test_a_finished_window_moves_to_tomorrow():
    window = parse_window("2pm to 3pm", at(15))
    assert window.start == at(14, 0, 26)
    assert InProgress() not in window.notes


@pytest.mark.parametrize(
    ("text", "until"),
    [("by 11pm", True), ("晚上11点前", True), ("over the next three hours", False),
     ("三小时内", False), ("接下来三小时", False)],
)
def test_open_ended_windows_start_now(text, until):
    window = parse_window(text, NOW)
    assert window.start == NOW
    assert OpenEnded(until) in window.notes
