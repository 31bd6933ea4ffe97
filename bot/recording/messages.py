"""What the outbox keeps: a recording's messages (and how its request was understood) as JSON,
and back.

Only the bot's own frozen dataclasses and enums, listed below, are written or read: a kept
message can never make the bot build anything else. Datetimes keep their offset, so a time
read back is the same instant in the same zone.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import date, datetime, timedelta
from typing import Any

from bot.recording.events import (
    FileReady,
    NotLiveYet,
    RecordFile,
    RecordingTrouble,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import (
    Managed,
    Outcome,
    Presentation,
    Reconciled,
    SeriesCancelled,
    State,
    Verb,
    ZoneFallback,
)
from bot.recording.report import (
    CompletenessReport,
    Gap,
    GapCause,
    RecordingWarning,
    Verdict,
    WarningKind,
    Why,
)
from bot.recording.scheduler import PartNotice, PartProblem, PartWithdrawn
from bot.timeparse import (
    Approximate,
    EndOnNextDay,
    InProgress,
    OpenEnded,
    ReadAs,
    ShorterReading,
    WeekdayReading,
)

_CLASSES: dict[str, type] = {c.__name__: c for c in (
    Outcome, Reconciled, Managed, FileReady, RecordFile, StreamLive, StreamStopped,
    RecordingTrouble, NotLiveYet, Presentation, EndOnNextDay, ShorterReading, WeekdayReading,
    Approximate, ReadAs, InProgress, OpenEnded, CompletenessReport, Gap, RecordingWarning,
    PartNotice, PartWithdrawn, SeriesCancelled,
)}
_ENUMS: dict[str, type[enum.Enum]] = {e.__name__: e for e in (
    State, Verb, ZoneFallback, Verdict, Why, GapCause, WarningKind, PartProblem)}


class UnreadableMessage(ValueError):
    """A kept message the bot cannot read back (written by a newer version, or damaged)."""


def _out(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return {"$enum": type(value).__name__, "v": value.value}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$seconds": value.total_seconds()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in _CLASSES:
            raise TypeError(f"{name} is not a message the outbox keeps")
        return {"$type": name, **{f.name: _out(getattr(value, f.name))
                                  for f in dataclasses.fields(value)}}
    if isinstance(value, tuple | list):
        return [_out(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _in(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_in(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "$enum" in value:
        return _ENUMS[value["$enum"]](value["v"])
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$seconds" in value:
        return timedelta(seconds=value["$seconds"])
    cls = _CLASSES[value["$type"]]
    return cls(**{k: _in(v) for k, v in value.items() if k != "$type"})


def dump(message: object) -> str:
    """A kept message's JSON (None for none)."""
    return json.dumps(_out(message), ensure_ascii=False, separators=(",", ":"))


def load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return _in(json.loads(text))
    except (KeyError, TypeError, ValueError) as e:
        raise UnreadableMessage(str(e)) from e
