"""What a recording came to, against what was planned: the completeness report, and the
warnings said while its window is still open. Plain data (the Slack layer words it); the use
case that works them out is bot.recording.completeness.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from bot.recording.events import RecordFile
from bot.recording.model import Recording


class Verdict(enum.StrEnum):
    COMPLETE = "complete"  # the files cover the planned window (to a few seconds)
    PARTIAL = "partial"  # some of it
    NOTHING = "nothing"  # no file arrived
    UNKNOWN = "unknown"  # callbacks are not set up: the bot cannot know what was recorded


class Why(enum.StrEnum):
    """The likely reason nothing (or not all) was recorded, from what Tencent reported."""

    NEVER_PUSHED = "never pushed"  # no push of the stream inside the window
    PUSHED_BRIEFLY = "pushed briefly"  # pushed, but no file came of it
    START_FAILED = "start failed"  # record_start_failed
    RECORD_ERROR = "record error"  # record_error
    VOD_REFUSED = "vod refused"  # Tencent ended the recording, yet no file reached VOD
    TASK_MISSING = "task missing"  # DescribeRecordTask no longer lists the task


class GapCause(enum.StrEnum):
    BREAK = "break"  # the stream stopped (a break callback) and came back later, or not
    NOT_PUSHED = "not pushed"  # no push covers it
    UNKNOWN = "unknown"  # pushed, as far as the bot knows, yet no file covers it


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime
    cause: GapCause

    @property
    def seconds(self) -> int:
        return round((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class CompletenessReport:
    """A recording's window (``start``…``end``, cut at ``stopped_at`` when someone stopped it)
    against the files Tencent reported for its task."""

    start: datetime
    end: datetime
    verdict: Verdict
    files: tuple[RecordFile, ...] = ()
    covered_s: int = 0  # seconds of the window some file covers
    planned_s: int = 0
    gaps: tuple[Gap, ...] = ()
    why: Why | None = None
    pushed_s: int | None = None  # how long the stream was pushed inside the window, if known
    stopped_at: datetime | None = None
    callbacks: bool = True  # whether Tencent's callbacks are set up (files, pushes are heard)
    task_listed: bool | None = None  # DescribeRecordTask listed the task; None: not asked

    @property
    def coverage(self) -> float:
        """Percent of the planned window covered, 0–100 (rounded down to one decimal, so that
        99.96 % is never shown as 100 %)."""
        if self.planned_s <= 0:
            return 0.0
        return int(1000 * min(self.covered_s, self.planned_s) / self.planned_s) / 10

    @property
    def total_duration_s(self) -> int:
        return sum(f.duration_s or 0 for f in self.files)

    @property
    def total_size(self) -> int | None:
        sizes = [f.file_size for f in self.files if f.file_size is not None]
        return sum(sizes) if sizes else None

    @property
    def formats(self) -> tuple[str, ...]:
        seen: list[str] = []
        for f in self.files:
            fmt = (f.file_format or "").upper()
            if fmt and fmt not in seen:
                seen.append(fmt)
        return tuple(seen)


class WarningKind(enum.StrEnum):
    LIVE_NOT_RECORDING = "live not recording"  # live, but Tencent reported a record failure
    NO_FILE_AFTER_BREAK = "no file after break"  # a segment closed long ago, no file came


@dataclass(frozen=True)
class RecordingWarning:
    """Said in the thread while the window is open, once: the stream is live (or was), yet
    nothing seems to be recorded."""

    kind: WarningKind
    since: datetime  # the push, the failure, or the break the warning is about
    record_event: str | None = None  # LIVE_NOT_RECORDING: record_error | record_start_failed


@dataclass(frozen=True)
class Digest:
    """The daily digest of ``day`` (a date in ``zone``): the recordings whose window starts
    tomorrow, and those whose window ended yesterday (each with its completeness report in
    ``Recording.report`` once written) or that were never scheduled."""

    day: date
    zone: str
    tomorrow: tuple[Recording, ...]
    yesterday: tuple[Recording, ...]
    failures: tuple[Recording, ...]
