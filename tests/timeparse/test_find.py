"""Finding the time phrase in a message (for the message shortcut)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import find_window_phrase, parse_window

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("text", "phrase"), [
    ("Show starts tomorrow 8pm, runs two hours", "tomorrow 8pm two hours"),
    ("Reminder: the keynote is on Friday from 14:00 to 16:30 in hall B",
     "friday 14:00 to 16:30"),
    ("no time here at all", None),
    ("see you at 8", None),
])
def test_the_longest_window_in_the_text_is_found(text, phrase):
    assert find_window_phrase(text, NOW) == phrase


def test_a_chinese_message_gives_a_phrase_that_reads_as_the_same_window():
    phrase = find_window_phrase("明天晚上8点开始，直播两小时，大家准时", NOW)
    window = parse_window(phrase, NOW)
    assert (window.start.hour, window.end.hour, window.start.day) == (20, 22, 11)
