"""Tencent's rules for a recording, each written once, and checked before calling so the
person hears why.

CreateRecordTask: EndTime > StartTime, EndTime > now, EndTime − StartTime ≤ 24 h, and how far
ahead — where Tencent's two documents disagree, so the bot obeys both: the API page says
StartTime ≤ now + 6 days, the SDK's current model docs say EndTime < now + 7 days (``horizon``);
at most three overlapping tasks of one stream record. Names as Tencent
Live takes them in push URLs. A violation is data (``WindowRuleError.rule`` and the times);
the Slack layer says it in words.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DURATION = timedelta(hours=24)  # EndTime − StartTime
MAX_AHEAD = timedelta(days=7)  # EndTime before now + 7 days (the SDK's model docs)
MAX_START_AHEAD = timedelta(days=6)  # StartTime at most now + 6 days (the API page)
MAX_OVERLAPPING = 3  # Tencent starts at most three overlapping tasks on one stream
QUERY_SPAN = timedelta(days=7)  # DescribeRecordTask lists at most a week per query

#: The same person, stream and window within this long is one request asked twice (a double
#: click, a command retyped after a Slack timeout, a form sent twice)…
DUPLICATE_WINDOW = timedelta(minutes=10)
#: …and windows this close count as the same ("for 1 hour" retyped a minute later).
SAME_WINDOW = timedelta(minutes=2)

# Names as Tencent Live takes them in push URLs: letters, digits, '_' and '-' for the stream
# (≤ 256) and the app (≤ 64); the push domain is a DNS name (labels ≤ 63 without a leading or
# trailing '-', whole ≤ 253, at least two labels).
STREAM_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
APP_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$"
)
MAX_STREAM, MAX_APP, MAX_DOMAIN = 256, 64, 253


def is_stream_name(name: str) -> bool:
    return bool(STREAM_RE.match(name))


def is_app_name(name: str) -> bool:
    return bool(APP_RE.match(name))


def is_push_domain(name: str) -> bool:
    return bool(DOMAIN_RE.match(name))


class WindowRule(enum.StrEnum):
    END_AFTER_START = "end-after-start"
    END_IN_FUTURE = "end-in-future"
    MAX_24H = "max-24h"
    WITHIN_7_DAYS = "within-7-days"
    START_WITHIN_6_DAYS = "start-within-6-days"
    #: The bot's own limit, not Tencent's: the longest window it records as a series of tasks
    #: (bot.recording.series.MAX_WINDOW).
    MAX_LENGTH = "max-length"


#: The rules of one task that the bot meets by making a series (bot.recording.series): a
#: request is never refused for them, so nobody is shown them.
TASK_ONLY_RULES = frozenset({WindowRule.MAX_24H, WindowRule.START_WITHIN_6_DAYS,
                             WindowRule.WITHIN_7_DAYS})


@dataclass(frozen=True)
class WindowRuleError(Exception):
    """The first rule a window breaks, with the times the explanation needs."""

    rule: WindowRule
    start: datetime
    end: datetime
    now: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def latest_end(self) -> datetime:
        """The end must be before this (within-7-days)."""
        return self.now + MAX_AHEAD

    @property
    def latest_start(self) -> datetime:
        """The start must be at or before this (start-within-6-days)."""
        return self.now + MAX_START_AHEAD

    def __str__(self) -> str:
        return f"{self.rule}: {self.start.isoformat()} → {self.end.isoformat()}"


def check_window(start: datetime, end: datetime, now: datetime) -> None:
    """Raise WindowRuleError for the first rule the window breaks."""
    if end <= start:
        raise WindowRuleError(WindowRule.END_AFTER_START, start, end, now)
    if end <= now:
        raise WindowRuleError(WindowRule.END_IN_FUTURE, start, end, now)
    if end - start > MAX_DURATION:
        raise WindowRuleError(WindowRule.MAX_24H, start, end, now)
    if start > now + MAX_START_AHEAD:
        raise WindowRuleError(WindowRule.START_WITHIN_6_DAYS, start, end, now)
    if end >= now + MAX_AHEAD:
        raise WindowRuleError(WindowRule.WITHIN_7_DAYS, start, end, now)


def check_not_over(start: datetime, end: datetime, now: datetime) -> None:
    """What waiting can break in a window that passed ``check_window`` earlier (a button
    pressed later): its end passing. (It gets no longer, and only nearer.)"""
    if end <= now:
        raise WindowRuleError(WindowRule.END_IN_FUTURE, start, end, now)


def in_horizon(start: datetime, end: datetime, now: datetime) -> bool:
    """Whether a task for the window may be created now as far as how far ahead it is (both
    of Tencent's documents: StartTime ≤ now + 6 days and EndTime < now + 7 days)."""
    return start <= now + MAX_START_AHEAD and end < now + MAX_AHEAD


def enters_horizon(start: datetime, end: datetime) -> datetime:
    """The first instant (to the second) at which ``in_horizon`` holds for the window."""
    return max(start - MAX_START_AHEAD, end - MAX_AHEAD + timedelta(seconds=1))
