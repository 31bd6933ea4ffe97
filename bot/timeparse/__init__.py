"""Understand recording windows the way people write them, in English and Chinese.

    >>> parse_window("tomorrow 8pm to 10pm", now)      # doctest: +SKIP

See window.parse_window for the rules; dateparser reads English month-name
dates, everything else is a small grammar of our own.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .errors import TimeParseError
from .window import RecordingWindow, parse_window

__all__ = ["RecordingWindow", "TimeParseError", "parse_window", "warm_up"]

_WARM_UP_PHRASES = (
    "tomorrow 8pm to 10pm",
    "on Dec 3 at 9:30 for 90 minutes",
    "next friday 14:00-16:30 Europe/Paris",
    "in 10 minutes for 1h30m",
    "明天晚上8点到10点",
    "下周一下午3点录两个小时",
    "北京时间 12月3日 20:30～22:00",
)


def warm_up() -> None:
    """Load everything the first real parse would otherwise load (both languages).

    Call once at start-up, before the bot reports ready.
    """
    from . import dates, zones

    zones.warm()
    dates.warm()
    now = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for phrase in _WARM_UP_PHRASES:
        parse_window(phrase, now)
