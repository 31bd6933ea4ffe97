"""The one table of what each time of day covers ("morning", "晚上"…)."""

from __future__ import annotations

from .tokens import Period

#: The 24-hour hours each time of day covers (a clock time outside clashes).
HOURS: dict[Period, frozenset[int]] = {
    Period.EARLY: frozenset(range(0, 7)),
    Period.MORNING: frozenset(range(0, 13)),
    Period.NOON: frozenset(range(11, 16)),
    Period.AFTERNOON: frozenset(range(12, 20)),
    Period.DUSK: frozenset(range(15, 21)),
    Period.EVENING: frozenset([*range(17, 24), *range(0, 5)]),
    Period.NIGHT: frozenset([*range(17, 24), *range(0, 5)]),
}


def fits(period: Period, hour24: int) -> bool:
    return hour24 in HOURS[period]


def with_period(hour: int, twenty_four: bool, period: Period) -> tuple[int, int] | None:
    """24-hour reading (hour, day shift) of a clock hour qualified by a time of day.

    ``twenty_four``: the hour is already 24-hour (20点, 20:00) and is only
    checked. None when the two clash ("上午20点"). In the evening and at
    night 12 is midnight and 1-4 are the small hours of the next day.
    """
    late = period in (Period.EVENING, Period.NIGHT)
    if twenty_four:
        if not fits(period, hour):
            return None
        return hour, 1 if late and hour < 5 else 0
    if late:
        if hour == 12:
            return 0, 1
        if hour <= 4:
            return hour, 1
    for h24 in (12, 0) if hour == 12 else (hour, hour + 12):
        if fits(period, h24) and not (late and h24 < 5):
            return h24, 0
    return None
