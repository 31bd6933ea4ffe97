"""Posting what Tencent's callbacks mean in the recordings' threads, after Tencent got its 200.

The HTTP endpoint (bot.callback_web) only verifies, keeps the event and answers; the posting
runs here as background work, so Tencent never waits on Slack. Also the periodic "is the stream
live?" check, and a sweep at start for events kept but not acted on before a stop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.callback_web import CallbackServer
from bot.recording.notices import Delivery
from bot.runtime import Runtime
from bot.slack.notices import notice_message
from bot.slack.presenter import RecordingNotifier

log = logging.getLogger(__name__)

#: How often the live check looks for recordings whose grace period has passed (at most).
LIVE_CHECK_INTERVAL = 15.0


async def deliver_callback(rt: Runtime, client: AsyncWebClient, callback_id: int) -> None:
    """Act on one kept event: post what it means, then record that it was handled."""
    decision = await rt.notices.decide(callback_id)
    if decision.already_handled:
        return
    await _post(client, decision.deliveries)
    await rt.notices.done(callback_id, decision)
    log.info("callback event %d: %s", callback_id, decision.outcome)


async def deliver_unhandled(rt: Runtime, client: AsyncWebClient, started: datetime) -> int:
    """At start: act on events kept before a stop but not yet acted on. Only those received
    before ``started``: later ones are being handled as they arrive."""
    rows = await rt.store.unhandled_callbacks(received_before=started)
    for row in rows:
        try:
            await deliver_callback(rt, client, row.id)
        except Exception:
            log.exception("callback event %d could not be handled", row.id)
    if rows:
        log.info("handled %d callback event(s) left from before the start", len(rows))
    return len(rows)


async def check_live_once(rt: Runtime, client: AsyncWebClient) -> int:
    deliveries = await rt.notices.live_checks()
    await _post(client, deliveries)
    return len(deliveries)


def live_check_interval(grace_seconds: int) -> float:
    """Every 15 s, or more often when the grace period is shorter (a test's 2 s)."""
    return max(0.5, min(LIVE_CHECK_INTERVAL, grace_seconds / 2))


async def live_check_loop(rt: Runtime, client: AsyncWebClient) -> None:
    """Runs until cancelled (at shutdown); a failing round is logged and the next one runs."""
    interval = live_check_interval(rt.settings.stream_grace_seconds)
    while True:
        try:
            await check_live_once(rt, client)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the live check failed; trying again in %.0f s", interval)
        await asyncio.sleep(interval)


def start_callback_work(rt: Runtime, client: AsyncWebClient) -> None:
    """Once ready, when callbacks are configured: the sweep and the live check.

    Without TENCENT_CALLBACK_KEY the bot hears of no push, so a live check would only ever
    (wrongly) say that streams are not live; it does not run then.
    """
    if not rt.settings.callback_key:
        return
    rt.work.spawn(deliver_unhandled(rt, client, rt.notices.clock()), name="callbacks-unhandled")
    rt.keep_running(live_check_loop(rt, client), name="live-check")


async def callback_listener(rt: Runtime, client: AsyncWebClient) -> CallbackServer | None:
    """Socket Mode: the HTTP listener on CALLBACK_PORT, started; None when it is not set.

    Raises OSError when the port cannot be bound.
    """
    settings = rt.settings
    if not settings.callback_port:
        if settings.callback_key:
            log.warning("TENCENT_CALLBACK_KEY is set but CALLBACK_PORT is not: in Socket Mode "
                        "the bot receives Tencent's callbacks only on CALLBACK_PORT, so none "
                        "are handled")
        return None
    if not settings.callback_key:
        log.warning("CALLBACK_PORT is set but TENCENT_CALLBACK_KEY is not: /tencent/callback "
                    "answers 503 until it is")

    def on_callback(callback_id: int) -> None:
        rt.work.spawn(deliver_callback(rt, client, callback_id), name=f"callback-{callback_id}")

    server = CallbackServer(rt, on_callback, settings.host, settings.callback_port)
    await server.start()
    return server


async def _post(client: AsyncWebClient, deliveries: list[Delivery]) -> None:
    notifier = RecordingNotifier(client)
    for d in deliveries:
        await notifier.reply(d.recording, notice_message(d.recording, d.notice))
