"""Tencent Live event callbacks (reference notes §4): the signature, the payloads, and what
makes two deliveries the same event.

Tencent POSTs one JSON object per event and redelivers it (up to 12 times, a minute apart)
until it gets HTTP 200 within ~20 s. Every event carries ``t``, the Unix time after which the
notification is void, and ``sign = md5(CallbackKey + t)``. The sign does not cover the body,
so the endpoint also refuses an expired ``t`` and deduplicates on the event's own identity.

Pure: no I/O, no clock of its own (``now`` is passed in), nothing about Slack or the store.
What an event is to the bot (``CallbackEvent``) is defined by the use cases, in
bot.recording.events; this module reads Tencent's format into it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from bot.recording.events import (
    BREAK,
    PUSH,
    RECORD_FILE,
    RECORD_STATUS,
    CallbackEvent,
    RecordFile,
    RecordStatus,
    StreamChange,
)

#: Where the bot serves the callbacks (in HTTP mode on PORT, in Socket Mode on CALLBACK_PORT).
CALLBACK_PATH: Final = "/tencent/callback"

#: The largest body accepted; real events are well under 4 KiB.
MAX_BODY_BYTES: Final = 64 * 1024

#: The dedupe column is String(255); longer keys are shortened to a hash.
_MAX_KEY = 200

# Bounds that keep a payload inside the store's columns (PostgreSQL enforces VARCHAR lengths).
_LIMITS: Final = {"stream": 256, "domain": 256, "app": 128, "task_id": 128, "text": 4096}

# Unix times the bot can represent: after 1970 and before 2242.
_MAX_TIME = 2**33

#: How far ahead of now a ``t`` may be. Tencent sets ``t`` to the send time plus the
#: notification's validity, 10 minutes by default; a day is far beyond that (and any clock
#: skew), so no genuine callback is refused, while a ``t``/``sign`` pair with a ``t`` years
#: ahead (which signs any body, as the sign does not cover it) is worth at most a day.
MAX_T_AHEAD: Final = 24 * 3600

class CallbackRejected(Exception):
    """The request cannot be accepted: ``status`` is 400 (unreadable) or 401 (not from Tencent,
    or expired). ``reason`` is safe to log: it never contains the key or the sign."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --------------------------------------------------------------------------------------------
# The signature
# --------------------------------------------------------------------------------------------


def expected_sign(key: str, t: int | str) -> str:
    """``md5(key + t)`` as lowercase hex, ``t`` in decimal: what Tencent sends as ``sign``."""
    return hashlib.md5((key + str(t)).encode()).hexdigest()


def verify_sign(key: str, payload: Mapping[str, Any], now: float) -> int:
    """Check ``sign`` in constant time, that ``t`` has not passed and that it is at most
    ``MAX_T_AHEAD`` seconds ahead of ``now``; returns ``t``.

    Raises ``CallbackRejected(401, …)`` otherwise. The sign is compared before the times so
    that an expired but genuine request and a forged one take the same time to refuse.
    """
    raw_t, sign = payload.get("t"), payload.get("sign")
    if isinstance(raw_t, bool) or not isinstance(raw_t, int | str) or not isinstance(sign, str):
        raise CallbackRejected(401, "no t or sign")
    text_t = str(raw_t).strip()
    if not text_t.isascii() or not text_t.isdigit():
        raise CallbackRejected(401, "t is not a Unix time")
    expected = expected_sign(key, text_t).encode()
    if not hmac.compare_digest(expected, sign.strip().lower().encode("utf-8", "replace")):
        raise CallbackRejected(401, "bad sign")
    t = int(text_t)
    if t < now:
        raise CallbackRejected(401, f"expired: t was {int(now) - t} s ago")
    if t > now + MAX_T_AHEAD:
        raise CallbackRejected(401, f"t is {t - int(now)} s ahead, more than {MAX_T_AHEAD} s")
    return t


# --------------------------------------------------------------------------------------------
# The payloads
# --------------------------------------------------------------------------------------------


