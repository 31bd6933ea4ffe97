"""Each request once: a request Slack delivers again (a retry after a timeout it thought it
saw), a replay of a captured one, or the same delivery reaching two bot processes, is taken in
by exactly one of them. The database remembers what was taken in, for an hour."""

from __future__ import annotations

from datetime import timedelta

from bot.recording.ports import Clock, Store

REMEMBER = timedelta(hours=1)


class Intake:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def first_sight(self, key: str) -> bool:
        """True the first time a request with this identity arrives, anywhere."""
        return await self.store.first_sight(key, self.clock())

    async def forget_old(self) -> int:
        return await self.store.forget_seen(self.clock() - REMEMBER)
