"""Block Kit and mrkdwn as plain text, so a terminal shows what Slack would show.

The shell renders the very messages the bot posts (nothing is re-phrased), so what a person
reads here is what a Slack user reads: sections and their fields, context lines, headers,
buttons. Slack's special tokens are resolved the way the Slack client resolves them for the
reader: ``<!date^…>`` in the reader's zone, ``<@U…>`` as a name, entities unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: A few emoji the bot uses, as the symbols Slack would draw; other names stay as ``:name:``.
EMOJI = {
    "rotating_light": "🚨", "speech_balloon": "💬", "newspaper": "📰",
    "clapper": "🎬", "white_check_mark": "✅", "x": "❌", "warning": "⚠️",
    "hourglass_flowing_sand": "⏳", "mag": "🔍", "red_circle": "🔴", "calendar": "📅",
    "grey_question": "❔", "black_square_for_stop": "⏹️", "no_entry_sign": "🚫",
    "information_source": "ℹ️", "tada": "🎉", "white_circle": "⚪", "lock": "🔒",
    "no_entry": "⛔", "movie_camera": "🎥", "double_vertical_bar": "⏸️", "checkered_flag": "🏁",
    "repeat": "🔁", "fast_forward": "⏩", "spiral_calendar_pad": "🗓️", "wastebasket": "🗑️",
}

_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_TOKEN = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_DATE_PART = re.compile(r"\{(\w+)\}")
_LABEL = re.compile(r"^\*([^*\n]+)\*$")
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


def unescape(text: str) -> str:
    """Slack's three entities; ``&amp;`` last so ``&amp;lt;`` stays a literal ``&lt;``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Button:
    """A button as it appeared in a message: enough to send Slack's ``block_actions`` for it."""

    label: str
    action_id: str
    block_id: str
    value: str | None = None
    url: str | None = None
    style: str | None = None
    confirm: Mapping[str, Any] | None = None


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


#: Called for each button while rendering; returns the number the person types to press it.
NumberButton = Callable[[Button], int]


