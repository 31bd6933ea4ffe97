"""What the Slack fake knows and remembers: its configuration, the messages and views it stores,
and the log of every call it received.

Two threads touch this state: the event loop that serves HTTP (request handlers) and the test or
console thread (configuration and assertions). One lock guards all of it, and every reader gets
a copy, so a test can never observe a half-applied call or mutate the fake by accident.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Identity of the fake workspace and its bot; the values only need to look like Slack's.
DEFAULT_TEAM_ID = "T0FAKE001"
DEFAULT_BOT_USER_ID = "U0FAKEBOT"
DEFAULT_BOT_ID = "B0FAKEBOT"
DEFAULT_APP_ID = "A0FAKEAPP"

#: First message ts handed out; each message gets the next one, 100 µs later, so ordering by
#: ts is ordering by posting and tests can predict values if they want to.
FIRST_TS_MICROS = 1_764_000_000_000_100
TS_STEP_MICROS = 100

CallPredicate = Callable[["RecordedCall"], bool]


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received and what it answered.

    ``params`` merges the query string and the body (form or JSON); fields that Slack takes as
    JSON-encoded strings in form bodies (``view``, ``blocks``…) are decoded, so tests see the same
    shapes whichever encoding the client chose. ``raw_body`` keeps what was actually sent.
    """

    method: str
    params: Mapping[str, Any]
    headers: Mapping[str, str]
    token: str | None
    received_at: float
    path: str
    raw_body: str = ""
    status: int = 200
    response: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")

    def describe(self) -> str:
        """One line for assertion messages: method, the interesting params, and the outcome."""
        shown = {k: v for k, v in self.params.items() if k in _DESCRIBED_PARAMS}
        outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"{self.method} {_shorten(repr(shown))} -> {outcome}"


_DESCRIBED_PARAMS = ("channel", "ts", "thread_ts", "text", "user", "trigger_id", "view_id")


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FakeUser:
    """A workspace member as ``users.info`` reports it.

    ``tz_offset`` (seconds east of UTC) is derived from ``tz`` at lookup time when not given, so a
    user configured with just ``tz="Asia/Shanghai"`` gets the offset Slack would report today.
    """

    id: str
    name: str
    real_name: str
    tz: str | None = None  # None: the profile has no zone, and users.info omits it
    tz_label: str = ""
    tz_offset: int | None = None
    is_bot: bool = False
    deleted: bool = False
    locale: str | None = None  # e.g. "zh-CN"; users.info shows it only with include_locale

    @classmethod
    def from_config(cls, user_id: str, fields: Mapping[str, Any]) -> FakeUser:
        name = str(fields.get("name", user_id.lower()))
        return cls(
            id=user_id,
            name=name,
            real_name=str(fields.get("real_name", name)),
            tz=str(fields["tz"]) if fields.get("tz") else None,
            tz_label=str(fields.get("tz_label", "")),
            tz_offset=fields.get("tz_offset"),
            is_bot=bool(fields.get("is_bot", False)),
            deleted=bool(fields.get("deleted", False)),
            locale=str(fields["locale"]) if fields.get("locale") else None,
        )

    def to_api(self, team_id: str, include_locale: bool = False) -> dict[str, Any]:
        zone: dict[str, Any] = {}
        if include_locale:  # Slack answers en-US for a member who never chose a language
            zone["locale"] = self.locale or "en-US"
        if self.tz:
            offset = self.tz_offset if self.tz_offset is not None else _utc_offset(self.tz)
            zone |= {"tz": self.tz, "tz_label": self.tz_label or self.tz, "tz_offset": offset}
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            **zone,
            "profile": {"real_name": self.real_name, "display_name": self.name},
        }


def _utc_offset(tz_name: str) -> int:
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz_name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


@dataclass(frozen=True)
class FakeChannel:
    """A conversation the fake knows about.

    Channels nobody configured are treated as public channels the bot is in, so the happy path
    needs no setup; configure one to make it private, bot-less (``not_in_channel``) or missing
    (``channel_not_found``).
    """

    id: str
    name: str
    is_private: bool = False
    bot_is_member: bool = True
    exists: bool = True

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.id.startswith(("D", "G")),
            "is_im": self.id.startswith("D"),
            "is_private": self.is_private,
            "is_member": self.bot_is_member,
            "is_archived": False,
        }


