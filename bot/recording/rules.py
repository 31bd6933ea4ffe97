"""Tencent's rules for a recording window, checked before calling so the user hears why.

CreateRecordTask: EndTime > StartTime, EndTime > now, EndTime − StartTime ≤ 24 h,
EndTime < now + 7 days. Each violation names the rule and suggests something that would work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DURATION = timedelta(hours=24)
MAX_AHEAD = timedelta(days=7)


@dataclass(frozen=True)
class WindowRuleError(Exception):
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def format_duration(delta: timedelta, days: bool = True) -> str:
    """ "1 h 30 min"; with ``days=False`` hours are not folded into days ("26 h")."""
    minutes = round(delta.total_seconds() / 60)
    days, rem = divmod(minutes, 24 * 60) if days else (0, minutes)
    hours, mins = divmod(rem, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


def check_window(start: datetime, end: datetime, now: datetime) -> None:
    """Raise WindowRuleError for the first rule the window breaks."""
    if end <= start:
        raise WindowRuleError(
            "end-after-start",
            f"The end ({end:%a %d %b %H:%M}) is not after the start ({start:%a %d %b %H:%M}). "
            "A recording must end after it starts — e.g. `tomorrow 8pm to 10pm`.",
        )
    if end <= now:
        raise WindowRuleError(
            "end-in-future",
            f"That window ended already ({end:%a %d %b %H:%M}). Tencent only records windows "
            "that end in the future — e.g. `tomorrow 8pm to 10pm` or `in 10 minutes for 1 hour`.",
        )
    if end - start > MAX_DURATION:
        raise WindowRuleError(
            "max-24h",
            f"That is {format_duration(end - start, days=False)}; the longest single recording "
            "is 24 h. "
            "Shorten it, or split it into requests of up to 24 h each — e.g. "
            "`tomorrow 8am to 8pm`.",
        )
    if end >= now + MAX_AHEAD:
        latest = now + MAX_AHEAD
        raise WindowRuleError(
            "within-7-days",
            f"That ends {format_duration(end - now)} from now; Tencent only accepts recordings "
            f"that end within 7 days (before {latest:%a %d %b %H:%M}). Schedule it again "
            "closer to the date.",
        )
