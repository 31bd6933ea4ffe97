"""What buttons carry: action ids, and the values the bot reads back when one is pressed.

A value is at most 2,000 characters and comes back as written, so it holds what the bot needs
to act without guessing: a recording id, a listing page, or a whole plan (the absolute window,
not the phrase, so a press minutes later schedules what was shown).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from bot.recording.model import Plan, RecordRequest
from bot.recording.schedule import Confirm
from bot.timeparse import RecordingWindow

STOP_ACTION = "recording_stop"
CANCEL_ACTION = "recording_cancel"
LIST_MORE_ACTION = "list_page"
OVERLAP_CONFIRM_ACTION = "overlap_confirm"
LONG_CONFIRM_ACTION = "long_confirm"
FORM_CALLBACK_ID = "record_form"
HOME_NEW_ACTION = "home_schedule"  # App Home: "Schedule a recording"
GLOBAL_SHORTCUT_ID = "record_schedule"  # the global shortcut "Schedule a recording"
MESSAGE_SHORTCUT_ID = "record_from_message"  # the message shortcut "Record this"
SERIES_CANCEL_ACTION = "series_cancel"
SKIP_ACTION = "series_skip"


class StaleValue(ValueError):
    """A button value the bot cannot read (an old message, or not the bot's)."""


def recording_value(recording_id: int) -> str:
    return str(recording_id)


def recording_from_value(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise StaleValue(value) from None


def skip_value(series_id: int, occurrence: int) -> str:
    return f"{series_id}:{occurrence}"


def skip_from_value(value: str | None) -> tuple[int, int]:
    try:
        series, occurrence = (value or "").split(":")
        return int(series), int(occurrence)
    except ValueError:
        raise StaleValue(value) from None


def page_value(stream: str | None, page: int) -> str:
    return json.dumps({"stream": stream, "page": page})


def page_from_value(value: str | None) -> tuple[str | None, int]:
    try:
        wanted = json.loads(value or "{}")
        return wanted.get("stream"), int(wanted.get("page", 0))
    except (ValueError, AttributeError, TypeError):
        return None, 0


def plan_to_value(plan: Plan, confirmed: Iterable[Confirm] = ()) -> str:
    """The plan, and what its requester already confirmed."""
    req = plan.request
    data = {
        "team": req.team_id, "channel": req.channel_id, "user": req.user_id,
        "stream": req.stream, "when": req.when_text[:300], "domain": req.domain,
        "app": req.app, "template": req.template_id, "type": req.stream_type,
        "source": req.source, "start": plan.start.isoformat(), "end": plan.end.isoformat(),
        "zone": plan.zone, "understood": plan.window.description[:200],
        "asked_start": plan.requested_start.isoformat() if plan.requested_start else None,
        "confirmed": sorted(str(c) for c in confirmed), "lang": req.language,
    }
    return json.dumps(data, ensure_ascii=False)


def plan_from_value(value: str | None) -> tuple[Plan, frozenset[Confirm]]:
    try:
        d = json.loads(value or "")
        request = RecordRequest(
            team_id=d["team"], channel_id=d["channel"], user_id=d["user"], stream=d["stream"],
            when_text=d["when"], domain=d["domain"], app=d["app"], template_id=d["template"],
            stream_type=d["type"], raw_text=d["when"], source=d["source"],
            language=str(d.get("lang") or "en"),
        )
        start, end = datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"])
        asked = datetime.fromisoformat(d["asked_start"]) if d.get("asked_start") else None
        confirmed = frozenset(Confirm(c) for c in d.get("confirmed", ()))
    except (ValueError, KeyError, TypeError) as e:
        raise StaleValue(str(value)[:80]) from e
    window = RecordingWindow(asked or start, end, d.get("understood", ""), d["zone"])
    return Plan(request, window, start, end, d["zone"], requested_start=asked), confirmed
