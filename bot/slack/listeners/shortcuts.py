"""Shortcuts: the global "Schedule a recording" opens the form (with a channel to post in);
the message shortcut "Record this" opens it prefilled with the time phrase the message gives
("Show starts tomorrow 8pm, runs two hours" → "tomorrow 8pm two hours"), in its channel."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.model import ZoneFallback
from bot.slack.answers import Services
from bot.slack.blocks.text import code
from bot.slack.context import Actor
from bot.slack.i18n import Tr
from bot.slack.listeners.commands import open_form
from bot.slack.listeners.home import direct
from bot.timeparse import find_window_phrase

log = logging.getLogger(__name__)

#: The trigger expires 3 s after the shortcut: the zone lookup gets this long.
ZONE_BUDGET = 0.8


async def schedule(ack: AsyncAck, body: dict, client: AsyncWebClient,
                   services: Services) -> None:
    await ack()
    actor = Actor.of_interaction(body, channel_id="")
    await open_form(services, client, actor, body.get("trigger_id", ""),
                    direct(client, actor.user_id))


async def from_message(ack: AsyncAck, body: dict, client: AsyncWebClient,
                       respond: AsyncRespond, services: Services) -> None:
    await ack()
    actor = Actor.of_interaction(body)
    text = str((body.get("message") or {}).get("text") or "")
    try:
        zone = await asyncio.wait_for(services.directory.zone_of(actor.user_id), ZONE_BUDGET)
    except TimeoutError:
        zone = services.directory.default_zone(ZoneFallback.SLACK_TOO_SLOW)
    now = services.schedule.clock().astimezone(zone.zone)
    phrase = find_window_phrase(text, now) if text else None
    lang = await services.language(actor.user_id, text, budget=0.5)
    tr = Tr.of(lang)
    if phrase:
        note = tr._(":speech_balloon: From the message: the time {phrase} (in {zone}). Add "
                    "the stream's name and check the rest.", phrase=code(phrase, 300),
                    zone=code(zone.name))
    else:
        note = tr._(":speech_balloon: I found no start and end in that message; give the time "
                    "below.")
    await open_form(services, client, actor, body.get("trigger_id", ""), respond, lang=lang,
                    initial={"when": phrase, "note": note})
