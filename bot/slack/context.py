"""Who did what, where: the few fields every listener reads off a Slack payload, typed once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class PayloadError(ValueError):
    """A payload without the fields every request of its kind carries."""


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    channel_id: str

    @classmethod
    def of_command(cls, body: Mapping[str, Any]) -> Actor:
        """A slash command's form fields."""
        try:
            return cls(str(body.get("team_id") or ""), str(body["user_id"]),
                       str(body["channel_id"]))
        except KeyError as e:
            raise PayloadError(f"slash command without {e.args[0]}") from None

    @classmethod
    def of_interaction(cls, body: Mapping[str, Any], channel_id: str | None = None) -> Actor:
        """A button press or a view submission (``channel_id`` for a view: it has none)."""
        user = body.get("user")
        if not isinstance(user, Mapping) or not user.get("id"):
            raise PayloadError("interaction without a user")
        team = body.get("team") if isinstance(body.get("team"), Mapping) else {}
        channel = body.get("channel") if isinstance(body.get("channel"), Mapping) else {}
        return cls(str(team.get("id") or ""), str(user["id"]),
                   channel_id if channel_id is not None else str(channel.get("id") or ""))
