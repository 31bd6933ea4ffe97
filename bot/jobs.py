"""The bot's own schedule: work that runs while it is up, not because someone asked.

The "is the stream live?" check every few seconds. Each round is the use case's
(bot.recording.callbacks); this only keeps it going, and survives a failing round.
"""

from __future__ import annotations

import asyncio
import logging

from bot.recording.callbacks import CallbackNotices
from bot.recording.ports import Notifier

log = logging.getLogger(__name__)

#: How often the live check looks for recordings whose grace period has passed (at most).
LIVE_CHECK_INTERVAL = 15.0


def live_check_interval(grace_seconds: int) -> float:
    """Every 15 s, or more often when the grace period is shorter (a test's 2 s)."""
    return max(0.5, min(LIVE_CHECK_INTERVAL, grace_seconds / 2))


async def live_check_loop(callbacks: CallbackNotices, notifier: Notifier,
                          interval: float) -> None:
    """Runs until cancelled (at shutdown); a failing round is logged and the next one runs."""
    while True:
        try:
            await callbacks.check_live(notifier)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the live check failed; trying again in %.0f s", interval)
        await asyncio.sleep(interval)
