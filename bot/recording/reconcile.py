"""Settle requests whose outcome nobody knows (accepted or unknown), by asking Tencent.

A request being scheduled is leased to the bot process working on it, and the lease is renewed
while that process lives (bot.jobs). So a request whose lease has run out was left by a process
that is gone (a crash, a deploy, before Tencent answered), or is an unknown outcome whose next
look-up is due. Every process looks for those every few seconds; the store's claim gives each to
exactly one of them, which asks Tencent — always DescribeRecordTask, never creating the task
again — and stores the answer with its message for the thread. When Tencent cannot be asked,
the request is looked at again later, a little later each time (up to ``MAX_BACKOFF``), until
it answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from bot.recording.model import (
    PENDING_STATES,
    AuditAction,
    Post,
    PostKind,
    Reconciled,
    Recording,
    State,
)
from bot.recording.ports import Clock, LiveApi, LiveApiError, Outbox, RecordTaskInfo, Store, Worker
from bot.recording.scheduler import withdraw_if_cancelled

log = logging.getLogger(__name__)

#: Seconds around the window of the request when asking Tencent for its task.
LOOKUP_SLACK = 60
#: The longest wait between two look-ups of a request Tencent could not be asked about.
MAX_BACKOFF = timedelta(minutes=5)


class Reconcile:
    def __init__(self, live: LiveApi, store: Store, clock: Clock, worker: Worker,
                 outbox: Outbox, retry_after: timedelta = timedelta(seconds=30)) -> None:
        self.live = live
        self.store = store
        self.clock = clock
        self.worker = worker
        self.outbox = outbox
        self.retry_after = retry_after

    async def due(self) -> int:
        """One round: settle the unconfirmed requests nobody holds; how many were settled."""
        settled = 0
        now = self.clock()
        for row in await self.store.due_pending(now):
            if not await self.store.claim_pending(row.id, self.worker.owner,
                                                  now + self.worker.lease, now):
                continue  # another process took it
            if await self._settle(row):
                settled += 1
        if settled:
            log.info("reconciled %d request(s) left unconfirmed", settled)
        return settled

    async def _settle(self, row: Recording) -> bool:
        span = (int(row.start_time.timestamp()) - LOOKUP_SLACK,
                int(row.end_time.timestamp()) + LOOKUP_SLACK)
        try:
            tasks = await self.live.describe_record_tasks(
                span[0], span[1], stream_name=row.stream_name, domain_name=row.domain_name,
                app_name=row.app_name,
            )
        except LiveApiError as e:
            wait = min(MAX_BACKOFF, self.retry_after * 2 ** min(row.attempts, 16))
            log.warning("cannot reconcile recording %s yet (%s); trying again in %.0f s",
                        row.id, e.code, wait.total_seconds())
            await self.store.update(row.id, lease_owner=None, lease_until=self.clock() + wait,
                                    attempts=row.attempts + 1)
            return False
        found = await self._match(row, tasks)
        answer = Reconciled(found.task_id if found else None)
        released = {"lease_owner": None, "lease_until": None}
        posts = [Post(PostKind.REPLY, answer)]
        if found is not None:
            changed = await self.store.transition(
                row.id, PENDING_STATES, State.CREATED, posts=posts, task_id=found.task_id,
                error_code=None, error_message=None, shown_phase=row.phase(self.clock()),
                **released)
        elif row.series_id is not None and row.end_time > self.clock():
            # A series' part whose process went before Tencent answered, and Tencent has no
            # task for it: planned again, so the scheduler creates it (still once).
            changed = await self.store.transition(row.id, PENDING_STATES, State.PLANNED,
                                                  **released)
            if changed:
                log.info("part %d of series %d planned again: Tencent has no task for it",
                         row.id, row.series_id)
            return changed
        else:
            changed = await self.store.transition(
                row.id, PENDING_STATES, State.FAILED, posts=posts, error_code="NotCreated",
                error_message="Tencent has no task for this request.", **released)
        if not changed:
            return False
        if found is not None:  # a series cancelled while nobody knew about this task
            await withdraw_if_cancelled(self.live, self.store, self.clock, row.id)
        self.outbox.wake()
        detail = f"TaskId {found.task_id}" if found else "no task on Tencent"
        await self.store.add_audit(row.id, row.team_id, "recordbot", AuditAction.RECONCILE,
                                   detail)
        return True

    async def _match(self, row: Recording,
                     tasks: Iterable[RecordTaskInfo]) -> RecordTaskInfo | None:
        """The task with exactly this request's stream and window that no other request of
        the bot already claims."""
        start, end = int(row.start_time.timestamp()), int(row.end_time.timestamp())
        for task in tasks:
            if (task.stream_name, task.domain_name, task.app_name) != (
                row.stream_name, row.domain_name, row.app_name
            ) or (task.start_time, task.end_time) != (start, end):
                continue
            other = await self.store.by_task_id(task.task_id)
            if other is None or other.id == row.id:
                return task
        return None


class Heartbeat:
    """Keeps this process's leases on the requests it works on from running out."""

    def __init__(self, store: Store, clock: Clock, worker: Worker) -> None:
        self.store = store
        self.clock = clock
        self.worker = worker

    async def beat(self) -> int:
        return await self.store.renew_leases(self.worker.owner,
                                             self.clock() + self.worker.lease)
