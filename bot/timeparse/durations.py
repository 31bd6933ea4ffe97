"""Durations in words, the one English formatter: "1 h 30 min", "1 d 6 h", "26 h"."""

from __future__ import annotations

from datetime import timedelta


def format_duration(delta: timedelta, days: bool = True) -> str:
    """ "1 h 30 min"; with ``days=False`` hours are not folded into days ("26 h")."""
    minutes = round(delta.total_seconds() / 60)
    n_days, rem = divmod(minutes, 24 * 60) if days else (0, minutes)
    hours, mins = divmod(rem, 60)
    parts = [f"{n_days} d"] if n_days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)
