"""Keep each root message true to its window: when a scheduled recording's window opens, its
root offers Stop instead of Cancel; when it ends, neither. Run every few seconds (bot.jobs);
the store's compare-and-set claim means each change is shown once, by one bot process."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.recording.ports import Clock, Notifier, Store

log = logging.getLogger(__name__)


class RootPhases:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def refresh_due(self, notifier: Notifier) -> int:
        """Refresh the roots whose window opened or ended since they were shown; how many."""
        now = self.clock()
        refreshed = 0
        for rec in await self.store.stale_roots(now):
            phase = rec.phase(now)
            if not await self.store.claim_shown_phase(rec.id, rec.shown_phase, phase):
                continue  # another process got there first
            await notifier.refresh(replace(rec, shown_phase=phase))
            refreshed += 1
        if refreshed:
            log.info("refreshed %d root message(s) whose window opened or ended", refreshed)
        return refreshed

    async def round(self, notifier: Notifier) -> float | None:
        """One round of the job: refresh what is due; the seconds until the next window opens
        or ends (None: none is coming), so the next round can be on time."""
        await self.refresh_due(notifier)
        now = self.clock()
        upcoming = await self.store.next_phase_change(now)
        return None if upcoming is None else (upcoming - now).total_seconds() + 0.2