def read_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body; ``CallbackRejected(400)`` for anything else."""
    if len(body) > MAX_BODY_BYTES:
        raise CallbackRejected(400, f"body over {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise CallbackRejected(400, "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise CallbackRejected(400, "the body is not a JSON object")
    return payload


def parse_event(payload: Mapping[str, Any]) -> CallbackEvent:
    """Read one event; ``CallbackRejected(400, …)`` names the field that is missing or wrong.

    Types Tencent documents loosely are accepted both ways: numbers as JSON numbers or decimal
    strings (``push_duration`` is a string), identifiers as strings or numbers.
    """
    event_type = _int(payload, "event_type", required=True)
    assert event_type is not None
    stream = _text(payload, "stream_id", "stream") or _text(payload, "channel_id", "stream")
    task_id = _text(payload, "task_id", "task_id")
    detail: StreamChange | RecordFile | RecordStatus | None
    if event_type in (PUSH, BREAK):
        domain = _required(_text(payload, "app", "domain"), "app")
        app = _required(_text(payload, "appname", "app"), "appname")
        stream = _required(stream, "stream_id")
        detail = StreamChange(
            sequence=_text(payload, "sequence", "text"),
            push_duration_ms=_int(payload, "push_duration"),
            errcode=_int(payload, "errcode", signed=True),
            errmsg=_text(payload, "errmsg", "text") or "",
        )
        event_time = _time(payload, "event_time")
    elif event_type == RECORD_FILE:
        domain, app = _text(payload, "app", "domain"), _text(payload, "appname", "app")
        video_url = _required(_text(payload, "video_url", "text"), "video_url")
        start, end = _time(payload, "start_time"), _time(payload, "end_time")
        detail = RecordFile(
            file_id=_text(payload, "file_id", "text") or _text(payload, "record_file_id", "text"),
            file_format=(_text(payload, "file_format", "text") or "").lower(),
            video_url=video_url,
            start=start,
            end=end,
            duration_s=_int(payload, "duration"),
            file_size=_int(payload, "file_size"),
        )
        event_time = end or start
    elif event_type == RECORD_STATUS:
        domain, app = _text(payload, "domain", "domain"), _text(payload, "appname", "app")
        record_event = _required(_text(payload, "record_event", "text"), "record_event")
        session_id = _text(payload, "session_id", "task_id")
        detail = RecordStatus(record_event=record_event, session_id=session_id,
                              seq=_text(payload, "seq", "text"))
        task_id = task_id or session_id
        event_time = _time(payload, "event_time")
    else:
        domain = _text(payload, "app", "domain") or _text(payload, "domain", "domain")
        app = _text(payload, "appname", "app")
        detail, event_time = None, _time(payload, "event_time")
    return CallbackEvent(
        event_type=event_type,
        dedupe_key=dedupe_key(event_type, payload, detail, task_id),
        stream=stream,
        domain=domain,
        app=app,
        task_id=task_id,
        event_time=event_time,
        detail=detail,
    )


def dedupe_key(
    event_type: int,
    payload: Mapping[str, Any],
    detail: StreamChange | RecordFile | RecordStatus | None,
    task_id: str | None,
) -> str:
    """What is the same for every delivery of one event and differs between events.

    * file (100): the task and the file (file_id, else record_file_id, else video_url);
    * push / break (1 / 0): the push session's ``sequence`` and the type (a push and its
      break share the sequence);
    * status (332): the session, the message's ``seq`` and the ``record_event``;
    * otherwise: an md5 of the payload without ``t`` and ``sign`` (which could be renewed
      on a redelivery).
    """
    parts: list[str] | None = None
    if isinstance(detail, RecordFile):
        which = detail.file_id or detail.video_url
        parts = [task_id or "-", which]
    elif isinstance(detail, StreamChange) and detail.sequence:
        parts = [detail.sequence]
    elif isinstance(detail, RecordStatus) and (detail.session_id or detail.seq):
        parts = [detail.session_id or "-", detail.seq or "-", detail.record_event]
    if parts is None:
        return f"{event_type}:md5:{payload_digest(payload)}"
    key = f"{event_type}:" + ":".join(parts)
    if len(key) > _MAX_KEY:
        key = f"{event_type}:md5:" + hashlib.md5(":".join(parts).encode()).hexdigest()
    return key


def payload_digest(payload: Mapping[str, Any]) -> str:
    return hashlib.md5(canonical_json(stored_payload(payload)).encode()).hexdigest()


def stored_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the bot keeps it: without ``sign`` (replayable until ``t``) or ``t``."""
    return {k: v for k, v in payload.items() if k not in ("sign", "t")}


def canonical_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ---- field readers --------------------------------------------------------------------------


def _required(value: str | None, name: str) -> str:
    if not value:
        raise CallbackRejected(400, f"missing field {name}")
    return value


def _text(payload: Mapping[str, Any], name: str, limit_kind: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CallbackRejected(400, f"field {name} must be a string")
    text = str(value).strip()
    if len(text) > _LIMITS.get(limit_kind, _LIMITS["text"]):
        raise CallbackRejected(400, f"field {name} is too long")
    return text or None


def _int(payload: Mapping[str, Any], name: str, *, required: bool = False,
         signed: bool = False) -> int | None:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise CallbackRejected(400, f"missing field {name}")
        return None
    if isinstance(value, bool):
        raise CallbackRejected(400, f"field {name} must be a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.isascii():
        number = int(value.strip())
    else:
        raise CallbackRejected(400, f"field {name} must be a number")
    if number < 0 and not signed:
        raise CallbackRejected(400, f"field {name} must not be negative")
    if abs(number) >= 2**63:
        raise CallbackRejected(400, f"field {name} is out of range")
    return number


def _time(payload: Mapping[str, Any], name: str) -> datetime | None:
    seconds = _int(payload, name)
    if seconds is None or seconds == 0:
        return None
    if seconds >= _MAX_TIME:
        raise CallbackRejected(400, f"field {name} is not a Unix time")
    return datetime.fromtimestamp(seconds, UTC)
