"""Managing recordings after they are scheduled: list, stop, cancel, and reconcile after a crash.

Slack-free like the scheduling service: each use case returns a result the Slack layer renders.
Tencent's semantics drive the rules here: StopRecordTask ends a recording in its window (and
keeps it from starting again); DeleteRecordTask removes a task before it starts but does not stop
a running one; DescribeRecordTask only lists tasks whose whole window lies in the query span.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.store import AuditAction, Recording, RecordingStore, State
from bot.tencent.errors import advice_for
from bot.tencent.live_api import (
    LiveApi,
    LiveApiError,
    OutcomeUnknown,
    RecordTaskInfo,
    TencentRejected,
)

log = logging.getLogger(__name__)

RECENT = timedelta(days=1)  # "recently ended" in /record list
MAX_AHEAD = timedelta(days=7)
MAX_TASK = timedelta(hours=24)
QUERY_SPAN = timedelta(days=7)  # Describe allows at most a week per query


@dataclass(frozen=True)
class ListedRecording:
    stream: str
    domain: str
    app: str
    start: datetime
    end: datetime
    status: str  # scheduled | in window | ended | stopped | cancelled | unconfirmed | missing
    task_id: str | None = None
    recording_id: int | None = None
    requester_id: str | None = None
    channel_id: str | None = None
    root_ts: str | None = None
    from_bot: bool = True


@dataclass(frozen=True)
class Listing:
    items: list[ListedRecording]
    tencent_error: str | None = None  # set when only the bot's own records could be shown


@dataclass(frozen=True)
class ActionResult:
    """What a stop or cancel did. ``done`` False means nothing changed; ``text`` says why."""

    done: bool
    text: str
    recording: Recording | None = None
    request_id: str | None = None
    audit_detail: str = ""


@dataclass(frozen=True)
class Reconciled:
    recording: Recording
    found: RecordTaskInfo | None


@dataclass
class RecordingManager:
    live: LiveApi
    store: RecordingStore
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    admins: frozenset[str] = field(default_factory=frozenset)
    push_domains: tuple[str, ...] = ()

    # ---- permission ----------------------------------------------------------------------

    def may_manage(self, user_id: str, recording: Recording | None) -> bool:
        if user_id in self.admins:
            return True
        return recording is not None and recording.requester_id == user_id

    def _refusal(self, user_id: str, recording: Recording | None, verb: str) -> str:
        owner = f"<@{recording.requester_id}> (who asked for it)" if recording else "its owner"
        admin_note = "an admin listed in ADMIN_USER_IDS"
        if recording is None:
            return (f":no_entry: The bot did not schedule this task, so only {admin_note} may "
                    f"{verb} it.")
        return f":no_entry: Only {owner} or {admin_note} may {verb} this recording."

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

    # ---- stop and cancel -----------------------------------------------------------------

    async def stop(self, *, user_id: str, team_id: str, task_id: str | None = None,
                   recording_id: int | None = None) -> ActionResult:
        return await self._act("stop", user_id, team_id, task_id, recording_id)

    async def cancel(self, *, user_id: str, team_id: str, task_id: str | None = None,
                     recording_id: int | None = None) -> ActionResult:
        return await self._act("cancel", user_id, team_id, task_id, recording_id)

    async def _act(self, verb: str, user_id: str, team_id: str, task_id: str | None,
                   recording_id: int | None) -> ActionResult:
        row = await self._find(team_id, task_id, recording_id)
        if row is None and not task_id:
            return ActionResult(False, ":warning: I have no record of that recording.")
        if not self.may_manage(user_id, row):
            await self.store.add_audit(row.id if row else None, team_id, user_id,
                                       AuditAction.DENIED, f"{verb} {task_id or row.task_id}")
            return ActionResult(False, self._refusal(user_id, row, verb), row)
        if row is not None:
            problem = self._state_problem(verb, row)
            if problem:
                return ActionResult(False, problem, row)
            task_id = row.task_id
        assert task_id
        try:
            if verb == "stop":
                request_id = await self.live.stop_record_task(task_id)
            else:
                request_id = await self.live.delete_record_task(task_id)
        except TencentRejected as e:
            advice = advice_for(e.code)
            unchanged = ("The recording goes on as scheduled." if verb == "stop"
                         else "The task is still scheduled.")
            return ActionResult(
                False,
                f":x: Tencent refused to {verb} it: `{e.code}` — {e.message}\n"
                f"RequestId `{e.request_id}` · {advice.hint}\n*{unchanged}*",
                row, e.request_id,
            )
        except OutcomeUnknown as e:
            return ActionResult(
                False,
                f":warning: No clear answer from Tencent (`{e.code}`), so the task may or may "
                f"not have been {'stopped' if verb == 'stop' else 'cancelled'}. Check with "
                "`/record list` and try again if it is still there.",
                row,
            )
        new_state = State.STOPPED if verb == "stop" else State.CANCELLED
        if row is not None:
            changed = await self.store.transition(row.id, [State.CREATED], new_state)
            if not changed:  # someone else got there first; Tencent's answer is the same
                row = await self.store.get(row.id)
                return ActionResult(False, f":information_source: Already {row.state}.", row)
            row = await self.store.get(row.id)
        await self.store.add_audit(row.id if row else None, team_id, user_id,
                                   AuditAction.STOP if verb == "stop" else AuditAction.CANCEL,
                                   f"TaskId {task_id} RequestId {request_id}")
        return ActionResult(True, "", row, request_id)

    def _state_problem(self, verb: str, row: Recording) -> str | None:
        now = self.clock()
        if row.state in (State.STOPPED, State.CANCELLED):
            return f":information_source: This recording was already {row.state}."
        if row.state != State.CREATED or not row.task_id:
            return (":information_source: No recording task exists for this request, so there "
                    "is nothing to " + verb + ".")
        if now >= row.end_time:
            return ":information_source: This recording's window has already ended."
        if verb == "stop" and now < row.start_time:
            return (":information_source: It has not started yet, so there is nothing to stop. "
                    "Use *Cancel* to remove it.")
        if verb == "cancel" and now >= row.start_time:
            return (":information_source: It is already in its window, and Tencent's cancel "
                    "(DeleteRecordTask) does not stop a running recording. Use *Stop recording* "
                    "instead.")
        return None

    # ---- reconciliation --------------------------------------------------------------------

    async def reconcile(self, row: Recording) -> Reconciled | None:
        """Ask Tencent whether the task of an accepted/unknown row exists, and record the answer.

        Returns None when Tencent could not be asked (the row stays as it is, to try later).
        """
        span = (int(row.start_time.timestamp()) - 60, int(row.end_time.timestamp()) + 60)
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
                row.id, [State.ACCEPTED, State.UNKNOWN], State.CREATED, task_id=found.task_id,
                error_code=None, error_message=None,
            )
        else:
            changed = await self.store.transition(
                row.id, [State.ACCEPTED, State.UNKNOWN], State.FAILED,
                error_code="NotCreated",
                error_message="Tencent has no task for this request.",
            )
        if not changed:
            return None
        detail = f"TaskId {found.task_id}" if found else "no task on Tencent"
        await self.store.add_audit(row.id, row.team_id, "recordbot", AuditAction.RECONCILE,
                                   detail)
        updated = await self.store.get(row.id)
        assert updated is not None
        return Reconciled(updated, found)

    async def _match(self, row: Recording,
                     tasks: Iterable[RecordTaskInfo]) -> RecordTaskInfo | None:
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

    # ---- listing ---------------------------------------------------------------------------

    async def list(self, team_id: str, stream: str | None = None) -> Listing:
        now = self.clock()
        rows = await self.store.for_team(team_id, since=now - RECENT, stream=stream)
        tencent: dict[str, RecordTaskInfo] = {}
        error = None
        try:
            for task in await self._describe_upcoming(now, stream):
                tencent[task.task_id] = task
        except LiveApiError as e:
            error = e.code
        items: list[ListedRecording] = []
        seen: set[str] = set()
        for row in rows:
            if row.state == State.FAILED:
                continue
            info = tencent.get(row.task_id or "")
            if row.task_id:
                seen.add(row.task_id)
            items.append(self._listed_row(row, info, now, error is None))
        for task in tencent.values():
            if task.task_id in seen:
                continue
            if self.push_domains and task.domain_name not in self.push_domains:
                continue
            items.append(ListedRecording(
                stream=task.stream_name, domain=task.domain_name, app=task.app_name,
                start=datetime.fromtimestamp(task.start_time, UTC),
                end=datetime.fromtimestamp(task.end_time, UTC),
                status=task.status_at(int(now.timestamp())), task_id=task.task_id,
                from_bot=False,
            ))
        # What is on now or coming first (soonest first), then what is over (latest first).
        order = {"in window": 0, "scheduled": 1, "unconfirmed": 2, "missing": 3}
        active = sorted((i for i in items if i.status in order),
                        key=lambda i: (order[i.status], i.start))
        done = sorted((i for i in items if i.status not in order), key=lambda i: i.end,
                      reverse=True)
        return Listing(active + done, error)

    async def _describe_upcoming(self, now: datetime, stream: str | None) -> list[RecordTaskInfo]:
        """Tasks from a day ago to seven days ahead, in week-long queries that overlap by a day
        so a task (≤ 24 h) crossing a boundary still lies wholly inside one of them."""
        first_start = now - RECENT
        windows = [(first_start, first_start + QUERY_SPAN)]
        second_start = windows[0][1] - MAX_TASK
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
                    tencent_known: bool) -> ListedRecording:
        if row.state == State.CANCELLED:
            status = "cancelled"
        elif row.state in (State.ACCEPTED, State.UNKNOWN):
            status = "unconfirmed"
        elif info is not None:
            status = info.status_at(int(now.timestamp()))
        elif row.state == State.STOPPED:
            status = "stopped"
        elif tencent_known and now < row.end_time:
            status = "missing"  # created, yet Tencent no longer lists it (deleted elsewhere)
        else:
            status = ("scheduled" if now < row.start_time
                      else "in window" if now < row.end_time else "ended")
        return ListedRecording(
            stream=row.stream_name, domain=row.domain_name, app=row.app_name,
            start=row.start_time, end=row.end_time, status=status, task_id=row.task_id,
            recording_id=row.id, requester_id=row.requester_id, channel_id=row.channel_id,
            root_ts=row.root_ts,
        )
