"""Understand recording windows the way people write them, in English and Chinese.

    parse_window("tomorrow 8pm to 10pm", now) -> RecordingWindow(start, end, description, zone)

``now`` is timezone-aware and its zone is the user's; everything relative is
read from it (never from the wall clock). Understood, each with tests:

* points: now, in 10 minutes, in 1h20m, at 8pm, 20:00, 8 tonight, tonight at
  11, tomorrow morning at 9, noon, midnight, half past 8, next friday 14:00,
  on Dec 3 at 9:30, the 3rd, 2026-12-03 09:30, ISO 8601 with offset, unix
  timestamps (s or ms); a bare clock time is its next occurrence;
* ranges: 8pm to 10pm, 8-10pm, 20:00–22:00 (- – — ~ ～ ： ->), from .. until ..,
  between 2 and 5pm, until 10pm (from now), 11pm to 1am (ends the next day),
  8-10pm tomorrow (a trailing day covers both ends);
* durations: for 2 hours, 90 minutes, 1h30m, half an hour, an hour and a
  half; a start plus a duration; a bare duration starts now;
* zones: CET, PST, UTC+8, Asia/Shanghai, 北京时间, 东八区 (CST and IST are
  refused as ambiguous); DST gaps are refused, folds resolved;
* Chinese, simplified and traditional: 今天/明天/后天/大后天, 今晚/明早,
  上午/下午/晚上/凌晨/中午/傍晚, 8点/8点半/8点一刻/8点15/20:30/二十点,
  下周一/周五/星期五/礼拜五, 12月3日/3号, 到/至/-/～, 两个小时/一个半小时/
  90分钟/半小时/录两小时, 从现在开始, 10分钟后.

Anything not fully understood raises TimeParseError (a ValueError) whose
message quotes the part not understood and gives working examples. An hour
that could be am or pm on a named day ("tomorrow at 8", "明天8点") is refused
rather than guessed. The API's window rules (length, how far ahead) are not
checked here: a window in the past is returned as parsed.

dateparser reads English month-name dates ("Dec 3", "3rd of December 2026");
the rest is a small grammar of our own. Call warm_up() once at start-up.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .durations import format_duration
from .errors import TimeParseError
from .window import RecordingWindow, parse_window
from .zones import zone_tzinfo

__all__ = ["RecordingWindow", "TimeParseError", "format_duration", "parse_window", "warm_up",
           "zone_tzinfo"]

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
