"""Slack Web API semantics of the fake, independent of HTTP.

Each supported method is a small function of the parsed parameters that either returns the
``ok`` response body or raises :class:`SlackApiFailure` with Slack's error code. Only behaviour
the bot (or a test of it) can observe is modelled: ids and timestamps, stored messages and views,
and the error codes Slack documents for the situations the bot must handle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from bot.sandbox.slack.state import FakeChannel, SlackWorkspace

#: Limits Slack enforces on messages (docs.slack.dev "blocks" and chat.postMessage).
MAX_MESSAGE_BLOCKS = 50
MAX_MESSAGE_TEXT = 40_000

#: Methods that must be called with the app-level (``xapp-``) token; all others want the bot's.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class SlackApiFailure(Exception):
    """A Slack error answer: ``{"ok": false, "error": error}`` plus optional detail messages."""

    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


class ConnectionUrlIssuer(Protocol):
    """Hands out Socket Mode websocket URLs (implemented by the Socket Mode server)."""

    def issue_url(self, public_base: str) -> str: ...


@dataclass(frozen=True)
class ApiRequest:
    """A parsed Web API call. ``public_base`` is the URL the caller reached the fake at."""

    method: str
    params: Mapping[str, Any]
    token: str | None
    public_base: str

    def get(self, name: str) -> str | None:
        value = self.params.get(name)
        return None if value is None or value == "" else str(value)

    def require(self, name: str, error: str) -> str:
        value = self.get(name)
        if value is None:
            raise SlackApiFailure(error, f"missing required field: {name}")
        return value


@dataclass(frozen=True)
class ApiAnswer:
    """What to send back: a JSON body, its HTTP status and any extra headers."""

    body: dict[str, Any]
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[ApiRequest], dict[str, Any]]


class WebApi:
    """Dispatches Web API calls to the fake's method implementations."""

    def __init__(self, workspace: SlackWorkspace, socket_mode: ConnectionUrlIssuer) -> None:
        self._ws = workspace
        self._socket_mode = socket_mode
        self._handlers: dict[str, Handler] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    @property
    def methods(self) -> list[str]:
        """Methods with real behaviour; any other method is recorded and answered ``ok``."""
        return sorted(self._handlers)

    def call(self, request: ApiRequest) -> ApiAnswer:
        """Answer one call. API errors become error answers; this never raises for them.

        Order matters and follows Slack: a bad token is reported before anything else, then an
        injected failure (see :class:`FailurePlan`) pre-empts the method's real behaviour.
        """
        try:
            self._authorize(request)
        except SlackApiFailure as failure:
            return ApiAnswer(failure.body())
        if plan := self._ws.take_failure(request.method):
            return ApiAnswer({"ok": False, "error": plan.error}, plan.status, plan.headers())
        handler = self._handlers.get(request.method, _generic_ok)
        try:
            return ApiAnswer(handler(request))
        except SlackApiFailure as failure:
            return ApiAnswer(failure.body())

    def _authorize(self, request: ApiRequest) -> None:
        if request.method == "api.test":
            return
        if not request.token:
            raise SlackApiFailure("not_authed")
        wants_app_token = request.method in APP_TOKEN_METHODS
        if request.token not in (self._ws.bot_token, self._ws.app_token):
            raise SlackApiFailure("invalid_auth")
        is_app_token = request.token == self._ws.app_token
        if wants_app_token != is_app_token and request.method != "auth.test":
            raise SlackApiFailure("not_allowed_token_type")

    # -- identity ------------------------------------------------------------------------------

    def _api_test(self, request: ApiRequest) -> dict[str, Any]:
        return {"ok": True, "args": dict(request.params)}

    def _auth_test(self, request: ApiRequest) -> dict[str, Any]:
        ws = self._ws
        return {
            "ok": True,
            "url": "https://fake-workspace.slack.com/",
            "team": "Fake Workspace",
            "user": "recordbot",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, request: ApiRequest) -> dict[str, Any]:
        return {"ok": True, "url": self._socket_mode.issue_url(request.public_base)}

    # -- messages ------------------------------------------------------------------------------

    def _chat_post_message(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._postable_channel(request)
        message = self._new_message(request)
        if thread_ts := request.get("thread_ts"):
            message["thread_ts"] = thread_ts
        self._ws.store_message(channel.id, message)
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._postable_channel(request)
        user = request.require("user", "user_not_found")
        message = {**self._new_message(request), "channel": channel.id, "user": user}
        if thread_ts := request.get("thread_ts"):
            message["thread_ts"] = thread_ts
        self._ws.store_ephemeral(message)
        return {"ok": True, "message_ts": message["ts"]}

    def _chat_update(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._existing_channel(request)
        ts = request.require("ts", "message_not_found")
        changes = _message_content(request.params, require_content=False)
        updated = self._ws.update_message(channel.id, ts, changes)
        if updated is None:
            raise SlackApiFailure("message_not_found")
        return {
            "ok": True,
            "channel": channel.id,
            "ts": ts,
            "text": updated.get("text", ""),
            "message": updated,
        }

    def _new_message(self, request: ApiRequest) -> dict[str, Any]:
        ws = self._ws
        return {
            "type": "message",
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "team": ws.team_id,
            "ts": ws.next_ts(),
            **_message_content(request.params, require_content=True),
        }

    def _existing_channel(self, request: ApiRequest) -> FakeChannel:
        channel = self._ws.channel(request.require("channel", "channel_not_found"))
        if not channel.exists:
            raise SlackApiFailure("channel_not_found")
        return channel

    def _postable_channel(self, request: ApiRequest) -> FakeChannel:
        channel = self._existing_channel(request)
        if not channel.bot_is_member:
            raise SlackApiFailure("not_in_channel")
        return channel

    def _chat_get_permalink(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._existing_channel(request)
        ts = request.require("message_ts", "message_not_found")
        if self._ws.message(channel.id, ts) is None:
            raise SlackApiFailure("message_not_found")
        link = f"https://fake-workspace.slack.test/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel.id, "permalink": link}

    # -- conversations -------------------------------------------------------------------------

    def _conversations_info(self, request: ApiRequest) -> dict[str, Any]:
        return {"ok": True, "channel": self._existing_channel(request).to_api()}

    def _conversations_history(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._existing_channel(request)
        newest_first = list(reversed(self._ws.messages(channel.id)))
        return {"ok": True, "messages": newest_first, "has_more": False}

    def _conversations_replies(self, request: ApiRequest) -> dict[str, Any]:
        channel = self._existing_channel(request)
        ts = request.require("ts", "thread_not_found")
        root = self._ws.message(channel.id, ts)
        if root is None:
            raise SlackApiFailure("thread_not_found")
        return {"ok": True, "messages": [root, *self._ws.thread(channel.id, ts)], "has_more": False}

    # -- users ---------------------------------------------------------------------------------

    def _users_info(self, request: ApiRequest) -> dict[str, Any]:
        user = self._ws.user(request.require("user", "user_not_found"))
        if user is None:
            raise SlackApiFailure("user_not_found")
        include_locale = (request.get("include_locale") or "").lower() in ("true", "1")
        return {"ok": True, "user": user.to_api(self._ws.team_id, include_locale)}

    def _usergroups_users_list(self, request: ApiRequest) -> dict[str, Any]:
        members = self._ws.usergroup(request.require("usergroup", "no_such_subteam"))
        if members is None:
            raise SlackApiFailure("no_such_subteam")
        return {"ok": True, "users": members}

    # -- views ---------------------------------------------------------------------------------

    def _views_open(self, request: ApiRequest) -> dict[str, Any]:
        self._exchange_trigger(request)
        return {"ok": True, "view": self._ws.store_view(self._new_view(request))}

    def _views_push(self, request: ApiRequest) -> dict[str, Any]:
        """Stores the pushed view; per-user view stacks are not modelled (no previous_view_id)."""
        self._exchange_trigger(request)
        return {"ok": True, "view": self._ws.store_view(self._new_view(request))}

    def _views_update(self, request: ApiRequest) -> dict[str, Any]:
        current = self._target_view(request)
        expected_hash = request.get("hash")
        if expected_hash is not None and expected_hash != current["hash"]:
            raise SlackApiFailure("hash_conflict")
        view = self._new_view(request)
        view["previous_view_id"] = current.get("previous_view_id")
        return {"ok": True, "view": self._ws.replace_view(current["id"], view)}

    def _views_publish(self, request: ApiRequest) -> dict[str, Any]:
        """A user's Home tab: one view per user, replaced by each publish (``hash`` guards
        against a stale one, as Slack does)."""
        user_id = request.require("user_id", "invalid_arguments")
        if self._ws.user(user_id) is None:
            raise SlackApiFailure("user_not_found")
        view = self._new_view(request)
        if view.get("type") != "home":
            raise SlackApiFailure("invalid_arguments", "views.publish takes a home view")
        current = self._ws.home(user_id)
        expected_hash = request.get("hash")
        if current is not None and expected_hash is not None and expected_hash != current["hash"]:
            raise SlackApiFailure("hash_conflict")
        return {"ok": True, "view": self._ws.publish_home(user_id, view)}

    def _target_view(self, request: ApiRequest) -> dict[str, Any]:
        view_id, external_id = request.get("view_id"), request.get("external_id")
        if view_id is None and external_id is None:
            raise SlackApiFailure("invalid_arguments", "either view_id or external_id is required")
        current = (
            self._ws.view(view_id) if view_id else self._ws.view_by_external_id(str(external_id))
        )
        if current is None:
            raise SlackApiFailure("not_found")
        return current

    def _exchange_trigger(self, request: ApiRequest) -> None:
        trigger_id = request.get("trigger_id") or request.get("interactivity_pointer")
        if trigger_id is None:
            raise SlackApiFailure("invalid_arguments", "invalid `trigger_id`")
        if error := self._ws.trigger_error(trigger_id):
            raise SlackApiFailure(error)

    def _new_view(self, request: ApiRequest) -> dict[str, Any]:
        """The stored form of the requested view: Slack's defaults, then what the app sent."""
        ws = self._ws
        submitted = _validated_view(request.params.get("view"))
        return {
            "team_id": ws.team_id,
            "app_id": ws.app_id,
            "bot_id": ws.bot_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            **submitted,
        }


def _generic_ok(request: ApiRequest) -> dict[str, Any]:
    return {"ok": True}


def _message_content(params: Mapping[str, Any], *, require_content: bool) -> dict[str, Any]:
    """The message fields of a post or update, checked the way Slack checks them."""
    content = {k: params[k] for k in ("text", "blocks", "attachments", "metadata") if k in params}
    if require_content and not any(content.get(k) for k in ("text", "blocks", "attachments")):
        raise SlackApiFailure("no_text")
    blocks = content.get("blocks")
    if blocks is not None and (not isinstance(blocks, list) or len(blocks) > MAX_MESSAGE_BLOCKS):
        raise SlackApiFailure("invalid_blocks", f"at most {MAX_MESSAGE_BLOCKS} blocks allowed")
    if len(str(content.get("text", ""))) > MAX_MESSAGE_TEXT:
        raise SlackApiFailure("msg_too_long")
    return content


def _validated_view(raw: Any) -> dict[str, Any]:
    """Decode and check a submitted view with slack_sdk's own model, as Slack would reject it.

    The model catches what real Slack refuses and a hand-written fake would let through (a
    25-character title, 101 blocks, oversized private_metadata), so bugs surface in tests.
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SlackApiFailure("invalid_arguments", f"view is not JSON: {error}") from error
    if not isinstance(raw, dict) or "type" not in raw:
        raise SlackApiFailure("invalid_arguments", "view must be an object with a type")
    try:
        View(**raw).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as error:
        raise SlackApiFailure("invalid_arguments", str(error)) from error
    return dict(raw)
