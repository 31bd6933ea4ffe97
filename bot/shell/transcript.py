"""Shows what the bot said, as it said it: every call it made to the (local) Slack Web API.

Reading the fake's call log, rather than hooking the bot, keeps the shell honest: only what
really went out over HTTP is shown — root messages, thread replies, edits, private notes posted
to response URLs, direct messages — and forms the bot opened are queued for the console to ask.
Buttons get numbers the person can press with ``click N``.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox import RecordedCall, SlackFake
from bot.sandbox.slack.fake import RESPONSE_URL
from bot.shell.render import Button, Rendered, Renderer
from bot.shell.terminal import Terminal


@dataclass(frozen=True)
class Pressable:
    """A numbered button and the message it sits on, for the ``block_actions`` payload."""

    button: Button
    channel_id: str
    message_ts: str
    is_ephemeral: bool


class Transcript:
    def __init__(self, fake: SlackFake, renderer: Renderer, terminal: Terminal,
                 channel_id: str, channel_name: str, me: str) -> None:
        self._fake = fake
        self._render = renderer
        self._term = terminal
        self._channel_id = channel_id
        self._channel_name = channel_name
        self._me = me
        self._seen = 0
        self._numbers = itertools.count(1)
        self._notes = itertools.count(1)  # ids for private notes, which have no ts
        self.buttons: dict[int, Pressable] = {}
        self._by_message: dict[tuple[str, str], list[int]] = {}  # which numbers a message holds
        self._lines: dict[tuple[str, str], list[str]] = {}  # what a message showed last
        self.forms: deque[dict[str, Any]] = deque()
        self.last_activity = time.monotonic()

    def poll(self) -> int:
        """Show calls that arrived since the last poll; returns how many arrived."""
        calls = self._fake.calls()
        new = calls[self._seen:]
        self._seen = len(calls)
        for call in new:
            if call.ok or (call.method == RESPONSE_URL and call.status == 200):
                self._show(call)
        if new:
            self.last_activity = time.monotonic()
        return len(new)

    def _show(self, call: RecordedCall) -> None:
        if call.method == "chat.postMessage":
            self._posted(call.response)
        elif call.method == "chat.update":
            self._updated(call.response)
        elif call.method == "chat.postEphemeral":
            msg = dict(call.response.get("message") or call.params)
            self._say("(only you) ", self._rendered(msg, str(call.params.get("channel", "")),
                                                    msg.get("ts", ""), ephemeral=True))
        elif call.method == RESPONSE_URL:
            self._response_url(call.params)
        elif call.method in ("views.open", "views.push"):
            self.forms.append(dict(call.response.get("view") or {}))

    # ---- kinds of output --------------------------------------------------------------------

    def _posted(self, response: Mapping[str, Any]) -> None:
        msg = dict(response.get("message") or {})
        channel, ts = str(response.get("channel", "")), str(response.get("ts", ""))
        rendered = self._rendered(msg, channel, ts)
        self._lines[(channel, ts)] = rendered.lines
        if channel == self._me or channel.startswith("D"):
            self._say("(direct message from recordbot) ", rendered)
        elif msg.get("thread_ts") and msg.get("thread_ts") != ts:
            self._say("  ↳ ", rendered, indent="    ")
        else:
            self._term.say(f"#{self._channel_label(channel)} · recordbot")
            self._say("  ", rendered)

    def _updated(self, response: Mapping[str, Any]) -> None:
        """An edit shows the message's first line and what changed, plus its current buttons."""
        msg = dict(response.get("message") or {})
        channel, ts = str(response.get("channel", "")), str(response.get("ts", ""))
        for number in self._by_message.pop((channel, ts), []):
            self.buttons.pop(number, None)  # the old buttons are gone from the message
        rendered = self._rendered(msg, channel, ts)
        before = set(self._lines.get((channel, ts), []))
        self._lines[(channel, ts)] = rendered.lines
        changed = [line for line in rendered.lines[1:] if line not in before]
        first = rendered.lines[0] if rendered.lines else ""
        self._say("(edited) ", Rendered([first, *changed], rendered.buttons))

    def _response_url(self, body: Mapping[str, Any]) -> None:
        """A post to a response URL: private to the person unless it says ``in_channel``."""
        if body.get("delete_original"):
            self._term.say("(only you) (the earlier private note was removed)")
            return
        channel = self._channel_id
        ts = f"note-{next(self._notes)}"
        rendered = self._rendered(dict(body), channel, ts,
                                  ephemeral=body.get("response_type") != "in_channel")
        if body.get("response_type") == "in_channel":
            self._term.say(f"#{self._channel_name} · recordbot")
            self._say("  ", rendered)
        elif body.get("replace_original"):
            self._say("(only you, replacing the note above) ", rendered)
        else:
            self._say("(only you) ", rendered)

    def show_ack(self, body: Mapping[str, Any]) -> None:
        """What the app answered a command or click with, shown where Slack shows it."""
        self._response_url(body)

    # ---- helpers ----------------------------------------------------------------------------

    def _rendered(self, msg: Mapping[str, Any], channel: str, ts: str,
                  ephemeral: bool = False) -> Rendered:
        numbers: list[int] = []

        def number(button: Button) -> int:
            n = next(self._numbers)
            self.buttons[n] = Pressable(button, channel, ts, ephemeral)
            numbers.append(n)
            return n

        rendered = self._render.message(msg, number)
        if numbers:
            self._by_message.setdefault((channel, ts), []).extend(numbers)
        return rendered

    def _say(self, first_prefix: str, rendered: Rendered, indent: str = "  ") -> None:
        lines = rendered.lines or [""]
        out = [first_prefix + lines[0]] + [indent + line for line in lines[1:]]
        self._term.say("\n".join(out))

    def _channel_label(self, channel: str) -> str:
        return self._channel_name if channel == self._channel_id else channel
