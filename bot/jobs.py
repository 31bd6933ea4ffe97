"""The bot's own schedule: work that runs while it is up, not because someone asked.

Each round is a use case's (the live check, reconciliation, the root messages' window phases,
…); this only keeps them going, and survives a failing round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

#: How often the live check looks for recordings whose grace period has passed (at most).
LIVE_CHECK_INTERVAL = 15.0
#: How often root messages are brought up to date with their window (it opened, it ended).
PHASE_INTERVAL = 15.0


def live_check_interval(grace_seconds: int) -> float:
    """Every 15 s, or more often when the grace period is shorter (a test's 2 s)."""
    return max(0.5, min(LIVE_CHECK_INTERVAL, grace_seconds / 2))


#: How often windows that ended (and open ones, for warnings) are looked at for completeness;
#: more often when COMPLETENESS_GRACE_SECONDS is shorter (as for the live check).
completeness_interval = live_check_interval


async def repeat(step: Callable[[], Awaitable[object]], interval: float, what: str,
                 paced: bool = False) -> None:
    """Run ``step`` every ``interval`` seconds until cancelled (at shutdown); when ``paced``,
    sooner if it returns the seconds until its next round is due. A failing round is logged
    and the next one runs."""
    while True:
        wait = interval
        try:
            sooner = await step()
            if paced and isinstance(sooner, int | float) and not isinstance(sooner, bool):
                wait = min(interval, max(0.1, float(sooner)))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; trying again in %.0f s", what, interval)
        await asyncio.sleep(wait)
