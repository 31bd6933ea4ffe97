"""The payloads Slack would deliver over Socket Mode for what a person does in the shell.

Same fields, same shapes as Slack's (slash commands, button clicks, form submissions), so the
bot's Bolt listeners cannot tell the shell from a workspace.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.shell.render import Button


@dataclass(frozen=True)
class Actor:
    """Who is typing, and where: the one user and channel of the shell's workspace."""

    team_id: str
    team_domain: str
    app_id: str
    user_id: str
    user_name: str
    channel_id: str
    channel_name: str

    @property
    def team(self) -> dict[str, str]:
        return {"id": self.team_id, "domain": self.team_domain}

    @property
    def user(self) -> dict[str, str]:
        return {"id": self.user_id, "username": self.user_name, "name": self.user_name,
                "team_id": self.team_id}


def slash_command(actor: Actor, command: str, text: str, response_url: str,
                  trigger_id: str) -> dict[str, Any]:
    """A ``slash_commands`` envelope payload: Slack sends the form fields, all strings."""
    return {
        "token": "shell-verification-token",
        "team_id": actor.team_id,
        "team_domain": actor.team_domain,
        "channel_id": actor.channel_id,
        "channel_name": actor.channel_name,
        "user_id": actor.user_id,
        "user_name": actor.user_name,
        "command": command,
        "text": text,
        "api_app_id": actor.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_actions(actor: Actor, button: Button, channel_id: str, message_ts: str,
                  is_ephemeral: bool, response_url: str, trigger_id: str) -> dict[str, Any]:
    """An ``interactive`` payload for a button press (after its confirm dialog, if any)."""
    action: dict[str, Any] = {
        "type": "button", "action_id": button.action_id, "block_id": button.block_id,
        "text": {"type": "plain_text", "text": button.label, "emoji": True},
        "action_ts": f"{time.time():.6f}",
    }
    if button.value is not None:
        action["value"] = button.value
    if button.style:
        action["style"] = button.style
    return {
        "type": "block_actions",
        "team": actor.team,
        "user": actor.user,
        "api_app_id": actor.app_id,
        "token": "shell-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                      "is_ephemeral": is_ephemeral},
        "trigger_id": trigger_id,
        "channel": {"id": channel_id, "name": actor.channel_name},
        "message": {"type": "message", "ts": message_ts, "text": ""},
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(actor: Actor, view: Mapping[str, Any], values: Mapping[str, Any],
                    trigger_id: str) -> dict[str, Any]:
    """A ``view_submission``: the opened view with ``state.values`` as the person filled it."""
    submitted = {**view, "state": {"values": dict(values)}}
    return {
        "type": "view_submission",
        "team": actor.team,
        "user": actor.user,
        "api_app_id": actor.app_id,
        "token": "shell-verification-token",
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(actor: Actor, view: Mapping[str, Any]) -> dict[str, Any]:
    """Sent only when the view asked for it (``notify_on_close``) and the person cancelled."""
    return {
        "type": "view_closed",
        "team": actor.team,
        "user": actor.user,
        "api_app_id": actor.app_id,
        "token": "shell-verification-token",
        "view": dict(view),
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }
