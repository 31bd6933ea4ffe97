"""Days: "tomorrow", "next friday", "下周一", "12月3日", "Dec 3", "12/11" -> a calendar date.

Every day is read by fixed rules written here, from the fields the lexer read
out of the text. (Month-name dates once went through dateparser, but its
answer had to equal the fields read here anyway, and it cost a millisecond.)
"""

from __future__ import annotations

from datetime import date, timedelta

from .tokens import (
    AnchorDay,
    CalDate,
    DayOfMonth,
    DaySpec,
    EitherDate,
    RelDay,
    Weekday,
    WeekMode,
)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DayError(ValueError):
    """The day is well-formed but does not exist."""


class WeekdayMismatch(DayError):
    def __init__(self, day: date, weekday: int):
        self.date = f"{day:%Y-%m-%d}"
        self.weekday = WEEKDAY_NAMES[day.weekday()]
        super().__init__(f"{day:%d %b %Y} is a {self.weekday}, not a {WEEKDAY_NAMES[weekday]}")


class DateOrder(ValueError):
    """Both day/month and month/day are real dates: ask."""

    def __init__(self, readings: tuple[str, str]):
        self.readings = readings
        super().__init__(" or ".join(readings))


def resolve(spec: DaySpec, today: date, anchor: date | None = None) -> date:
    """The date ``spec`` names; ``anchor`` is the other end's day for "the next day"."""
    match spec:
        case RelDay(days):
            return today + timedelta(days=days)
        case AnchorDay(days):
            return (anchor or today) + timedelta(days=days)
        case Weekday(wd, mode):
            return weekday(wd, mode, today)
        case CalDate():
            return _cal_date(spec, today)
        case DayOfMonth(day, months):
            if months is None:
                return _next_day_of_month(day, today)
            year, month = divmod(today.month - 1 + months, 12)
            return _date(today.year + year, month + 1, day)
        case EitherDate(first, second):
            readings = []
            for reading in (first, second):
                try:
                    readings.append((_cal_date(reading, today), reading))
                except DayError:
                    continue
            if not readings:
                raise DayError(f"there is no month {first.month} day {first.day}")
            if len(readings) == 2 and readings[0][0] != readings[1][0]:
                raise DateOrder((_say(readings[0][1]), _say(readings[1][1])))
            return readings[0][0]
    raise AssertionError(spec)


def _say(spec: CalDate) -> str:
    text = f"{_MONTHS[spec.month - 1]} {spec.day}"
    return f"{text} {spec.year}" if spec.year else text


def weekday(wd: int, mode: WeekMode, today: date) -> date:
    ahead = (wd - today.weekday()) % 7
    monday = today - timedelta(days=today.weekday())
    if mode == WeekMode.UPCOMING:  # "friday", "this friday", "周五": today counts
        return today + timedelta(days=ahead)
    if mode == WeekMode.NEXT:  # "next friday": the first one after today (as dateparser reads it)
        return today + timedelta(days=ahead or 7)
    weeks = {WeekMode.THIS_WEEK: 0, WeekMode.NEXT_WEEK: 1, WeekMode.WEEK_AFTER: 2,
             WeekMode.LAST_WEEK: -1}[mode]  # fmt: skip
    return monday + timedelta(days=7 * weeks + wd)  # calendar weeks, Monday first


def other_reading(spec: DaySpec, today: date) -> tuple[date, str] | None:
    """For English "next friday": the other reading and a phrase that gets it."""
    if isinstance(spec, Weekday) and spec.mode == WeekMode.NEXT:
        other = weekday(spec.weekday, WeekMode.NEXT_WEEK, today)
        return other, f"{WEEKDAY_NAMES[spec.weekday].lower()} next week"
    return None


def _cal_date(spec: CalDate, today: date) -> date:
    if spec.year is not None:
        result = _date(spec.year, spec.month, spec.day)
    else:
        result = _next_month_day(spec.month, spec.day, today)
    if spec.weekday is not None and result.weekday() != spec.weekday:
        raise WeekdayMismatch(result, spec.weekday)
    return result


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DayError(f"there is no {year}-{month:02d}-{day:02d}") from None


def _next_month_day(month: int, day: int, today: date) -> date:
    """The first month/day on or after today (Feb 29 waits for a leap year)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DayError(f"there is no month {month} day {day}")
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            if day > 29 or month != 2:
                raise DayError(f"there is no month {month} day {day}") from None
            continue
        if candidate >= today:
            return candidate
    raise DayError(f"there is no month {month} day {day}")


def _next_day_of_month(day: int, today: date) -> date:
    """"3号": the next 3rd of a month, today included."""
    if not 1 <= day <= 31:
        raise DayError(f"there is no day {day} in a month")
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        except ValueError:
            pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise DayError(f"there is no day {day} in the coming months")


def warm() -> None:
    """Nothing to load any more; kept for warm_up()."""
