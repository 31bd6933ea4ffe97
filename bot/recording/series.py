"""Series: what Tencent's single task cannot hold, as the bot's own schedule.

A recording task is one window of at most 24 h, starting within 6 days and ending within 7
(bot.recording.rules). A request that is more than that becomes a *series* kept in the
database, whose *parts* are ordinary recordings (rows of their own, each one task):

- a window longer than 24 h is cut into consecutive parts of equal length, each ≤ 24 h, with
  no gap and no overlap (the end of one is the start of the next);
- a window beyond the horizon is stored as a planned part;
- a repeating rule ("every friday 20:00-22:00") is expanded with python-dateutil's rrule on the
  wall clock of the requester's zone (20:00 stays 20:00 across a DST change), each occurrence
  made of one part, or several when it is longer than 24 h. A rule without an end stops after
  ``DEFAULT_SPAN`` (the root message says so);
- ``pad`` moves each occurrence's start earlier and its end later.

Every part is stored PLANNED; the scheduler (``SeriesScheduler``) creates each part's task once
it enters the horizon, through the same guards as a request typed in Slack.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.recording.model import NewRecording, NewSeries, RecordRequest, SeriesKind, State
from bot.recording.rules import MAX_DURATION, in_horizon
from bot.timeparse import RecordingWindow, Repeat

#: A series given no end (no "until", no count) ends this long after its first occurrence.
DEFAULT_SPAN = timedelta(days=90)
#: The most occurrences one series may hold (a daily series for a year).
MAX_OCCURRENCES = 366
#: The longest window recorded as one series of consecutive tasks (as many ≤ 24 h parts as a
#: series may hold recordings).
MAX_WINDOW = MAX_DURATION * MAX_OCCURRENCES
#: The longest padding accepted, on each side.
MAX_PAD = timedelta(hours=2)


_PAD_RE = re.compile(r"^(\d{1,4})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$")


def parse_pad(text: str) -> timedelta | None:
    """``5m``, ``90s``, ``1h``, ``10`` (minutes) → the padding; None if it is not one or more
    than MAX_PAD."""
    m = _PAD_RE.match(text.strip().lower())
    if not m:
        return None
    n, unit = int(m.group(1)), (m.group(2) or "m")[0]
    pad = timedelta(seconds=n) if unit == "s" else (
        timedelta(hours=n) if unit == "h" else timedelta(minutes=n))
    return pad if pad <= MAX_PAD else None


class SeriesProblem(enum.StrEnum):
    TOO_MANY = "too many occurrences"
    NONE_LEFT = "no occurrence left"  # the padding or the rule left nothing to record


class SeriesRefused(Exception):
    def __init__(self, problem: SeriesProblem, count: int = 0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.count = count  # TOO_MANY: how many the rule holds (at least)


@dataclass(frozen=True)
class PlannedPart:
    """One task to create: the ``part``-th piece of the ``occurrence``-th occurrence."""

    occurrence: int
    part: int
    start: datetime  # aware, in the series' zone
    end: datetime


@dataclass(frozen=True)
class SeriesPlan:
    """A request understood as a series: what is stored, and the parts to create."""

    request: RecordRequest
    kind: SeriesKind
    zone: str
    description: str
    window: RecordingWindow  # the (first) window as read, before the padding
    duration: timedelta
    parts: tuple[PlannedPart, ...]
    rrule: str | None = None
    until: date | None = None
    count: int | None = None
    limited: bool = False
    pad: timedelta = timedelta(0)

    @property
    def stream(self) -> str:
        return self.request.stream

    @property
    def occurrences(self) -> int:
        return len({p.occurrence for p in self.parts})

    def first_start(self) -> datetime:
        return self.parts[0].start

    def new_series(self) -> NewSeries:
        req = self.request
        return NewSeries(
            team_id=req.team_id, channel_id=req.channel_id, requester_id=req.user_id,
            source=req.source, raw_text=req.raw_text, when_text=req.phrase,
            timezone=self.zone, kind=self.kind, description=self.description,
            first_start=self.window.start.astimezone(UTC), duration=self.duration,
            stream_name=req.stream, domain_name=req.domain, app_name=req.app,
            template_id=req.template_id, stream_type=req.stream_type, rrule=self.rrule,
            until=self.until, count=self.count, limited=self.limited, pad=self.pad,
            language=req.language)

    def new_parts(self) -> list[NewRecording]:
        req = self.request
        return [NewRecording(
            team_id=req.team_id, channel_id=req.channel_id, requester_id=req.user_id,
            source=req.source, raw_text=req.raw_text, when_text=req.when_text,
            language=req.language, timezone=self.zone,
            start_time=p.start.astimezone(UTC), end_time=p.end.astimezone(UTC),
            stream_name=req.stream, domain_name=req.domain, app_name=req.app,
            template_id=req.template_id, stream_type=req.stream_type, state=State.PLANNED,
            occurrence=p.occurrence, part=p.part) for p in self.parts]


def needs_series(start: datetime, end: datetime, now: datetime) -> bool:
    """A window one task cannot hold now: longer than 24 h, or beyond the horizon."""
    return end - start > MAX_DURATION or (end > now and not in_horizon(start, end, now))


def split_window(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Consecutive pieces of equal length (whole seconds), each ≤ 24 h, covering
    [start, end) exactly: each piece ends where the next starts."""
    total = int((end - start).total_seconds())
    n = max(1, math.ceil(total / MAX_DURATION.total_seconds()))
    cuts = [start + timedelta(seconds=total * i // n) for i in range(n)] + [end]
    return list(pairwise(cuts))


def _parts(occurrence: int, start: datetime, end: datetime) -> list[PlannedPart]:
    return [PlannedPart(occurrence, i, s, e) for i, (s, e) in enumerate(split_window(start, end))]


def plan_window_series(request: RecordRequest, window: RecordingWindow, now: datetime,
                       pad: timedelta) -> SeriesPlan:
    """A single window that one task cannot hold (``needs_series``), padded, in parts."""
    assert window.end is not None
    start, end = window.start - pad, window.end + pad
    start = max(start, now.astimezone(start.tzinfo).replace(microsecond=0))
    if end <= start:
        raise SeriesRefused(SeriesProblem.NONE_LEFT)
    return SeriesPlan(request, SeriesKind.WINDOW, window.zone, window.description, window,
                      window.end - window.start, tuple(_parts(0, start, end)), pad=pad)


def plan_repeat_series(request: RecordRequest, repeat: Repeat, now: datetime,
                       pad: timedelta) -> SeriesPlan:
    """Every occurrence of the rule still to end after ``now``, each padded and in parts."""
    tz = ZoneInfo(repeat.zone)
    first_local = repeat.first.start.astimezone(tz)
    dtstart = datetime.combine(first_local.date(), repeat.start_time)
    until, limited = repeat.until, False
    if until is None and repeat.count is None:
        until, limited = first_local.date() + DEFAULT_SPAN - timedelta(days=1), True
    rule_text = repeat.rrule
    if limited:
        rule_text += f";UNTIL={until:%Y%m%d}T235959"
    rule = rrulestr(f"DTSTART:{dtstart:%Y%m%dT%H%M%S}\nRRULE:{rule_text}")
    parts: list[PlannedPart] = []
    index = 0
    for naive in rule:
        if index >= MAX_OCCURRENCES:
            raise SeriesRefused(SeriesProblem.TOO_MANY, MAX_OCCURRENCES + 1)
        start = localize(naive, tz)
        end = (start.astimezone(UTC) + repeat.duration).astimezone(tz)
        start, end = start - pad, end + pad
        if end <= now:
            continue  # already over (the rule's first day, read this morning)
        start = max(start, now.astimezone(tz).replace(microsecond=0))
        parts += _parts(index, start, end)
        index += 1
    if not parts:
        raise SeriesRefused(SeriesProblem.NONE_LEFT)
    return SeriesPlan(request, SeriesKind.REPEAT, repeat.zone, repeat.description, repeat.first,
                      repeat.duration, tuple(parts), rrule=rule_text, until=until,
                      count=repeat.count, limited=limited, pad=pad)


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """The wall clock ``naive`` in ``tz``; a time skipped by DST moves forward by the gap (as
    the time parser reads it)."""
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz)
    return back if back.replace(tzinfo=None) != naive else aware
