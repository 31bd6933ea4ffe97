"""starts_with_time / is_time_phrase: no stream called "tomorrow" (issue 11 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.timeparse import format_duration, is_time_phrase, starts_with_time


@pytest.mark.parametrize(
    "text",
    ["tomorrow 8pm to 10pm", "today 8pm", "tonight 9", "now", "now for 1 hour", "next friday",
     "every day 8pm to 10pm", "8pm to 10pm", "20:00-22:00", "in 10 minutes", "tmr 8pm",
     "明天晚上8点到10点", "今晚8点到10点", "每周五晚上8点到10点", "工作日上午9点", "Tomorrow 8PM",
     "daily 20:00-22:00", "weekdays 9-11am"],
)
def test_time_first(text):
    assert starts_with_time(text)


@pytest.mark.parametrize(
    "text",
    ["livetest tomorrow 8pm", "show_2 8pm", "news-am tonight", "直播间 明天8点", "", "   ",
     "mystream now", "live-01 20:00"],
)
def test_stream_first(text):
    assert not starts_with_time(text)


@pytest.mark.parametrize(
    "text",
    ["in 10 minutes for 1 hour", "tomorrow 8pm to 10pm", "every friday 20:00-22:00",
     "明天晚上8点到10点", "next friday 14:00 Europe/Paris", "20 to 1"],
)
def test_whole_time_phrases(text):
    assert is_time_phrase(text)


@pytest.mark.parametrize("text", ["livetest tomorrow 8pm", "tomorrow banana", "", "every banana"])
def test_not_time_phrases(text):
    assert not is_time_phrase(text)


@pytest.mark.parametrize(
    ("delta", "days", "text"),
    [
        (timedelta(hours=2), True, "2 h"),
        (timedelta(hours=1, minutes=30), True, "1 h 30 min"),
        (timedelta(days=1, hours=6), True, "1 d 6 h"),
        (timedelta(hours=26), False, "26 h"),
        (timedelta(hours=26), True, "1 d 2 h"),
        (timedelta(0), True, "0 min"),
        (timedelta(minutes=45), True, "45 min"),
        (timedelta(seconds=45), True, "1 min"),  # rounded to minutes, as rules.py does
        (timedelta(days=2), True, "2 d"),
        (timedelta(minutes=-90), True, "-1 d 22 h 30 min"),
    ],
)
def test_format_duration_is_the_bots_one_formatter(delta, days, text):
    assert format_duration(delta, days=days) == text
