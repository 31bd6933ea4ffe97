"""The pieces every message is made of: escaped user text, code spans, links, date tokens,
and the message envelope (with the checks slack_sdk lacks: at most 50 blocks, a section's text
at most 3000 characters). Words come from bot.slack.i18n."""

from __future__ import annotations

import contextlib
from datetime import datetime
from urllib.parse import urlsplit

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack.i18n import EN, Mrkdwn, Tr, escape
from bot.timeparse import zone_tzinfo

__all__ = ["code", "escape", "link", "mention", "message", "section", "simple_message",
           "slack_date"]

MAX_MESSAGE_BLOCKS = 50
#: Slack refuses a section (or context element) whose text is longer.
MAX_SECTION_TEXT = 3000
#: The notification text: Slack truncates it anyway; keep it readable.
MAX_FALLBACK = 1000


def code(text: str, limit: int = 200) -> Mrkdwn:
    return Mrkdwn(f"`{escape(text, limit)}`")


def link(url: str, limit: int = 150) -> Mrkdwn:
    """A mrkdwn link to an http(s) URL (escaped as Slack asks); anything else as inert code."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
        c.isspace() for c in url
    ):
        return code(url, 500)
    target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E")
    target = target.replace("|", "%7C")
    label = escape(url, limit).replace("|", "¦")
    return Mrkdwn(f"<{target}|{label}>")


def mention(user_id: str) -> Mrkdwn:
    return Mrkdwn(f"<@{user_id}>")


def channel(channel_id: str) -> Mrkdwn:
    return Mrkdwn(f"<#{channel_id}>")


def slack_date(moment: datetime, zone_name: str, tr: Tr = EN) -> Mrkdwn:
    """A date token each reader's client shows in their own zone and language; the fallback
    (for clients that cannot) shows it in the request's zone, in ``tr``'s language."""
    with contextlib.suppress(ValueError):
        moment = moment.astimezone(zone_tzinfo(zone_name))
    fallback = f"{tr.full_date(moment)} {zone_name}".replace("|", "¦")
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|"
                  f"{fallback}>")


def _bounded(text: str, limit: int = MAX_SECTION_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_bounded(text)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=_bounded(text))])


def message(blocks: list[Block], text: str) -> dict:
    """chat.postMessage / respond kwargs; ``text`` is the notification fallback."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
    return {"text": _bounded(text, MAX_FALLBACK), "blocks": [b.to_dict() for b in blocks]}


def simple_message(text: str, note: str | None = None, fallback: str | None = None) -> dict:
    """One section (and a context line under it); the fallback is the section's text."""
    blocks: list[Block] = [section(text)]
    if note:
        blocks.append(context(note))
    return message(blocks, text if fallback is None else fallback)
