"""The outbox: messages about recordings, stored with the change they report, delivered after.

``OutboxRelay`` is the use cases' ``Outbox`` port. Every process runs it; the store's claim
gives each post to one process at a time, and a recording's posts go out in order (its root
before its replies). What the ``Sender`` (the Slack side) cannot deliver now is tried again
later, a little later each time, so a restart or an outage delays a message but never loses
it: the store says which are still undelivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Protocol

from bot.recording.model import Pending, PostKind, Recording
from bot.recording.ports import Clock, Store, Worker

log = logging.getLogger(__name__)

#: How long a process holds a post it is delivering, and the longest wait between attempts
#: (1 s, 2 s, 4 s … a minute: once Slack is back, what waited goes out within a minute).
CLAIM = timedelta(seconds=20)
FIRST_BACKOFF = timedelta(seconds=1)
MAX_BACKOFF = timedelta(minutes=1)
#: How often the outbox is looked at when nothing woke it.
POLL_SECONDS = 1.0


class TryLater(Exception):
    """The post could not be delivered now (an outage, a rate limit that outlasted retries)."""


class Sender(Protocol):
    """Delivers one post about a recording (Slack: bot.slack.delivery)."""

    async def send(self, recording: Recording, post: Pending) -> str | None:
        """Deliver it; for an announcement, the root message's reference. Raises TryLater
        when it should be tried again later; anything else is logged and not retried."""


class OutboxRelay:
    def __init__(self, store: Store, sender: Sender, clock: Clock, worker: Worker) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.worker = worker
        self._wake = asyncio.Event()
        self._busy = 0
        self._tasks: set[asyncio.Task[None]] = set()
        # Recordings whose post this process is delivering now, to wait for rather than skip.
        self._sending: dict[int, asyncio.Event] = {}

    # ---- the Outbox port ------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    async def deliver_now(self, recording_id: int, patience: float = 5.0) -> None:
        """Deliver one recording's posts (its root, say, before Tencent is asked) now; after
        ``patience`` seconds the caller goes on and the delivery continues in the background
        — it is never cut off halfway, which could post a message twice."""
        task = asyncio.get_running_loop().create_task(self._deliver_recording(recording_id),
                                                      name=f"deliver-{recording_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.wait({task}, timeout=patience)

    # ---- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        """Deliver until cancelled: whenever woken, and every second anyway (posts stored by
        another process, retries that came due)."""
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_SECONDS):  # no task per wait, unlike wait_for
                    await self._wake.wait()
            self._wake.clear()
            try:
                while await self.deliver_due():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivering the outbox failed; trying again in a second")

    @property
    def busy(self) -> bool:
        """Whether a delivery is under way or asked for (the shell waits for it)."""
        return self._busy > 0 or self._wake.is_set() or bool(self._tasks)

    async def deliver_due(self, recording_id: int | None = None) -> int:
        """Deliver what is due now (of one recording, if given); how many went out."""
        now = self.clock()
        delivered = 0
        for post in await self.store.deliverable(now, recording_id=recording_id):
            if post.recording_id in self._sending:
                continue  # this process is on that recording already
            if not await self.store.claim_post(post.id, self.worker.owner, now + CLAIM, now):
                continue  # another process has it
            self._busy += 1
            done = self._sending[post.recording_id] = asyncio.Event()
            try:
                delivered += await self._deliver(post)
            finally:
                self._busy -= 1
                del self._sending[post.recording_id]
                done.set()
        return delivered

    async def _deliver_recording(self, recording_id: int) -> None:
        try:
            while True:
                sending = self._sending.get(recording_id)
                if sending is not None:  # the loop has it: wait for that, then look again
                    await sending.wait()
                    continue
                if not await self.deliver_due(recording_id):
                    return
        except Exception:
            log.exception("delivering the posts of recording %d failed", recording_id)

    async def _deliver(self, post: Pending) -> int:
        rec = await self.store.get(post.recording_id)
        try:
            ref = None if rec is None else await self.sender.send(rec, post)
        except TryLater as e:
            wait = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** min(post.attempts, 16))
            log.warning("post %d (recording %d) not delivered (%s); trying again in %.0f s",
                        post.id, post.recording_id, e, wait.total_seconds())
            await self.store.post_failed(post.id, self.clock() + wait, str(e))
            return 0
        except Exception as e:  # a bug in the message itself: retrying would not help
            log.exception("post %d (recording %d) could not be delivered", post.id,
                          post.recording_id)
            await self.store.post_given_up(post.id, self.clock(), f"{type(e).__name__}: {e}")
            return 0
        if ref is not None and post.kind is PostKind.ANNOUNCE:
            await self.store.update(post.recording_id, root_ts=ref)
        if rec is not None and rec.series_id is not None and post.kind is PostKind.ANNOUNCE:
            await self.store.series_announced(rec.series_id, ref)
        await self.store.post_delivered(post.id, self.clock())
        return 1
