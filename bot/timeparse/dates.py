"""Days: "tomorrow", "next friday", "下周一", "12月3日", "Dec 3" -> a calendar date.

Relative days, weekdays and numeric dates follow fixed rules written here.
English month-name dates ("Dec 3", "3rd of December 2026", "Thursday, Dec 3")
go to dateparser, and what it returns is checked against the month, day,
year and weekday read from the text, because dateparser can return a
different date (or "now") without saying so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .lexer import DaySpec

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DayError(ValueError):
    """The day is well-formed but does not exist or contradicts itself."""


def resolve(spec: DaySpec, today: date) -> date:
    kind, args = spec.kind, spec.args
    if kind == "rel":
        return today + timedelta(days=args[0])
    if kind == "weekday":
        return _weekday(args[0], args[1], today)
    if kind == "date":
        year, month, day = args
        if year is not None:
            return _date(year, month, day)
        return _next_month_day(month, day, today)
    if kind == "dom":
        return _next_day_of_month(args[0], today)
    if kind == "en_date":
        return _dateparser_date(*args, today=today)
    raise AssertionError(kind)


def _weekday(wd: int, mode: str, today: date) -> date:
    ahead = (wd - today.weekday()) % 7
    monday = today - timedelta(days=today.weekday())
    if mode == "upcoming":  # "friday", "this friday", "周五": today counts
        return today + timedelta(days=ahead)
    if mode == "next":  # "next friday": the first one after today (as dateparser reads it)
        return today + timedelta(days=ahead or 7)
    weeks = {"this_week": 0, "next_week": 1, "week_after": 2, "last_week": -1}[mode]
    return monday + timedelta(days=7 * weeks + wd)  # calendar weeks, Monday first


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


def _settings(today: date) -> dict:
    # The base is the start of yesterday so that, with dates preferred from
    # the future, a month/day equal to today means today (not next year).
    return {
        "RELATIVE_BASE": datetime.combine(today - timedelta(days=1), time()),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _dateparser_date(
    phrase: str, year: int | None, month: int, day: int, weekday: int | None, *, today: date
) -> date:
    import dateparser  # imported on first use: it costs ~0.1 s and most phrases never need it

    parsed = dateparser.parse(phrase, languages=["en"], settings=_settings(today))
    if parsed is None:
        # dateparser refuses impossible dates such as Feb 30.
        raise DayError(f"there is no month {month} day {day}")
    if (parsed.month, parsed.day) != (month, day) or parsed.time() != time():
        raise DayError(f"could not read {phrase!r} as a date")
    if year is not None and parsed.year != year:
        raise DayError(f"could not read {phrase!r} as a date")
    if year is None and not today <= parsed.date() < date(today.year + 9, 1, 1):
        raise DayError(f"could not read {phrase!r} as a date")
    result = parsed.date()
    if weekday is not None and result.weekday() != weekday:
        raise DayError(f"{result:%d %b %Y} is a {WEEKDAY_NAMES[result.weekday()]}")
    return result


def warm() -> None:
    """Load dateparser's English data so the first real request does not pay for it."""
    import dateparser

    dateparser.parse("Dec 3", languages=["en"], settings=_settings(date(2026, 1, 1)))
