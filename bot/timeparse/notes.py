"""Facts about how a window was read, for the answer to state so nothing is hidden.

``RecordingWindow.notes`` holds any of these (``WindowNote`` is the closed union):

* ``EndOnNextDay()`` — the end's clock time is earlier than the start's and no
  day was given for the end, so it was put on the next day ("11pm to 1am",
  "tomorrow 10pm to 8pm": the service asks before a window longer than 12 h).
* ``ShorterReading(longer_end)`` — neither end said am/pm and the end's clock
  time read as earlier than the start's; the reading with the shorter window
  was taken ("10:30-1:30" → 10:30–13:30), ``longer_end`` is the other one.
* ``WeekdayReading(chosen, other, say_other)`` — English "next friday" said on
  a day when it could also mean a week later: ``chosen`` was taken, ``other``
  is the other reading and ``say_other`` a phrase that gets it.
* ``Approximate(fragment)`` — "around 9pm", "9ish", "9点左右": the stated time was used.
* ``ReadAs(fragment, read_as)`` — a word corrected ("tommorow" → "tomorrow"),
  quoted as the user wrote it.
* ``InProgress()`` — a range with no day named whose today-reading had already
  started (start ≤ now < end): today's window was returned, start in the past.
* ``OpenEnded(until)`` — "by 11pm", "over the next 3 hours", "三小时内": the
  window runs from now (``until`` True when an end time, False for a length).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class EndOnNextDay:
    pass


@dataclass(frozen=True)
class ShorterReading:
    longer_end: datetime


@dataclass(frozen=True)
class WeekdayReading:
    chosen: date
    other: date
    say_other: str


@dataclass(frozen=True)
class Approximate:
    fragment: str


@dataclass(frozen=True)
class ReadAs:
    fragment: str
    read_as: str


@dataclass(frozen=True)
class InProgress:
    pass


@dataclass(frozen=True)
class OpenEnded:
    until: bool


WindowNote = (
    EndOnNextDay | ShorterReading | WeekdayReading | Approximate | ReadAs | InProgress | OpenEnded
)
