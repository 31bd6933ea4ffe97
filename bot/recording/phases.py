"""Keep each root message true to its window: when a scheduled recording's window opens, its
root offers Stop instead of Cancel; when it ends, neither. Run every few seconds (bot.jobs);
the store's compare-and-set claim means each change is shown once, by one bot process."""

from __future__ import annotations

import logging

from bot.recording.model import Post, PostKind
from bot.recording.ports import Clock, Outbox, Store

log = logging.getLogger(__name__)


class RootPhases:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox

    async def refresh_due(self) -> int:
        """Refresh the roots whose window opened or ended since they were shown; how many."""
        now = self.clock()
        refreshed = 0
        for rec in await self.store.stale_roots(now):
            if not await self.store.claim_shown_phase(rec.id, rec.shown_phase, rec.phase(now),
                                                      posts=[Post(PostKind.REFRESH)]):
                continue  # another process got there first
            refreshed += 1
        if refreshed:
            self.outbox.wake()
            log.info("refreshing %d root message(s) whose window opened or ended", refreshed)
        return refreshed

    async def round(self) -> float | None:
        """One round of the job: refresh what is due; the seconds until the next window opens
        or ends (None: none is coming), so the next round can be on time."""
        await self.refresh_due()
        now = self.clock()
        upcoming = await self.store.next_phase_change(now)
        return None if upcoming is None else (upcoming - now).total_seconds() + 0.2
