"""The daily digest: once a day, at DIGEST_TIME in its zone, one message in DIGEST_CHANNEL with
tomorrow's recordings and how yesterday's went (their completeness, what failed).

Exactly once per day however many bot processes run: the store keeps one row per digest date
(its key), and a process posts only the day it took (``claim_digest``). A process that was down
at the time posts when it is back, while it is still that day in the digest's zone; a day that
passed entirely without a running bot gets no digest (yesterday's news, a day late). When Slack
cannot take it now, the day is let go and taken again a little later. Slack-free: the digest is
data (bot.recording.report.Digest); bot.slack words it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.recording.model import PENDING_STATES, Recording, State
from bot.recording.outbox import TryLater
from bot.recording.ports import Clock, DigestPoster, Store, Worker
from bot.recording.report import Digest

log = logging.getLogger(__name__)

#: How long a process holds the day it is posting; how long after a failure it is tried again.
HOLD = timedelta(minutes=2)
RETRY = timedelta(minutes=1)
#: How often the job looks (the digest goes out within this of its time).
DIGEST_INTERVAL = 30.0


class DailyDigest:
    def __init__(self, store: Store, clock: Clock, poster: DigestPoster, at: time,
                 zone: str, worker: Worker) -> None:
        self.store = store
        self.clock = clock
        self.poster = poster
        self.at = at
        self.zone = zone
        self._tz = ZoneInfo(zone)
        self.worker = worker

    def due_day(self, now: datetime) -> datetime | None:
        """Midnight (in the zone) of the day whose digest is due at ``now``: today, once its
        time has come; None before."""
        local = now.astimezone(self._tz)
        if local.time().replace(tzinfo=None) < self.at:
            return None
        return datetime.combine(local.date(), time(), self._tz)

    async def round(self) -> bool:
        """Post today's digest if it is due and no process has (True when this one did)."""
        now = self.clock()
        midnight = self.due_day(now)
        if midnight is None:
            return False
        day = midnight.date().isoformat()
        if not await self.store.claim_digest(day, self.worker.owner, now + HOLD, now):
            return False  # posted already, or another process is posting it
        try:
            digest = await self.compose(midnight)
            await self.poster.post(digest)
        except TryLater as e:
            log.warning("daily digest of %s not posted (%s); trying again in a minute", day, e)
            await self.store.digest_failed(day, self.clock() + RETRY)
            return False
        except Exception:
            log.exception("daily digest of %s failed; trying again in a minute", day)
            await self.store.digest_failed(day, self.clock() + RETRY)
            return False
        await self.store.digest_posted(day, self.clock())
        log.info("daily digest of %s posted: %d tomorrow, %d yesterday, %d failed", day,
                 len(digest.tomorrow), len(digest.yesterday), len(digest.failures))
        return True

    async def compose(self, midnight: datetime) -> Digest:
        """The digest of the day starting at ``midnight`` (aware, in the zone); days are
        calendar days there, 23 or 25 hours long when the clocks change."""
        day = midnight.date()
        yesterday = datetime.combine(day - timedelta(days=1), time(), self._tz)
        tomorrow = datetime.combine(day + timedelta(days=1), time(), self._tz)
        after = datetime.combine(day + timedelta(days=2), time(), self._tz)
        rows = await self.store.overlapping(yesterday, after)

        def scheduled(r: Recording) -> bool:  # a series' planned part is scheduled too
            return r.state in (State.CREATED, State.PLANNED) or r.state in PENDING_STATES

        coming = tuple(r for r in rows if scheduled(r) and tomorrow <= r.start_time < after)
        ended = tuple(r for r in rows
                      if yesterday <= r.end_time < midnight and r.task_id
                      and r.state in (State.CREATED, State.STOPPED))
        failed = tuple(r for r in rows
                       if yesterday <= r.start_time < midnight
                       and (r.state is State.FAILED
                            or (r.state in PENDING_STATES and r.end_time <= midnight)))
        return Digest(day, self.zone, coming, ended, failed)
