"""Understand recording windows the way people write them, in English and Chinese.

    parse_window("tomorrow 8pm to 10pm", now) -> RecordingWindow(start, end, description, zone,
                                                                 notes)
    parse_schedule("every friday 20:00-22:00 for 6 weeks", now) -> Repeat | RecordingWindow

``now`` is timezone-aware and its zone is the user's; everything relative is
read from it (never from the wall clock). README's "Time phrases the bot
understands" lists every kind with examples in both languages; the corpus in
tests/timeparse/corpus.json holds them all, by kind.

Anything not fully understood raises TimeParseError (a ValueError) whose
message quotes the part not understood and gives working examples; its
``problem``/``params``/``choices`` carry the same as data. Where a phrase has
two readings and nothing decides (an hour on a named day without am/pm, 12/11,
"21h", "20 to 1"), it asks rather than guesses. The API's window rules
(length, how far ahead) are not checked here: a window in the past is
returned as parsed. Call warm_up() once at start-up.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .detect import is_time_phrase, starts_with_time
from .durations import format_duration
from .errors import ParseProblem, TimeParseError
from .find import find_window_phrase
from .notes import (
    Approximate,
    EndOnNextDay,
    InProgress,
    OpenEnded,
    ReadAs,
    ShorterReading,
    WeekdayReading,
    WindowNote,
)
from .schedule import Repeat, parse_schedule
from .window import RecordingWindow, parse_window
from .zones import zone_tzinfo

__all__ = [
    "Approximate",
    "EndOnNextDay",
    "InProgress",
    "OpenEnded",
    "ParseProblem",
    "ReadAs",
    "RecordingWindow",
    "Repeat",
    "ShorterReading",
    "TimeParseError",
    "WeekdayReading",
    "WindowNote",
    "find_window_phrase",
    "format_duration",
    "is_time_phrase",
    "parse_schedule",
    "parse_window",
    "starts_with_time",
    "warm_up",
    "zone_tzinfo",
]

_WARM_UP_PHRASES = (
    "tomorrow 8pm to 10pm",
    "on Dec 3 at 9:30 for 90 minutes",
    "next friday 14:00-16:30 Europe/Paris",
    "in 10 minutes for 1h30m",
    "quarter past seven for two hours",
    "明天晚上8点到10点",
    "下周一下午3点录两个小时",
    "北京时间 12月3日 20:30～22:00",
    "every friday 20:00-22:00 for 6 weeks",
    "每周五晚上8点到10点",
)


def warm_up() -> None:
    """Load everything the first real parse would otherwise load (both languages).

    Call once at start-up, before the bot reports ready.
    """
    from . import zones

    zones.warm()
    now = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for phrase in _WARM_UP_PHRASES:
        parse_schedule(phrase, now)