@dataclass
class FailurePlan:
    """Make ``method`` fail ``times`` times (forever when ``None``) before behaving normally again.

    The failure answers HTTP ``status`` with ``{"ok": false, "error": error}``, plus a
    ``Retry-After`` header when ``retry_after`` is set, which is what slack_sdk's retry handlers
    and the bot's own error handling key on. ``used`` counts how often it fired.
    """

    method: str
    error: str
    status: int = 200
    times: int | None = 1
    retry_after: int | None = None
    used: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.used >= self.times

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class SlackWorkspace:
    """The fake's state. Every public method is atomic with respect to the others."""

    def __init__(
        self,
        *,
        bot_token: str,
        app_token: str | None,
        team_id: str = DEFAULT_TEAM_ID,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        bot_id: str = DEFAULT_BOT_ID,
        app_id: str = DEFAULT_APP_ID,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self._changed = threading.Condition(threading.RLock())
        self._users: dict[str, FakeUser] = {}
        self._usergroups: dict[str, list[str]] = {}
        self._channels: dict[str, FakeChannel] = {}
        self._expired_triggers: dict[str, str] = {}
        self._failures: list[FailurePlan] = []
        self.reset()

    # -- configuration -------------------------------------------------------------------------

    def add_user(self, user: FakeUser) -> None:
        with self._changed:
            self._users[user.id] = user

    def user(self, user_id: str) -> FakeUser | None:
        with self._changed:
            return self._users.get(user_id)

    def set_usergroup(self, usergroup_id: str, user_ids: Iterable[str]) -> None:
        with self._changed:
            self._usergroups[usergroup_id] = list(user_ids)

    def usergroup(self, usergroup_id: str) -> list[str] | None:
        with self._changed:
            members = self._usergroups.get(usergroup_id)
            return list(members) if members is not None else None

    def add_channel(self, channel: FakeChannel) -> None:
        with self._changed:
            self._channels[channel.id] = channel

    def channel(self, channel_id: str) -> FakeChannel:
        """The configured channel, or a public channel with the bot in it for unknown ids."""
        with self._changed:
            known = self._channels.get(channel_id)
        return known or FakeChannel(id=channel_id, name=channel_id.lower())

    def expire_trigger(self, trigger_id: str, error: str) -> None:
        with self._changed:
            self._expired_triggers[trigger_id] = error

    def trigger_error(self, trigger_id: str) -> str | None:
        with self._changed:
            return self._expired_triggers.get(trigger_id)

    def add_failure(self, plan: FailurePlan) -> FailurePlan:
        with self._changed:
            self._failures.append(plan)
        return plan

    def clear_failures(self) -> None:
        with self._changed:
            self._failures.clear()

    def take_failure(self, method: str) -> FailurePlan | None:
        """Consume one use of the first live failure planned for ``method``, if any."""
        with self._changed:
            for plan in self._failures:
                if plan.method == method and not plan.exhausted:
                    plan.used += 1
                    return copy.copy(plan)
        return None

    # -- recorded history ------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget calls, messages, views and responses; keep users, channels and failures.

        Timestamps and view ids keep counting: a late reply from an earlier test's background
        work must never land in a new test's thread because the ts was handed out again.
        """
        with self._changed:
            first = not hasattr(self, "_next_ts")
            self._calls: list[RecordedCall] = []
            self._roots: dict[str, list[dict[str, Any]]] = {}
            self._replies: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self._ephemerals: list[dict[str, Any]] = []
            self._views: dict[str, dict[str, Any]] = {}
            self._homes: dict[str, dict[str, Any]] = {}
            self._responses: dict[str, list[dict[str, Any]]] = {}
            if first:
                self._next_ts = FIRST_TS_MICROS
                self._view_counter = 0
                self._hash_counter = 0
            self._changed.notify_all()

    def record(self, call: RecordedCall) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def find_call(self, method: str, predicate: CallPredicate | None) -> RecordedCall | None:
        for call in self.calls(method):
            if predicate is None or predicate(call):
                return call
        return None

    def wait_for(
        self, method: str, predicate: CallPredicate | None = None, timeout: float = 5
    ) -> RecordedCall:
        """Block until a call to ``method`` matching ``predicate`` has been received (ever)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (found := self.find_call(method, predicate)) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message(method, timeout, blocking=True))
                self._changed.wait(remaining)
        return found

    async def wait_for_async(
        self, method: str, predicate: CallPredicate | None = None, timeout: float = 5
    ) -> RecordedCall:
        """Like :meth:`wait_for`, but yields to the caller's event loop while waiting.

        Needed when the code under test runs on the same loop as the test: a blocking wait would
        stop it from ever making the call being waited for.
        """
        deadline = time.monotonic() + timeout
        while (found := self.find_call(method, predicate)) is None:
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(method, timeout, blocking=False))
            await asyncio.sleep(0.01)
        return found

    def _timeout_message(self, method: str, timeout: float, *, blocking: bool) -> str:
        seen = self.calls()
        lines = [f"  {c.describe()}" for c in seen[-30:]] or ["  (none)"]
        hint = ""
        if blocking and loop_running_here():
            hint = (
                "\n(this thread runs an event loop: if the code under test runs on it, "
                "use the *_async variant so it can make progress while you wait)"
            )
        return (
            f"no matching {method} call within {timeout}s; {len(seen)} call(s) seen:\n"
            + "\n".join(lines)
            + hint
        )

    # -- messages ------------------------------------------------------------------------------

    def next_ts(self) -> str:
        with self._changed:
            micros = self._next_ts
            self._next_ts += TS_STEP_MICROS
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def store_message(self, channel: str, message: dict[str, Any]) -> None:
        """Store a posted message as a channel root, or as a reply when it has ``thread_ts``."""
        with self._changed:
            message = copy.deepcopy(message)
            thread_ts = message.get("thread_ts")
            if thread_ts is None or thread_ts == message["ts"]:
                self._roots.setdefault(channel, []).append(message)
            else:
                self._replies.setdefault((channel, thread_ts), []).append(message)
                self._note_reply(channel, thread_ts, message)
            self._changed.notify_all()

    def _note_reply(self, channel: str, thread_ts: str, reply: dict[str, Any]) -> None:
        for root in self._roots.get(channel, []):
            if root["ts"] == thread_ts:
                root["thread_ts"] = thread_ts
                root["reply_count"] = root.get("reply_count", 0) + 1
                root["latest_reply"] = reply["ts"]

    def update_message(
        self, channel: str, ts: str, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Apply ``changes`` to the stored message and return a copy, or None if unknown."""
        with self._changed:
            message = self._find_message(channel, ts)
            if message is None:
                return None
            message.update(changes)
            message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
            self._changed.notify_all()
            return copy.deepcopy(message)

    def _find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        candidates = list(self._roots.get(channel, []))
        for (reply_channel, _), replies in self._replies.items():
            if reply_channel == channel:
                candidates.extend(replies)
        return next((m for m in candidates if m["ts"] == ts), None)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._changed:
            return copy.deepcopy(self._find_message(channel, ts))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._changed:
            return copy.deepcopy(self._roots.get(channel, []))

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        with self._changed:
            return copy.deepcopy(self._replies.get((channel, thread_ts), []))

    def store_ephemeral(self, message: dict[str, Any]) -> None:
        with self._changed:
            self._ephemerals.append(copy.deepcopy(message))
            self._changed.notify_all()

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict]:
        with self._changed:
            return [
                copy.deepcopy(m)
                for m in self._ephemerals
                if (channel is None or m["channel"] == channel)
                and (user is None or m["user"] == user)
            ]

    # -- views ---------------------------------------------------------------------------------

    def store_view(self, view: dict[str, Any]) -> dict[str, Any]:
        """Give ``view`` a fresh id and hash, store it and return a copy of what was stored."""
        view = copy.deepcopy(view)
        with self._changed:
            self._view_counter += 1
            view["id"] = f"V0FAKE{self._view_counter:04d}"
            view["hash"] = self._new_view_hash()
            view.setdefault("root_view_id", view["id"])
            self._views[view["id"]] = view
            self._changed.notify_all()
            return copy.deepcopy(view)

    def replace_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Store a new version of an existing view under the same id, with a new hash."""
        view = copy.deepcopy(view)
        with self._changed:
            old = self._views[view_id]
            view.update(id=view_id, hash=self._new_view_hash(), root_view_id=old["root_view_id"])
            self._views[view_id] = view
            self._changed.notify_all()
            return copy.deepcopy(view)

    def _new_view_hash(self) -> str:
        """A fresh hash per stored version, so stale ``views.update`` calls can be detected."""
        self._hash_counter += 1
        return f"{FIRST_TS_MICROS // 1_000_000}.{self._hash_counter:08d}"

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._changed:
            return copy.deepcopy(self._views.get(view_id))

    def view_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        with self._changed:
            found = [v for v in self._views.values() if v.get("external_id") == external_id]
            return copy.deepcopy(found[-1]) if found else None

    def views(self) -> list[dict[str, Any]]:
        with self._changed:
            return copy.deepcopy(list(self._views.values()))

    def publish_home(self, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Store ``view`` as ``user_id``'s Home tab (the same id across publishes)."""
        view = copy.deepcopy(view)
        with self._changed:
            old = self._homes.get(user_id)
            if old is None:
                self._view_counter += 1
                view["id"] = f"V0HOME{self._view_counter:04d}"
            else:
                view["id"] = old["id"]
            view["hash"] = self._new_view_hash()
            self._homes[user_id] = view
            self._changed.notify_all()
            return copy.deepcopy(view)

    def home(self, user_id: str) -> dict[str, Any] | None:
        with self._changed:
            return copy.deepcopy(self._homes.get(user_id))

    # -- response_url posts --------------------------------------------------------------------

    def store_response(self, key: str, body: dict[str, Any]) -> None:
        with self._changed:
            self._responses.setdefault(key, []).append(copy.deepcopy(body))
            self._changed.notify_all()

    def responses(self, key: str) -> list[dict[str, Any]]:
        with self._changed:
            return copy.deepcopy(self._responses.get(key, []))


def loop_running_here() -> bool:
    """True when called from a thread with a running event loop (used for deadlock hints)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
