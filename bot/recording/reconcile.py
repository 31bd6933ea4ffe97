"""Settle requests whose outcome nobody knows (accepted or unknown), by asking Tencent.

At start (a crash or a deploy came between persisting a request and its outcome) and some time
after an unknown outcome. Always by DescribeRecordTask, never by creating the task again; the
answer goes to the recording's thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from bot.recording.model import PENDING_STATES, AuditAction, Reconciled, Recording, State
from bot.recording.ports import Clock, LiveApi, LiveApiError, Notifier, RecordTaskInfo, Store

log = logging.getLogger(__name__)

#: Seconds around the window of the request when asking Tencent for its task.
LOOKUP_SLACK = 60


class Reconcile:
    def __init__(self, live: LiveApi, store: Store, clock: Clock,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.live = live
        self.store = store
        self.clock = clock
        self.sleep = sleep

    async def pending(self, notifier: Notifier) -> int:
        """At start: settle every request a crash or timeout left unconfirmed; how many were."""
        settled = 0
        for row in await self.store.pending():
            settled += await self.one(row.id, notifier) is not None
        if settled:
            log.info("reconciled %d request(s) left unconfirmed", settled)
        return settled

    async def later(self, recording_id: int, notifier: Notifier, delay: float,
                    attempts: int = 3) -> Reconciled | None:
        """After an unknown outcome: look the task up after ``delay``, then twice as long…"""
        for attempt in range(attempts):
            await self.sleep(delay * 2**attempt)
            row = await self.store.get(recording_id)
            if row is None or row.state not in PENDING_STATES:
                return None
            result = await self.one(recording_id, notifier)
            if result is not None:
                return result
        log.warning("recording %s still unconfirmed; it is checked again at the next start",
                    recording_id)
        return None

    async def one(self, recording_id: int, notifier: Notifier) -> Reconciled | None:
        """Ask Tencent whether the task of one accepted/unknown request exists, record the
        answer and tell the thread. None when Tencent could not be asked (try again later) or
        the request was settled meanwhile."""
        row = await self.store.get(recording_id)
        if row is None or row.state not in PENDING_STATES:
            return None
        result = await self._ask(row)
        if result is not None:
            await notifier.reply(result.recording, result)
        return result

    async def _ask(self, row: Recording) -> Reconciled | None:
        span = (int(row.start_time.timestamp()) - LOOKUP_SLACK,
                int(row.end_time.timestamp()) + LOOKUP_SLACK)
        try:
            tasks = await self.live.describe_record_tasks(
                span[0], span[1], stream_name=row.stream_name, domain_name=row.domain_name,
                app_name=row.app_name,
            )
        except LiveApiError as e:
            log.warning("cannot reconcile recording %s yet: %s", row.id, e.code)
            return None
        found = await self._match(row, tasks)
        if found is not None:
            changed = await self.store.transition(
                row.id, PENDING_STATES, State.CREATED, task_id=found.task_id,
                error_code=None, error_message=None, shown_phase=row.phase(self.clock()),
            )
        else:
            changed = await self.store.transition(
                row.id, PENDING_STATES, State.FAILED, error_code="NotCreated",
                error_message="Tencent has no task for this request.",
            )
        if not changed:
            return None
        detail = f"TaskId {found.task_id}" if found else "no task on Tencent"
        await self.store.add_audit(row.id, row.team_id, "recordbot", AuditAction.RECONCILE,
                                   detail)
        updated = await self.store.get(row.id)
        assert updated is not None
        return Reconciled(updated, found.task_id if found else None)

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
