"""Build requests the way Slack sends them to the bot's HTTP endpoint, signed.

End-to-end tests POST these bodies to the running app (``/slack/events``), so the bot's request
verification, body parsing and Bolt routing are all exercised; the dict builders also serve as
Socket Mode envelope payloads, which carry the same fields.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.sandbox.slack.state import DEFAULT_APP_ID, DEFAULT_TEAM_ID

DEFAULT_USER_ID = "U0TESTUSER"
DEFAULT_CHANNEL_ID = "C0TESTCHAN"
DEFAULT_TRIGGER_ID = "1337.42.fake-trigger"


def fresh_trigger() -> str:
    """A trigger id of its own, as Slack gives every command, press and submission."""
    return f"{time.monotonic_ns()}.42.fake-trigger"
DEFAULT_RESPONSE_URL = "https://hooks.slack.com/commands/T0FAKE001/1/fake"

#: Shape of ``view.state.values``: block_id -> action_id -> element state.
StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack would send with ``body``: v0 signature, timestamp and form content type.

    Pass an old ``timestamp`` to test replay protection (Bolt rejects anything > 5 min old).
    """
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def slash_command_payload(
    text: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    team_id: str = DEFAULT_TEAM_ID,
    response_url: str = DEFAULT_RESPONSE_URL,
    trigger_id: str | None = None,
    command: str = "/record",
    user_name: str = "tester",
    channel_name: str = "test-channel",
) -> dict[str, str]:
    """The fields of a slash command invocation (a Socket Mode ``slash_commands`` payload)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "fake-workspace",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": DEFAULT_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or fresh_trigger(),
    }


def slash_command_body(
    text: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    team_id: str = DEFAULT_TEAM_ID,
    response_url: str = DEFAULT_RESPONSE_URL,
    trigger_id: str | None = None,
    command: str = "/record",
) -> str:
    """A slash command as the form-encoded body Slack POSTs to the app."""
    payload = slash_command_payload(
        text,
        user_id=user_id,
        channel_id=channel_id,
        team_id=team_id,
        response_url=response_url,
        trigger_id=trigger_id,
        command=command,
    )
    return urlencode(payload)


def interaction_body(payload: Mapping[str, Any]) -> str:
    """An interactivity request body: ``payload=<urlencoded JSON>``, as Slack sends it."""
    return urlencode({"payload": json.dumps(payload)})


def plain_text_value(value: str) -> dict[str, str]:
    """The ``state.values`` entry of a ``plain_text_input`` holding ``value``."""
    return {"type": "plain_text_input", "value": value}


def view_submission_payload(
    values: StateValues,
    *,
    callback_id: str | None = None,
    private_metadata: str | None = None,
    user_id: str = DEFAULT_USER_ID,
    team_id: str = DEFAULT_TEAM_ID,
    view: Mapping[str, Any] | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A ``view_submission`` interaction for a modal whose inputs hold ``values``.

    Pass the ``view`` the bot opened (e.g. ``fake.views()[-1]``) to submit that very view;
    ``callback_id`` and ``private_metadata`` override what it carries.
    """
    submitted: dict[str, Any] = {
        "id": "V0FAKE0001",
        "type": "modal",
        "team_id": team_id,
        "app_id": DEFAULT_APP_ID,
        "callback_id": "",
        "private_metadata": "",
        "blocks": [],
        "hash": "1764000000.00000001",
        "previous_view_id": None,
        **(view or {}),
    }
    submitted["state"] = {"values": {k: dict(v) for k, v in values.items()}}
    if callback_id is not None:
        submitted["callback_id"] = callback_id
    if private_metadata is not None:
        submitted["private_metadata"] = private_metadata
    submitted.setdefault("root_view_id", submitted["id"])
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": {"id": user_id, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": DEFAULT_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or fresh_trigger(),
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_action_payload(
    action_id: str,
    value: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    team_id: str = DEFAULT_TEAM_ID,
    message_ts: str = "",
    response_url: str = DEFAULT_RESPONSE_URL,
    block_id: str = "manage",
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` interaction: someone clicked a button (after any confirm dialog)."""
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": {"id": user_id, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": DEFAULT_APP_ID,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                      "is_ephemeral": False},
        "trigger_id": trigger_id or fresh_trigger(),
        "channel": {"id": channel_id, "name": "test-channel"},
        "message": {"type": "message", "ts": message_ts, "text": ""},
        "response_url": response_url,
        "actions": [{
            "action_id": action_id, "block_id": block_id, "value": value, "type": "button",
            "action_ts": f"{time.time():.6f}",
        }],
    }


def event_body(event: Mapping[str, Any], team_id: str = DEFAULT_TEAM_ID) -> str:
    """An Events API delivery (``event_callback``) as Slack POSTs it: JSON."""
    return json.dumps({
        "token": "legacy-verification-token", "team_id": team_id, "api_app_id": DEFAULT_APP_ID,
        "event": dict(event), "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}", "event_time": int(time.time()),
    })


def app_home_opened_event(user_id: str = DEFAULT_USER_ID) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user_id, "channel": "D0HOMECHAN", "tab": "home",
            "event_ts": f"{time.time():.6f}"}


def home_action_payload(action_id: str, value: str, *, user_id: str = DEFAULT_USER_ID,
                        team_id: str = DEFAULT_TEAM_ID,
                        trigger_id: str | None = None) -> dict[str, Any]:
    """A ``block_actions`` from a button on the App Home tab: no channel, no response_url."""
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": {"id": user_id, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": DEFAULT_APP_ID, "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME0001"},
        "trigger_id": trigger_id or fresh_trigger(),
        "view": {"id": "V0HOME0001", "type": "home", "callback_id": "", "private_metadata": "",
                 "blocks": [], "state": {"values": {}}},
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                     "action_ts": f"{time.time():.6f}"}],
    }


def global_shortcut_payload(callback_id: str, *, user_id: str = DEFAULT_USER_ID,
                            team_id: str = DEFAULT_TEAM_ID,
                            trigger_id: str | None = None) -> dict[str, Any]:
    return {"type": "shortcut", "callback_id": callback_id, "token": "legacy-verification-token",
            "action_ts": f"{time.time():.6f}",
            "team": {"id": team_id, "domain": "fake-workspace"},
            "user": {"id": user_id, "username": "tester", "team_id": team_id},
            "trigger_id": trigger_id or fresh_trigger()}


def message_shortcut_payload(callback_id: str, text: str, *, user_id: str = DEFAULT_USER_ID,
                             channel_id: str = DEFAULT_CHANNEL_ID,
                             team_id: str = DEFAULT_TEAM_ID, message_ts: str = "1700000000.0001",
                             response_url: str = "https://hooks.slack.test/actions/x",
                             trigger_id: str | None = None) -> dict[str, Any]:
    return {"type": "message_action", "callback_id": callback_id,
            "token": "legacy-verification-token", "action_ts": f"{time.time():.6f}",
            "team": {"id": team_id, "domain": "fake-workspace"},
            "user": {"id": user_id, "username": "tester", "team_id": team_id},
            "channel": {"id": channel_id, "name": "test-channel"},
            "message": {"type": "message", "user": "U0OTHER", "ts": message_ts, "text": text},
            "message_ts": message_ts, "response_url": response_url,
            "trigger_id": trigger_id or fresh_trigger()}
