"""parse_schedule (stub, filled in below)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .window import RecordingWindow, parse_window


@dataclass(frozen=True)
class Repeat:
    rrule: str


def strip_repeat(text: str) -> str | None:
    return text


def parse_schedule(text: str, now: datetime) -> RecordingWindow | Repeat:
    return parse_window(text, now)
