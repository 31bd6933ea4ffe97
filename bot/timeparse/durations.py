"""The bot's one English duration formatter: "2 h", "1 h 30 min", "1 d 6 h"."""

from __future__ import annotations

from datetime import timedelta


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


def format_length(delta: timedelta) -> str:
    """format_duration, with seconds shown when the length is not whole minutes ("2 min 15 s")."""
    total = delta.total_seconds()
    whole = int(total)
    if whole == total and whole % 60 and 0 < whole < 3600:
        mins, secs = divmod(whole, 60)
        return f"{mins} min {secs} s" if mins else f"{secs} s"
    return format_duration(delta)
