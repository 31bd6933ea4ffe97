"""Managing recordings after they are scheduled: list, stop and cancel.

Tencent's semantics drive the rules here: StopRecordTask ends a recording in its window (and
keeps it from starting again); DeleteRecordTask removes a task before it starts but does not stop
a running one; DescribeRecordTask only lists tasks whose whole window lies in the query span.
Each use case returns data: what was done, or why not.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.recording.access import AccessGate, Refused
from bot.recording.model import (
    AuditAction,
    Listed,
    ListedSeries,
    Listing,
    Managed,
    Post,
    PostKind,
    Recording,
    Series,
    SeriesCancelled,
    SeriesKind,
    SeriesState,
    State,
    TaskStatus,
    Verb,
    WindowPhase,
    phase_at,
)
from bot.recording.ports import (
    TASK_GONE_CODES,
    Clock,
    LiveApi,
    LiveApiError,
    Outbox,
    OutcomeUnknown,
    RecordTaskInfo,
    Store,
    TencentRejected,
)
from bot.recording.rules import MAX_AHEAD, MAX_DURATION, QUERY_SPAN

log = logging.getLogger(__name__)

RECENT = timedelta(days=1)  # "recently ended" in /record list


# ---- what a stop or cancel came to ------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """Tencent stopped or deleted the task; the thread is told (through the outbox)."""

    verb: Verb
    recording: Recording | None  # None: a task the bot did not schedule (an admin, by TaskId)
    managed: Managed
    #: The repeating series the recording is one occurrence of: only that occurrence changed,
    #: the rest of the series goes on.
    series: Series | None = None


@dataclass(frozen=True)
class NoRecord:
    """The bot has no record of that recording (an out-of-date button)."""

    verb: Verb


@dataclass(frozen=True)
class NotFound:
    """No task has that TaskId: the bot scheduled none, and Tencent knows none (or, for
    someone who may only manage the bot's own, the bot scheduled none)."""

    verb: Verb
    task_id: str


@dataclass(frozen=True)
class NotAllowed:
    """Only the requester or an admin may stop or cancel; ``recording`` None: the bot did not
    schedule the task, so only an admin may."""

    verb: Verb
    recording: Recording | None


class StateProblem(enum.StrEnum):
    ALREADY_STOPPED = "already stopped"
    ALREADY_CANCELLED = "already cancelled"
    NO_TASK = "no task"  # failed or unconfirmed: nothing to act on
    ENDED = "ended"
    NOT_STARTED = "not started"  # stop before the window: cancel instead
    RUNNING = "running"  # cancel in the window: stop instead


@dataclass(frozen=True)
class NotNow:
    """The recording's state does not allow it."""

    verb: Verb
    problem: StateProblem
    recording: Recording


@dataclass(frozen=True)
class Rejected:
    """Tencent refused; nothing changed."""

    verb: Verb
    code: str
    message: str
    request_id: str | None
    recording: Recording | None


@dataclass(frozen=True)
class Unclear:
    """No clear answer from Tencent: it may or may not have happened."""

    verb: Verb
    code: str
    recording: Recording | None


@dataclass(frozen=True)
class Raced:
    """Someone else changed it first; ``recording`` shows its state now."""

    verb: Verb
    recording: Recording


@dataclass(frozen=True)
class SeriesDone:
    """A whole series (or long window) was cancelled: the running part stopped, the later
    ones deleted or dropped; its thread is told. ``verb``: asked as a stop or cancel of one of
    its parts' TaskIds (a long window is stopped or cancelled as a whole)."""

    series: Series
    summary: SeriesCancelled
    verb: Verb | None = None


ManageResult = (Done | NoRecord | NotFound | NotAllowed | NotNow | Rejected | Unclear | Raced
                | SeriesDone)


@dataclass(frozen=True)
class Skipped:
    """One occurrence of a series was cancelled; the rest go on."""

    series: Series
    occurrence: int
    start: datetime


@dataclass(frozen=True)
class SeriesNotActive:
    """The series was cancelled already, or the occurrence is over or cancelled already."""

    series: Series


SeriesResult = SeriesDone | Skipped | SeriesNotActive | NoRecord | NotAllowed


class ManageRecordings:
    def __init__(self, live: LiveApi, store: Store, gate: AccessGate, clock: Clock,
                 outbox: Outbox, admins: frozenset[str] = frozenset(),
                 push_domains: tuple[str, ...] = ()) -> None:
        self.outbox = outbox
        self.live = live
        self.store = store
        self.gate = gate
        self.clock = clock
        self.admins = admins
        self.push_domains = push_domains

    # ---- stop and cancel -----------------------------------------------------------------

    def may_manage(self, user_id: str, recording: Recording | None) -> bool:
        if user_id in self.admins:
            return True
        return recording is not None and recording.requester_id == user_id

    def may_cancel_series(self, user_id: str, series: Series) -> bool:
        return user_id in self.admins or series.requester_id == user_id

    async def act(self, verb: Verb, *, user_id: str, team_id: str,
                  channel_id: str, task_id: str | None = None,
                  recording_id: int | None = None) -> ManageResult | Refused:
        """Stop or cancel one recording, named by its id (a button) or TaskId (a command). A
        part of a long window stands for the whole window (``SeriesDone``); a part of a
        repeating series for its occurrence only (``Done.series`` says which series goes on)."""
        refusal = await self.gate.refusal(team_id, user_id, channel_id, verb.value)
        if refusal is not None:
            return Refused(refusal)
        row = await self._find(team_id, task_id, recording_id)
        if row is None and not task_id:
            return NoRecord(verb)
        if row is None and task_id and user_id not in self.admins:
            # Not one of the bot's: a mistyped id, most likely. (Only an admin may act on a
            # task created elsewhere, and Tencent tells them whether it exists.)
            return NotFound(verb, task_id)
        if not self.may_manage(user_id, row):
            await self.store.add_audit(row.id if row else None, team_id, user_id,
                                       AuditAction.DENIED,
                                       f"{verb} {task_id or (row.task_id if row else '')}")
            return NotAllowed(verb, row)
        if row is None:
            return await self._act_elsewhere(verb, task_id, user_id, team_id)
        series = await self.store.get_series(row.series_id) if row.series_id else None
        if (series is not None and series.kind is SeriesKind.WINDOW
                and series.state is SeriesState.ACTIVE):
            return await self._act_window(verb, series, row, user_id, team_id, channel_id)
        result = await self._act_row(verb, row, user_id, team_id)
        if (isinstance(result, Done) and series is not None
                and series.kind is SeriesKind.REPEAT):
            return Done(result.verb, result.recording, result.managed, series)
        return result

    async def _act_elsewhere(self, verb: Verb, task_id: str | None, user_id: str,
                             team_id: str) -> ManageResult:
        """An admin's stop or cancel of a task the bot did not schedule, by its TaskId."""
        assert task_id
        try:
            if verb is Verb.STOP:
                request_id = await self.live.stop_record_task(task_id)
            else:
                request_id = await self.live.delete_record_task(task_id)
        except TencentRejected as e:
            if e.code in TASK_GONE_CODES:
                return NotFound(verb, task_id)
            return Rejected(verb, e.code, e.message, e.request_id, None)
        except OutcomeUnknown as e:
            return Unclear(verb, e.code, None)
        managed = Managed(verb, user_id, self.clock(), task_id, request_id)
        await self.store.add_audit(None, team_id, user_id,
                                   AuditAction.STOP if verb is Verb.STOP else AuditAction.CANCEL,
                                   f"TaskId {task_id} RequestId {request_id}")
        return Done(verb, None, managed)

    async def _act_window(self, verb: Verb, series: Series, row: Recording, user_id: str,
                          team_id: str, channel_id: str) -> ManageResult:
        """A stop or cancel of one part of a long window acts on the whole window, as its
        root's button does; the window's phase (not the part's) says which verb fits."""
        parts = await self.store.series_parts(series.id)
        phase = phase_at(parts[0].start_time, parts[-1].end_time, self.clock())
        if phase is WindowPhase.AFTER:
            return NotNow(verb, StateProblem.ENDED, row)
        if verb is Verb.STOP and phase is WindowPhase.BEFORE:
            return NotNow(verb, StateProblem.NOT_STARTED, row)
        if verb is Verb.CANCEL and phase is WindowPhase.DURING:
            return NotNow(verb, StateProblem.RUNNING, row)
        done = await self._cancel_whole(series, user_id, team_id, channel_id)
        if not isinstance(done, SeriesDone):  # cancelled a moment ago by someone else
            return NotNow(verb, StateProblem.ALREADY_CANCELLED, row)
        return SeriesDone(done.series, done.summary, verb)

    async def _act_row(self, verb: Verb, row: Recording, user_id: str,
                       team_id: str) -> ManageResult:
        """Stop or cancel one recording the bot scheduled (its own task only)."""
        problem = self._state_problem(verb, row)
        if problem is not None:
            return NotNow(verb, problem, row)
        task_id = row.task_id
        assert task_id
        try:
            if verb is Verb.STOP:
                request_id = await self.live.stop_record_task(task_id)
            else:
                request_id = await self.live.delete_record_task(task_id)
        except TencentRejected as e:
            current = await self.store.get(row.id)
            if (e.code in TASK_GONE_CODES and current is not None
                    and current.state is not State.CREATED):
                return Raced(verb, current)  # someone else removed it a moment ago
            return Rejected(verb, e.code, e.message, e.request_id, row)
        except OutcomeUnknown as e:
            return Unclear(verb, e.code, row)
        new_state = State.STOPPED if verb is Verb.STOP else State.CANCELLED
        managed = Managed(verb, user_id, self.clock(), task_id, request_id)
        # The thread is told, with the change.
        changed = await self.store.transition(row.id, [State.CREATED], new_state,
                                              posts=[Post(PostKind.REPLY, managed)])
        current = await self.store.get(row.id)
        assert current is not None
        if not changed:  # someone else got there first; Tencent's answer is the same
            return Raced(verb, current)
        self.outbox.wake()
        await self.store.add_audit(row.id, team_id, user_id,
                                   AuditAction.STOP if verb is Verb.STOP else AuditAction.CANCEL,
                                   f"TaskId {task_id} RequestId {request_id}")
        return Done(verb, current, managed)

    # ---- series ------------------------------------------------------------------------------

    async def _series_for(self, series_id: int, team_id: str, user_id: str,
                          what: str) -> Series | NoRecord | NotAllowed:
        series = await self.store.get_series(series_id)
        if series is None or (team_id and series.team_id != team_id):
            return NoRecord(Verb.CANCEL)
        if not self.may_cancel_series(user_id, series):
            await self.store.add_audit(None, team_id, user_id, AuditAction.DENIED,
                                       f"{what} series {series_id}")
            return NotAllowed(Verb.CANCEL, None)
        return series

    async def cancel_series(self, series_id: int, *, user_id: str, team_id: str,
                            channel_id: str) -> SeriesResult | Refused:
        """Cancel a whole series or long window: planned parts are dropped, the part recording
        now is stopped, created parts still to come are deleted."""
        refusal = await self.gate.refusal(team_id, user_id, channel_id, "cancel series")
        if refusal is not None:
            return Refused(refusal)
        found = await self._series_for(series_id, team_id, user_id, "cancel")
        if not isinstance(found, Series):
            return found
        return await self._cancel_whole(found, user_id, team_id, channel_id)

    async def _cancel_whole(self, found: Series, user_id: str, team_id: str,
                            channel_id: str) -> SeriesDone | SeriesNotActive:
        series_id = found.id
        dropped = await self.store.cancel_series(series_id)
        if dropped is None:
            return SeriesNotActive(found)
        stopped = deleted = left = 0
        now = self.clock()
        for part in await self.store.series_parts(series_id):
            if part.state in (State.ACCEPTED, State.UNKNOWN) and now < part.end_time:
                left += 1  # being created right now: its outcome comes to the thread
                continue
            if part.state is not State.CREATED or now >= part.end_time:
                continue
            verb = Verb.STOP if now >= part.start_time else Verb.CANCEL
            result = await self._act_row(verb, part, user_id, team_id)
            if isinstance(result, Done | Raced):
                stopped += verb is Verb.STOP
                deleted += verb is Verb.CANCEL
            else:
                left += 1
        summary = SeriesCancelled(user_id, self.clock(), len(dropped), deleted, stopped, left)
        parts = await self.store.series_parts(series_id)
        await self.store.update(parts[0].id, posts=[Post(PostKind.REPLY, summary)])
        self.outbox.wake()
        await self.store.add_audit(parts[0].id, team_id, user_id, AuditAction.CANCEL,
                                   f"series {series_id}: {len(dropped)} planned, {deleted} "
                                   f"deleted, {stopped} stopped, {left} left")
        current = await self.store.get_series(series_id)
        return SeriesDone(current or found, summary)

    async def skip_occurrence(self, series_id: int, occurrence: int, *, user_id: str,
                              team_id: str, channel_id: str) -> SeriesResult | Refused:
        """Cancel one occurrence of a series (all its parts), leaving the rest."""
        refusal = await self.gate.refusal(team_id, user_id, channel_id, "skip occurrence")
        if refusal is not None:
            return Refused(refusal)
        found = await self._series_for(series_id, team_id, user_id, "skip")
        if not isinstance(found, Series):
            return found
        parts = [p for p in await self.store.series_parts(series_id)
                 if p.occurrence == occurrence]
        now = self.clock()
        acted = False
        for part in parts:
            if part.state is State.PLANNED:
                managed = Managed(Verb.CANCEL, user_id, now, None, None)
                acted |= await self.store.transition(part.id, [State.PLANNED], State.CANCELLED,
                                                     posts=[Post(PostKind.REPLY, managed)])
            elif part.state is State.CREATED and now < part.end_time:
                verb = Verb.STOP if now >= part.start_time else Verb.CANCEL
                result = await self._act_row(verb, part, user_id, team_id)
                acted |= isinstance(result, Done)
        if not acted or not parts:
            return SeriesNotActive(found)
        self.outbox.wake()
        await self.store.add_audit(parts[0].id, team_id, user_id, AuditAction.CANCEL,
                                   f"series {series_id} occurrence {occurrence}")
        return Skipped(found, occurrence, parts[0].start_time)

    async def _find(self, team_id: str, task_id: str | None,
                    recording_id: int | None) -> Recording | None:
        row = None
        if recording_id is not None:
            row = await self.store.get(recording_id)
        elif task_id:
            row = await self.store.by_task_id(task_id)
        if row is not None and team_id and row.team_id and row.team_id != team_id:
            return None  # another workspace's recording is not ours to touch
        return row

    def _state_problem(self, verb: Verb, row: Recording) -> StateProblem | None:
        now = self.clock()
        if row.state is State.STOPPED:
            return StateProblem.ALREADY_STOPPED
        if row.state is State.CANCELLED:
            return StateProblem.ALREADY_CANCELLED
        if row.state is not State.CREATED or not row.task_id:
            return StateProblem.NO_TASK
        if now >= row.end_time:
            return StateProblem.ENDED
        if verb is Verb.STOP and now < row.start_time:
            return StateProblem.NOT_STARTED
        if verb is Verb.CANCEL and now >= row.start_time:
            return StateProblem.RUNNING
        return None

    # ---- listing ---------------------------------------------------------------------------

    async def list(self, team_id: str, user_id: str, channel_id: str,
                   stream: str | None = None) -> Listing | Refused:
        """`/record list [stream]`: the bot's recordings merged with what Tencent lists, on now
        or coming first (soonest first), then what ended in the last day (latest first)."""
        refusal = await self.gate.refusal(team_id, user_id, channel_id, "list")
        if refusal is not None:
            return Refused(refusal)
        now = self.clock()
        rows = await self.store.for_team(team_id, since=now - RECENT, stream=stream)
        tencent: dict[str, RecordTaskInfo] = {}
        error = None
        try:
            for task in await self._describe_upcoming(now, stream):
                tencent[task.task_id] = task
        except LiveApiError as e:
            error = e.code
        items: list[Listed] = []
        seen: set[str] = set()
        for row in rows:
            if row.state in (State.FAILED, State.PLANNED):
                continue  # planned parts: their series' line says when they come
            info = tencent.get(row.task_id or "")
            if row.task_id:
                seen.add(row.task_id)
            items.append(self._listed_row(row, info, now, error is None))
        for task in tencent.values():
            if task.task_id in seen:
                continue
            if self.push_domains and task.domain_name not in self.push_domains:
                continue
            items.append(Listed(
                stream=task.stream_name, domain=task.domain_name, app=task.app_name,
                start=datetime.fromtimestamp(task.start_time, UTC),
                end=datetime.fromtimestamp(task.end_time, UTC),
                status=task.status_at(int(now.timestamp())), task_id=task.task_id,
                from_bot=False,
            ))
        order = [TaskStatus.IN_WINDOW, TaskStatus.SCHEDULED, TaskStatus.UNCONFIRMED,
                 TaskStatus.MISSING]
        active = sorted((i for i in items if i.status.active),
                        key=lambda i: (order.index(i.status), i.start))
        done = sorted((i for i in items if not i.status.active), key=lambda i: i.end,
                      reverse=True)
        return Listing(active + done, error, await self._series_lines(team_id, now, stream))

    async def _series_lines(self, team_id: str, now: datetime,
                            stream: str | None) -> list[ListedSeries]:
        return await series_to_come(self.store, team_id, now, stream)

    async def _describe_upcoming(self, now: datetime, stream: str | None) -> list[RecordTaskInfo]:
        """Tasks from a day ago to seven days ahead, in week-long queries that overlap by a day
        so a task (≤ 24 h) crossing a boundary still lies wholly inside one of them."""
        first_start = now - RECENT
        windows = [(first_start, first_start + QUERY_SPAN)]
        second_start = windows[0][1] - MAX_DURATION
        windows.append((second_start, now + MAX_AHEAD + timedelta(hours=1)))
        found: dict[str, RecordTaskInfo] = {}
        for start, end in windows:
            for task in await self.live.describe_record_tasks(
                int(start.timestamp()), int(end.timestamp()), stream_name=stream
            ):
                found[task.task_id] = task
        return list(found.values())

    @staticmethod
    def _listed_row(row: Recording, info: RecordTaskInfo | None, now: datetime,
                    tencent_known: bool) -> Listed:
        if row.state is State.CANCELLED:
            status = TaskStatus.CANCELLED
        elif row.state in (State.ACCEPTED, State.UNKNOWN):
            status = TaskStatus.UNCONFIRMED
        elif info is not None:
            status = info.status_at(int(now.timestamp()))
        elif row.state is State.STOPPED:
            status = TaskStatus.STOPPED
        elif tencent_known and now < row.end_time:
            status = TaskStatus.MISSING
        else:
            status = (TaskStatus.SCHEDULED if now < row.start_time
                      else TaskStatus.IN_WINDOW if now < row.end_time else TaskStatus.ENDED)
        return Listed(
            stream=row.stream_name, domain=row.domain_name, app=row.app_name,
            start=row.start_time, end=row.end_time, status=status, task_id=row.task_id,
            recording_id=row.id, requester_id=row.requester_id, channel_id=row.channel_id,
            root_ts=row.root_ts,
        )



async def series_to_come(store: Store, team_id: str, now: datetime,
                         stream: str | None = None) -> list[ListedSeries]:
    """A team's active series with an occurrence not over and not skipped, each with its next
    occurrence, soonest first (`/record list`, App Home)."""
    lines = []
    for series in await store.series_for_team(team_id, since=now, stream=stream):
        coming: dict[int, list[Recording]] = {}
        for part in await store.series_parts(series.id):
            if part.end_time > now and part.state is not State.CANCELLED:
                coming.setdefault(part.occurrence or 0, []).append(part)
        if not coming:
            continue
        nxt = min(coming.values(), key=lambda o: o[0].start_time)
        lines.append(ListedSeries(series, nxt[0].start_time, nxt[-1].end_time, len(coming)))
    return sorted(lines, key=lambda line: line.next_start)