class Renderer:
    """Turns messages into lines of text for one reader (their id, names and time zone)."""

    def __init__(
        self,
        zone: ZoneInfo,
        me: str,
        names: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.zone = zone
        self.me = me
        self.names = dict(names or {})
        self.clock = clock

    # ---- text ---------------------------------------------------------------------------

    def text(self, obj: Mapping[str, Any] | str | None) -> str:
        """A text object (mrkdwn or plain_text) or a raw mrkdwn string, as plain text."""
        if obj is None:
            return ""
        if isinstance(obj, str):
            return self.mrkdwn(obj)
        raw = str(obj.get("text", ""))
        return self.mrkdwn(raw) if obj.get("type") == "mrkdwn" else self._emoji(raw)

    def mrkdwn(self, text: str) -> str:
        """Formatting marks dropped, tokens resolved; code spans keep their backticks as-is.

        Code spans are set aside first (as placeholders), so nothing inside them is read as
        formatting, while bold around them (``*`/record` schedules…*``) is still recognised.
        """
        spans: list[str] = []

        def set_aside(m: re.Match[str]) -> str:
            spans.append(unescape(m.group(0)))
            return f"\x00{len(spans) - 1}\x00"

        text = _CODE.sub(set_aside, text.replace("\x00", ""))
        text = _TOKEN.sub(lambda m: self._token(m.group(1)), text)
        for pattern in (_BOLD, _ITALIC, _STRIKE):
            text = pattern.sub(r"\1", text)
        text = unescape(self._emoji(text))
        return _PLACEHOLDER.sub(lambda m: spans[int(m.group(1))], text)

    @staticmethod
    def _emoji(text: str) -> str:
        return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)

    def _token(self, body: str) -> str:
        """One ``<…>`` token; what is left of it must not look like a token again."""
        target, _, label = body.partition("|")
        if target.startswith("!date^"):
            return self._date(target, label)
        if target.startswith(("@U", "@W")):
            return "@" + self._name(target[1:], label)
        if target.startswith("#C"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    def _name(self, user_id: str, label: str) -> str:
        if user_id == self.me:
            return "you"
        return self.names.get(user_id) or label or user_id

    # ---- dates --------------------------------------------------------------------------

    def _date(self, target: str, fallback: str) -> str:
        """``!date^<unix>^<format>[^<link>]``, as Slack shows it to this reader."""
        parts = target.split("^")
        try:
            moment = datetime.fromtimestamp(int(parts[1]), self.zone)
            template = parts[2]
        except (IndexError, ValueError, OverflowError):
            return fallback
        known = True

        def part(m: re.Match[str]) -> str:
            nonlocal known
            value = self._date_part(m.group(1), moment)
            if value is None:
                known = False
                return ""
            return value

        shown = _DATE_PART.sub(part, template)
        return shown if known else (fallback or shown)

    def _date_part(self, name: str, moment: datetime) -> str | None:
        """Slack's date parts, written the way the bot writes a day ("Thu 3 Dec", with the
        year only when it is not this one), so one conversation shows one style."""
        today = self.clock().astimezone(self.zone).date()
        relative = _relative_day(moment.date(), today)
        year = "" if moment.year == today.year else f" {moment.year}"
        short_date = f"{moment:%a} {moment.day} {moment:%b}{year}"
        long_date = f"{moment:%A} {moment.day} {moment:%B}{year}"
        formats = {
            "date_num": f"{moment:%Y-%m-%d}",
            "date": long_date,
            "date_short": short_date,
            "date_long": long_date,
            "date_pretty": relative or long_date,
            "date_short_pretty": relative or short_date,
            "date_long_pretty": relative or long_date,
            "time": f"{moment:%H:%M}",
            "time_secs": f"{moment:%H:%M:%S}",
            "ago": _ago(moment - self.clock().astimezone(self.zone)),
        }
        return formats.get(name)

    # ---- blocks -------------------------------------------------------------------------

    def message(self, msg: Mapping[str, Any], number: NumberButton) -> Rendered:
        """A posted message: its blocks when it has any, else its ``text``."""
        blocks = msg.get("blocks") or []
        out = Rendered()
        for block in blocks:
            if isinstance(block, Mapping):
                self._block(block, out, number)
        if not out.lines and not out.buttons:
            out.lines = self.mrkdwn(str(msg.get("text") or "")).split("\n")
        return out

    def _block(self, block: Mapping[str, Any], out: Rendered, number: NumberButton) -> None:
        kind = block.get("type")
        block_id = str(block.get("block_id") or "")
        if kind == "section":
            if block.get("text"):
                out.lines += self.text(block["text"]).split("\n")
            for f in block.get("fields") or []:
                out.lines.append(self._field(f))
            accessory = block.get("accessory")
            if isinstance(accessory, Mapping) and accessory.get("type") == "button":
                self._buttons([accessory], block_id, out, number)
        elif kind == "header":
            out.lines.append(self.text(block.get("text")).upper())
        elif kind == "context":
            parts = [self.text(e) if e.get("type") != "image" else f"[{e.get('alt_text', '')}]"
                     for e in block.get("elements") or []]
            out.lines += "  ".join(parts).split("\n")
        elif kind == "divider":
            out.lines.append("─" * 24)
        elif kind == "actions":
            self._buttons(block.get("elements") or [], block_id, out, number)
        elif kind == "image":
            out.lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            out.lines += _rich_text(block).split("\n")

    def _field(self, field_obj: Mapping[str, Any]) -> str:
        """A section field: Slack shows a bold first line as a label above the value."""
        raw = str(field_obj.get("text", ""))
        head, _, rest = raw.partition("\n")
        if field_obj.get("type") == "mrkdwn" and rest and _LABEL.match(head):
            label = self.mrkdwn(head)
            return f"{label}: {self.mrkdwn(rest).replace(chr(10), ' ')}"
        return self.text(field_obj).replace("\n", " ")

    def _buttons(self, elements: list[Any], block_id: str, out: Rendered,
                 number: NumberButton) -> None:
        shown: list[str] = []
        for e in elements:
            if not isinstance(e, Mapping):
                continue
            if e.get("type") != "button":
                shown.append(f"[{e.get('type', 'element')}: not available in the shell]")
                continue
            button = Button(
                label=self.text(e.get("text")), action_id=str(e.get("action_id", "")),
                block_id=block_id, value=e.get("value"), url=e.get("url"),
                style=e.get("style"), confirm=e.get("confirm"),
            )
            out.buttons.append(button)
            shown.append(f"[{number(button)}] {button.label}")
        if shown:
            out.lines.append("   ".join(shown))


def _relative_day(day: date, today: date) -> str | None:
    return {0: "today", 1: "tomorrow", -1: "yesterday"}.get((day - today).days)


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    amount = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if amount >= size:
            count = amount // size
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "just now"


def _rich_text(block: Mapping[str, Any]) -> str:
    """The words of a rich_text block (the bot sends none; other apps' messages might)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for child in node.get("elements") or []:
                walk(child)

    walk(block)
    return "".join(parts)
