"""Tencent Live's events as the bot understands them, and what it tells a thread about them.

``CallbackEvent`` is what Tencent reported (bot.tencent.callbacks reads it off the wire); a
``Notice`` is what one recording's thread is told (bot.recording.callbacks decides which).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

PUSH: Final = 1  # 推流: the stream started
BREAK: Final = 0  # 断流: the stream stopped
RECORD_FILE: Final = 100  # a recording file is ready
RECORD_STATUS: Final = 332  # recording started / failed / paused / resumed / errored / ended

HANDLED_TYPES: Final = frozenset({PUSH, BREAK, RECORD_FILE, RECORD_STATUS})

RECORD_EVENTS: Final = frozenset({
    "record_start_succeeded", "record_start_failed", "record_paused", "record_resumed",
    "record_error", "record_ended",
})


@dataclass(frozen=True)
class StreamChange:
    """Push (event_type 1) or break (0) of one push session."""

    sequence: str | None  # shared by the push and the break of one session
    push_duration_ms: int | None  # break only
    errcode: int | None
    errmsg: str


@dataclass(frozen=True)
class RecordFile:
    """One recording file (event_type 100); a task can make several."""

    file_id: str | None
    file_format: str
    video_url: str
    start: datetime | None
    end: datetime | None
    duration_s: int | None
    file_size: int | None  # bytes


@dataclass(frozen=True)
class RecordStatus:
    """A change in a recording's state (event_type 332)."""

    record_event: str
    session_id: str | None  # the recording task, per the docs (unverified)
    seq: str | None


@dataclass(frozen=True)
class CallbackEvent:
    """One event as the bot keeps it: who it is about, and what happened."""

    event_type: int
    dedupe_key: str
    stream: str | None
    domain: str | None
    app: str | None
    task_id: str | None
    event_time: datetime | None
    detail: StreamChange | RecordFile | RecordStatus | None  # None: a type the bot ignores

    @property
    def is_push(self) -> bool:
        return self.event_type == PUSH


# ---- what a thread is told -------------------------------------------------------------------


@dataclass(frozen=True)
class FileReady:
    file: RecordFile


@dataclass(frozen=True)
class StreamLive:
    at: datetime | None  # when Tencent saw the push
    before_window: bool = False  # the push came before the window opened


@dataclass(frozen=True)
class StreamStopped:
    at: datetime | None
    pushed_for_ms: int | None  # push_duration
    errcode: int | None
    errmsg: str


@dataclass(frozen=True)
class RecordingTrouble:
    record_event: str  # record_start_failed | record_error


@dataclass(frozen=True)
class NotLiveYet:
    since: datetime  # the window's start


Notice = FileReady | StreamLive | StreamStopped | RecordingTrouble | NotLiveYet
