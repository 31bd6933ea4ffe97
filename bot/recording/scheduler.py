"""The series scheduler: creates each planned part's task once it enters Tencent's horizon.

The schedule lives in the database (parts stored PLANNED, bot.recording.series), not in timers:
every bot process runs ``SeriesScheduler.due`` every few seconds (bot.jobs), and a part is taken
with a compare-and-set from PLANNED to ACCEPTED, leased to the process that took it — so of
several replicas exactly one creates it, and from then on it is an ordinary request: the
heartbeat keeps its lease while that process lives, and should the process die before Tencent
answers, reconciliation looks the task up (never creating it twice). Every creation goes
through the Live API as the bot builds it (the shared rate limit, the retries) and the overlap
guard (at most three tasks of one stream at once); its outcome goes to the series' thread
through the outbox.

After a restart or an outage the first round catches up: a part whose window is over is
marked missed and the thread says so; one that began records from now, and the thread says
how much was missed.

A series cancelled while a part's CreateRecordTask is in flight: the cancel cannot touch a
task that does not exist yet, so once Tencent answers (here, or reconciliation finding it) the
database is asked again, and a task created for a cancelled series is removed at once — deleted,
or stopped if its window has begun — and the thread says so (``withdraw_if_cancelled``).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.recording.model import (
    AuditAction,
    Outcome,
    Post,
    PostKind,
    Recording,
    SeriesState,
    State,
    Verb,
    phase_at,
)
from bot.recording.ports import (
    NO_METRICS,
    TASK_GONE_CODES,
    Clock,
    LiveApi,
    LiveApiError,
    Metrics,
    Outbox,
    OutcomeUnknown,
    RecordTaskSpec,
    ScheduleOutcome,
    Store,
    TencentRejected,
    Worker,
)
from bot.recording.rules import MAX_DURATION, MAX_OVERLAPPING

log = logging.getLogger(__name__)

#: How often each process looks for planned parts that entered the horizon.
SCHEDULER_INTERVAL = 10.0
#: A part that began less than this long before it was created is not said to be late (a
#: series asked while its first occurrence runs starts it from then).
LATE_AFTER = timedelta(minutes=1)


class PartProblem(enum.StrEnum):
    MISSED = "missed"  # the window passed while no bot process ran: nothing was recorded
    LATE = "late"  # the window had begun: recording from now (``missed`` is what was lost)
    OVERLAP_FULL = "overlap full"  # three tasks of the stream already overlap it


@dataclass(frozen=True)
class PartWithdrawn:
    """A task created for a part after its series was cancelled (the create was in flight):
    the bot deleted it (``verb`` CANCEL) or stopped it (STOP, its window had begun); ``code``
    set: Tencent could not be made to, and the task is still there."""

    verb: Verb
    task_id: str
    start: datetime
    end: datetime
    code: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class PartNotice:
    """What the scheduler says about a part in its series' thread, besides Tencent's answer."""

    problem: PartProblem
    start: datetime
    end: datetime
    missed: timedelta | None = None
    overlapping: int = 0


class SeriesScheduler:
    def __init__(self, live: LiveApi, store: Store, clock: Clock, worker: Worker,
                 outbox: Outbox, recheck_after: timedelta = timedelta(seconds=30),
                 metrics: Metrics = NO_METRICS) -> None:
        self.metrics = metrics
        self.live = live
        self.store = store
        self.clock = clock
        self.worker = worker
        self.outbox = outbox
        self.recheck_after = recheck_after

    async def due(self) -> int:
        """One round: create the task of every planned part now within the horizon (or mark
        it missed); how many parts this process took."""
        taken = 0
        for row in await self.store.due_planned(self.clock()):
            now = self.clock()
            if row.end_time <= now:
                taken += await self._missed(row)
                continue
            if not await self.store.transition(
                    row.id, [State.PLANNED], State.ACCEPTED, lease_owner=self.worker.owner,
                    lease_until=now + self.worker.lease):
                continue  # another process took it
            taken += 1
            series = await self.store.get_series(row.series_id) if row.series_id else None
            if series is not None and series.state is SeriesState.CANCELLED:
                # Cancelled between the look and the claim: its summary said it already.
                await self.store.transition(row.id, [State.ACCEPTED], State.CANCELLED,
                                            lease_owner=None, lease_until=None)
                continue
            try:
                await self._create(row, now)
            except Exception:  # one part's trouble must not stop the round nor strand the part
                log.exception("creating part %d of series %s failed; reconciliation will look "
                              "its task up", row.id, row.series_id)
                # Freed, the part is an unconfirmed request like any other: reconciliation
                # asks Tencent whether its task exists (never creating it twice) and says so.
                await self.store.update(row.id, lease_owner=None, lease_until=now)
        if taken:
            self.outbox.wake()
        return taken

    async def _missed(self, row: Recording) -> int:
        notice = PartNotice(PartProblem.MISSED, row.start_time, row.end_time,
                            missed=row.end_time - row.start_time)
        if not await self.store.transition(row.id, [State.PLANNED], State.FAILED,
                                           posts=[Post(PostKind.REPLY, notice)],
                                           error_code="Missed",
                                           error_message="The window passed while no bot "
                                                         "process was running."):
            return 0
        log.warning("part %d of series %s missed: its window passed while the bot was down",
                    row.id, row.series_id)
        self.metrics.scheduled(ScheduleOutcome.FAILED, "series_part_missed")
        await self.store.add_audit(row.id, row.team_id, None, AuditAction.CREATE, "missed")
        return 1

    async def _create(self, row: Recording, now: datetime) -> None:
        posts: list[Post] = []
        start = row.start_time
        if start < now.replace(microsecond=0):  # begun: record what is left
            start = now.replace(microsecond=0)
            if start - row.start_time >= LATE_AFTER:  # while no process ran: say so
                posts.append(Post(PostKind.REPLY, PartNotice(PartProblem.LATE, row.start_time,
                                                             row.end_time,
                                                             missed=start - row.start_time)))
            row = await self.store.update(row.id, start_time=start)
        overlapping = await self._overlapping(row)
        if overlapping >= MAX_OVERLAPPING:
            notice = PartNotice(PartProblem.OVERLAP_FULL, row.start_time, row.end_time,
                                overlapping=overlapping)
            await self.store.transition(
                row.id, [State.ACCEPTED], State.FAILED,
                posts=[*posts, Post(PostKind.REPLY, notice)], error_code="TooManyOverlapping",
                error_message=f"{overlapping} tasks of the stream overlap it",
                lease_owner=None, lease_until=None)
            await self.store.add_audit(row.id, row.team_id, None, AuditAction.CREATE,
                                       "failed TooManyOverlapping")
            self.metrics.scheduled(ScheduleOutcome.REFUSED, "too_many_overlaps")
            return
        outcome = await create_task(self.live, RecordTaskSpec(
            stream_name=row.stream_name, domain_name=row.domain_name, app_name=row.app_name,
            start_time=int(row.start_time.timestamp()), end_time=int(row.end_time.timestamp()),
            stream_type=row.stream_type, template_id=row.template_id))
        outcome = Outcome(outcome.state, outcome.task_id, outcome.code, outcome.message,
                          outcome.request_id, row.id)
        now = self.clock()
        await self.store.update(
            row.id, posts=[*posts, Post(PostKind.REPLY, outcome)], state=outcome.state,
            task_id=outcome.task_id, error_code=outcome.code, error_message=outcome.message,
            request_id=outcome.request_id,
            shown_phase=(phase_at(row.start_time, row.end_time, now)
                         if outcome.state is State.CREATED else None),
            lease_owner=None,
            lease_until=now + self.recheck_after if outcome.state is State.UNKNOWN else None)
        await self.store.add_audit(row.id, row.team_id, None, AuditAction.CREATE,
                                   f"{outcome.state.value} {outcome.task_id or outcome.code}")
        log.info("series %s part %d: %s", row.series_id, row.id, outcome.state.value)
        if outcome.state is State.CREATED:
            self.metrics.scheduled(ScheduleOutcome.CREATED, "series_part")
            await withdraw_if_cancelled(self.live, self.store, self.clock, row.id)
        else:
            self.metrics.scheduled(ScheduleOutcome.TENCENT_ERROR if outcome.state is State.FAILED
                                   else ScheduleOutcome.UNKNOWN, outcome.code or "")

    async def _overlapping(self, row: Recording) -> int:
        """Tasks of the stream on Tencent overlapping the part (not stopped); 0 when Tencent
        cannot be asked (the create will tell)."""
        start, end = int(row.start_time.timestamp()), int(row.end_time.timestamp())
        widen = int(MAX_DURATION.total_seconds())
        try:
            tasks = await self.live.describe_record_tasks(
                start - widen, end + widen, stream_name=row.stream_name,
                domain_name=row.domain_name, app_name=row.app_name)
        except LiveApiError as e:
            log.warning("overlap check skipped: %s", e.code)
            return 0
        return sum(1 for t in tasks if t.overlaps(start, end))


async def withdraw_if_cancelled(live: LiveApi, store: Store, clock: Clock,
                                recording_id: int) -> bool:
    """If the part's series was cancelled while its task was being created, remove the task
    (DeleteRecordTask before its window, StopRecordTask in it) and tell the thread; when Tencent
    cannot be made to, the thread says so with the TaskId. True when the part was withdrawn."""
    row = await store.get(recording_id)
    if row is None or row.series_id is None or row.state is not State.CREATED or not row.task_id:
        return False
    series = await store.get_series(row.series_id)
    if series is None or series.state is not SeriesState.CANCELLED:
        return False
    now = clock()
    if now >= row.end_time:
        return False  # over already: nothing more to record, nothing to pay for
    task_id = row.task_id
    verb = Verb.STOP if now >= row.start_time else Verb.CANCEL
    try:
        if verb is Verb.STOP:
            request_id = await live.stop_record_task(task_id)
        else:
            request_id = await live.delete_record_task(task_id)
    except LiveApiError as e:
        current = await store.get(recording_id)
        if current is not None and current.state is not State.CREATED:
            return False  # the cancel got to it first (and its message says so)
        gone = isinstance(e, TencentRejected) and e.code in TASK_GONE_CODES
        log.warning("task %s of cancelled series %s could not be removed: %s", task_id,
                    row.series_id, e.code)
        if gone:  # Tencent has no such task any more: nothing runs
            notice = PartWithdrawn(verb, task_id, row.start_time, row.end_time)
            return await store.transition(recording_id, [State.CREATED], State.CANCELLED,
                                          posts=[Post(PostKind.REPLY, notice)])
        notice = PartWithdrawn(verb, task_id, row.start_time, row.end_time, code=e.code,
                               request_id=e.request_id)
        await store.update(recording_id, posts=[Post(PostKind.REPLY, notice)])
        return False
    notice = PartWithdrawn(verb, task_id, row.start_time, row.end_time, request_id=request_id)
    changed = await store.transition(
        recording_id, [State.CREATED], State.STOPPED if verb is Verb.STOP else State.CANCELLED,
        posts=[Post(PostKind.REPLY, notice)])
    if changed:
        log.info("task %s of cancelled series %s %s after its create answered", task_id,
                 row.series_id, "stopped" if verb is Verb.STOP else "deleted")
        await store.add_audit(recording_id, row.team_id, None,
                              AuditAction.STOP if verb is Verb.STOP else AuditAction.CANCEL,
                              f"series {row.series_id} cancelled during the create: "
                              f"TaskId {task_id} RequestId {request_id}")
    return changed


async def create_task(live: LiveApi, spec: RecordTaskSpec) -> Outcome:
    """CreateRecordTask, once (the Live API retries only what cannot have created a task);
    Tencent's failures come back as the outcome, never raised."""
    try:
        created = await live.create_record_task(spec)
    except TencentRejected as e:
        return Outcome(State.FAILED, code=e.code, message=e.message, request_id=e.request_id)
    except OutcomeUnknown as e:
        log.warning("CreateRecordTask outcome unknown: %s", e.code)
        return Outcome(State.UNKNOWN, code=e.code, message=e.message, request_id=e.request_id)
    return Outcome(State.CREATED, task_id=created.task_id, request_id=created.request_id)
