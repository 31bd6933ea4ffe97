"""The pieces every message is made of: escaped user text, code spans, links, date tokens,
units, and the message envelope (with the check slack_sdk lacks: at most 50 blocks)."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from urllib.parse import urlsplit

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.timeparse import zone_tzinfo

MAX_MESSAGE_BLOCKS = 50
_BROADCAST = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)


def escape(text: str, limit: int = 500) -> str:
    """Escape for mrkdwn: no mentions, links or formatting from user text; bounded length."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width joiner keeps "@channel" and friends from ever becoming a mention.
    text = _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)
    return text.replace("`", "'")


def code(text: str, limit: int = 200) -> str:
    return f"`{escape(text, limit)}`"


def link(url: str, limit: int = 150) -> str:
    """A mrkdwn link to an http(s) URL (escaped as Slack asks); anything else as inert code."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
        c.isspace() for c in url
    ):
        return code(url, 500)
    target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E")
    target = target.replace("|", "%7C")
    label = escape(url, limit).replace("|", "¦")
    return f"<{target}|{label}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def slack_date(moment: datetime, zone_name: str) -> str:
    """A date token each reader sees in their own zone; the fallback shows the request's zone."""
    with contextlib.suppress(ValueError):
        moment = moment.astimezone(zone_tzinfo(zone_name))
    fallback = f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} {zone_name}"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def message(blocks: list[Block], text: str) -> dict:
    """chat.postMessage / respond kwargs; ``text`` is the notification fallback."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def simple_message(text: str, note: str | None = None, fallback: str | None = None) -> dict:
    """One section (and a context line under it); the fallback is the section's text."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return message(blocks, text if fallback is None else fallback)


# ---- units people read ------------------------------------------------------------------------


def human_duration(seconds: float) -> str:
    """ "42 s", "49 min 22 s", "1 h 02 min", "26 h 00 min" (no days: recordings last ≤ 24 h)."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, rem = divmod(total, 3600)
    return f"{hours} h {rem // 60:02d} min"


_BINARY_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: int) -> str:
    """Binary units (1 MiB = 1024 × 1024 bytes), three significant digits: "265 MiB"."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in _BINARY_UNITS:
        value /= 1024
        if value < 1024 or unit == _BINARY_UNITS[-1]:
            break
    if value >= 100:
        return f"{value:.0f} {unit}"
    if value >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"
