"""The lexer's vocabulary: a closed set of frozen dataclasses.

Every token carries the span (``start``, ``end``) of the normalised text it
was read from, so that a refusal can quote the user's own words. ``Token`` is
the union of all of them; code that consumes tokens matches on the class, the
way ``bot.recording.command`` models commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .zones import Zone


class Period(StrEnum):
    """A time of day that qualifies a clock time ("morning", "晚上")."""

    EARLY = "early"  # 凌晨: small hours
    MORNING = "morning"
    NOON = "noon"  # 中午, around midday
    AFTERNOON = "afternoon"
    DUSK = "dusk"  # 傍晚
    EVENING = "evening"
    NIGHT = "night"


class Style(StrEnum):
    """How sure a clock time is about its half of the day."""

    EXACT = "exact"  # 20:00, 8pm, 08:30, noon: one reading
    COLON = "colon"  # 8:30: 24-hour unless the other end of a range says am/pm
    BARE = "bare"  # 8, 8点, eight: morning or evening


class Sep(StrEnum):
    RANGE = "range"  # to, -, ~
    UNTIL = "until"  # until, till, by, 到: may stand without a start (from now)
    AND = "and"  # only after "between"


class WeekMode(StrEnum):
    UPCOMING = "upcoming"  # "friday", "this friday", "周五": today counts
    NEXT = "next"  # "next friday": the first one after today
    THIS_WEEK = "this_week"  # 这周五: the calendar week (Monday first)
    NEXT_WEEK = "next_week"  # 下周五, "friday next week"
    WEEK_AFTER = "week_after"  # 下下周五
    LAST_WEEK = "last_week"  # 上周五


# Days ----------------------------------------------------------------------


@dataclass(frozen=True)
class RelDay:
    """Today plus ``days`` ("tomorrow", "后天", "in 4 days")."""

    days: int


@dataclass(frozen=True)
class AnchorDay:
    """A day counted from the other end's day: "the next day", 第二天 (+1), 当晚 (0).

    On the start side (or alone) it counts from today.
    """

    days: int


@dataclass(frozen=True)
class Weekday:
    weekday: int  # 0 = Monday
    mode: WeekMode


@dataclass(frozen=True)
class CalDate:
    """A calendar date; without a year, the first one on or after today."""

    year: int | None
    month: int
    day: int
    weekday: int | None = None  # as written ("Thursday, Dec 3"): checked


@dataclass(frozen=True)
class DayOfMonth:
    """"the 3rd", "3号": the next such day, today included; ``months`` ahead for
    "next month on the 3rd" / 下个月3号."""

    day: int
    months: int | None = None  # None: the next one; 0: this month; 1: next month


@dataclass(frozen=True)
class EitherDate:
    """"12/11": day/month or month/day; asked about when both are real dates."""

    first: CalDate  # day/month reading
    second: CalDate  # month/day reading


DaySpec = RelDay | AnchorDay | Weekday | CalDate | DayOfMonth | EitherDate


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" | "pm"
    style: Style = Style.EXACT
    day_shift: int = 0  # midnight / 24:00 belong to the next day


# Tokens --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True)
class DayTok(_Span):
    spec: DaySpec


@dataclass(frozen=True)
class PeriodTok(_Span):
    period: Period


@dataclass(frozen=True)
class ClockTok(_Span):
    clock: Clock


@dataclass(frozen=True)
class NowTok(_Span):
    pass


@dataclass(frozen=True)
class OffsetTok(_Span):
    """A start counted from now: "in 10 minutes", "10分钟后"."""

    delta: timedelta


@dataclass(frozen=True)
class DurationTok(_Span):
    """A length: "for 2 hours", "两个小时", "over the next 3 hours"."""

    delta: timedelta


@dataclass(frozen=True)
class ZoneTok(_Span):
    zone: Zone


@dataclass(frozen=True)
class InstantTok(_Span):
    """An instant written in full: ISO 8601 with an offset, a unix timestamp."""

    moment: datetime
    zone: Zone | None


@dataclass(frozen=True)
class SepTok(_Span):
    sep: Sep


@dataclass(frozen=True)
class BetweenTok(_Span):
    pass


@dataclass(frozen=True)
class AfterTok(_Span):
    """"after 6pm", "6点以后": a start with no end in sight."""


@dataclass(frozen=True)
class BeforeTok(_Span):
    """Chinese "11点前": the time before it is an end, from now (the parser moves it in front)."""


@dataclass(frozen=True)
class ApproxTok(_Span):
    """"around", "about", "-ish", "左右": the stated time is used, and said so."""


@dataclass(frozen=True)
class ClockOrDurationTok(_Span):
    """"21h", "10h30": a clock time or a length; the rest of the phrase may decide."""

    clock: Clock
    delta: timedelta


@dataclass(frozen=True)
class QuestionTok(_Span):
    """A shape with two readings the text cannot decide ("20 to 1", "8点5").

    ``problem`` is a ParseProblem value; ``readings`` replace the span to make
    the choices offered.
    """

    problem: str
    params: tuple[tuple[str, str], ...]
    readings: tuple[str, ...]


@dataclass(frozen=True)
class UnknownTok(_Span):
    """Text nobody understood (``zone_meaning`` set for an ambiguous zone abbreviation)."""

    zone_meaning: str | None = None


Token = (
    DayTok | PeriodTok | ClockTok | NowTok | OffsetTok | DurationTok | ZoneTok | InstantTok
    | SepTok | BetweenTok | AfterTok | BeforeTok | ApproxTok | ClockOrDurationTok | QuestionTok
    | UnknownTok
)
