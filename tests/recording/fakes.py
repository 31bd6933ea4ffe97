"""In-memory stand-ins for the use cases' ports: no HTTP, no database, no Slack.

Each keeps what was done to it so a test can look: the Live API its tasks and calls, the store
its rows and audit trail, the notifier what it would have shown.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.recording.model import (
    AuditAction,
    AuditEntry,
    NewEvent,
    NewRecording,
    Pending,
    Post,
    PostKind,
    Recording,
    State,
    StoredEvent,
    UserZone,
    WindowPhase,
    ZoneFallback,
)
from bot.recording.ports import (
    CreatedTask,
    LiveApiError,
    RecordTaskInfo,
    RecordTaskSpec,
    RecordTemplate,
    TencentRejected,
)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# ---- Tencent ---------------------------------------------------------------------------------


class FakeLive:
    """Tencent's record tasks in memory, with the window rules it enforces; ``fail[action]``
    is raised by the next call of that action."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.tasks: dict[str, RecordTaskInfo] = {}
        self.calls: list[tuple[str, Any]] = []
        self.fail: dict[str, LiveApiError] = {}
        self._ids = itertools.count(1)

    def _maybe_fail(self, action: str) -> None:
        error = self.fail.pop(action, None)
        if error is not None:
            raise error

    async def create_record_task(self, spec: RecordTaskSpec) -> CreatedTask:
        self.calls.append(("create", spec))
        self._maybe_fail("create")
        now = int(self.clock().timestamp())
        if not (spec.end_time > spec.start_time and spec.end_time > now
                and spec.end_time - spec.start_time <= 86400
                and spec.end_time < now + 7 * 86400 and spec.start_time <= now + 6 * 86400):
            raise TencentRejected("InvalidParameter.InvalidTaskTime", "bad window", "req-bad")
        task_id = f"TASK{next(self._ids)}"
        self.tasks[task_id] = RecordTaskInfo(task_id, spec.stream_name, spec.domain_name,
                                             spec.app_name, spec.start_time, spec.end_time,
                                             spec.template_id or 0, 0)
        return CreatedTask(task_id, f"req-{task_id}")

    async def describe_record_tasks(self, start_time: int, end_time: int,
                                    stream_name: str | None = None,
                                    domain_name: str | None = None,
                                    app_name: str | None = None) -> list[RecordTaskInfo]:
        self.calls.append(("describe", (start_time, end_time, stream_name)))
        self._maybe_fail("describe")
        return [t for t in self.tasks.values()
                if start_time <= t.start_time and t.end_time <= end_time
                and stream_name in (None, t.stream_name)
                and domain_name in (None, t.domain_name) and app_name in (None, t.app_name)]

    async def stop_record_task(self, task_id: str) -> str:
        self.calls.append(("stop", task_id))
        self._maybe_fail("stop")
        task = self._task(task_id)
        self.tasks[task_id] = replace(task, stopped=int(self.clock().timestamp()))
        return f"req-stop-{task_id}"

    async def delete_record_task(self, task_id: str) -> str:
        self.calls.append(("delete", task_id))
        self._maybe_fail("delete")
        self._task(task_id)
        del self.tasks[task_id]
        return f"req-delete-{task_id}"

    async def describe_record_templates(self) -> list[RecordTemplate]:
        return [RecordTemplate(10001, "hls_mp4", ("HLS", "MP4"))]

    def _task(self, task_id: str) -> RecordTaskInfo:
        if task_id not in self.tasks:
            raise TencentRejected("InvalidParameter.TaskNotExist", "no such task", "req-x")
        return self.tasks[task_id]

    def count(self, action: str) -> int:
        return sum(1 for name, _ in self.calls if name == action)


# ---- the store -------------------------------------------------------------------------------


class MemoryStore:
    """The ``Store`` port over dicts, with the same compare-and-set rules as the real one;
    ``posts`` is the outbox (each with its delivery, None while undelivered)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.rows: dict[int, Recording] = {}
        self.events: dict[int, StoredEvent] = {}
        self.trail: list[AuditEntry] = []
        self.outbox: list[Pending] = []
        self.delivered: dict[int, datetime] = {}
        self.claims: dict[int, tuple[str, datetime]] = {}
        self.seen: dict[str, datetime] = {}
        self.digests: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def posts(self, recording_id: int | None = None) -> list[Pending]:
        return [p for p in self.outbox if recording_id in (None, p.recording_id)]

    def messages(self, kind: type) -> list[Any]:
        """The replies of a kind the outbox holds, in order."""
        return [p.message for p in self.outbox if isinstance(p.message, kind)]

    def _post(self, recording_id: int, posts: Iterable[Post]) -> None:
        for p in posts:
            self.outbox.append(Pending(len(self.outbox) + 1, p.recording_id or recording_id,
                                       p.kind, p.message, p.reply_to, 0, self.clock()))

    async def add(self, recording: NewRecording, posts: Iterable[Post] = ()) -> Recording:
        now = self.clock()
        values = {f.name: getattr(recording, f.name) for f in fields(recording)}
        row = Recording(id=next(self._ids), created_at=now, updated_at=now,
                        **{**values, "when_text": values["when_text"] or values["raw_text"],
                           "start_time": values["start_time"].astimezone(UTC),
                           "end_time": values["end_time"].astimezone(UTC)})
        self.rows[row.id] = row
        self._post(row.id, posts)
        return row

    async def recent(self, recording: NewRecording, *, since: datetime,
                     tolerance: timedelta) -> Recording | None:
        for row in self.rows.values():
            if ((row.team_id, row.requester_id, row.stream_name, row.domain_name,
                 row.app_name) == (recording.team_id, recording.requester_id,
                                   recording.stream_name, recording.domain_name,
                                   recording.app_name)
                    and row.state in (State.ACCEPTED, State.CREATED, State.UNKNOWN)
                    and row.created_at >= since
                    and abs(row.start_time - recording.start_time) <= tolerance
                    and abs(row.end_time - recording.end_time) <= tolerance):
                return row
        return None

    async def add_unless_recent(self, recording: NewRecording, *, since: datetime,
                                tolerance: timedelta,
                                posts: Iterable[Post] = ()) -> tuple[Recording, bool]:
        found = await self.recent(recording, since=since, tolerance=tolerance)
        if found is not None:
            return found, False
        return await self.add(recording, posts), True

    async def update(self, recording_id: int, posts: Iterable[Post] = (),
                     **values: Any) -> Recording:
        if recording_id not in self.rows:
            raise LookupError(recording_id)
        row = replace(self.rows[recording_id], updated_at=self.clock(), **values)
        self.rows[recording_id] = row
        self._post(recording_id, posts)
        return row

    async def transition(self, recording_id: int, from_states: Iterable[State],
                         to_state: State, posts: Iterable[Post] = (), **values: Any) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.state not in tuple(from_states):
            return False
        await self.update(recording_id, posts, state=to_state, **values)
        return True

    async def due_pending(self, now: datetime, limit: int = 50) -> list[Recording]:
        return [r for r in self.rows.values()
                if r.state in (State.ACCEPTED, State.UNKNOWN)
                and (r.lease_until is None or r.lease_until <= now)][:limit]

    async def claim_pending(self, recording_id: int, owner: str, until: datetime,
                            now: datetime) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.state not in (State.ACCEPTED, State.UNKNOWN) or (
                row.lease_until is not None and row.lease_until > now):
            return False
        self.rows[recording_id] = replace(row, lease_owner=owner, lease_until=until)
        return True

    async def renew_leases(self, owner: str, until: datetime) -> int:
        mine = [r for r in self.rows.values() if r.lease_owner == owner
                and r.state in (State.ACCEPTED, State.UNKNOWN)]
        for r in mine:
            self.rows[r.id] = replace(r, lease_until=until)
        return len(mine)

    async def deliverable(self, now: datetime, limit: int = 20,
                          recording_id: int | None = None) -> list[Pending]:
        due, blocked = [], set()
        for p in self.outbox:
            if p.id in self.delivered:
                continue
            if p.recording_id not in blocked and recording_id in (None, p.recording_id):
                claim = self.claims.get(p.id)
                if claim is None or claim[1] <= now:
                    due.append(p)
            blocked.add(p.recording_id)
        return due[:limit]

    async def claim_post(self, post_id: int, owner: str, until: datetime,
                         now: datetime) -> bool:
        claim = self.claims.get(post_id)
        if post_id in self.delivered or (claim is not None and claim[1] > now):
            return False
        self.claims[post_id] = (owner, until)
        return True

    async def post_delivered(self, post_id: int, at: datetime) -> None:
        self.delivered[post_id] = at
        self.claims.pop(post_id, None)

    async def post_failed(self, post_id: int, retry_at: datetime, error: str) -> None:
        self.claims[post_id] = ("retry", retry_at)
        self.outbox = [replace(p, attempts=p.attempts + 1) if p.id == post_id else p
                       for p in self.outbox]

    async def post_given_up(self, post_id: int, at: datetime, error: str) -> None:
        self.delivered[post_id] = at

    async def undelivered(self) -> int:
        return sum(1 for p in self.outbox if p.id not in self.delivered)

    async def first_sight(self, key: str, at: datetime) -> bool:
        if key in self.seen:
            return False
        self.seen[key] = at
        return True

    async def forget_seen(self, before: datetime) -> int:
        old = [k for k, t in self.seen.items() if t < before]
        for k in old:
            del self.seen[k]
        return len(old)

    async def get(self, recording_id: int) -> Recording | None:
        return self.rows.get(recording_id)

    async def by_task_id(self, task_id: str) -> Recording | None:
        return next((r for r in self.rows.values() if r.task_id == task_id), None)

    async def pending(self) -> list[Recording]:
        return [r for r in self.rows.values() if r.state in (State.ACCEPTED, State.UNKNOWN)]

    async def for_team(self, team_id: str, *, since: datetime, stream: str | None = None,
                       limit: int = 500) -> list[Recording]:
        rows = [r for r in self.rows.values() if r.team_id == team_id and r.end_time >= since
                and stream in (None, r.stream_name)]
        return sorted(rows, key=lambda r: (r.start_time, r.id))[:limit]

    async def add_audit(self, recording_id: int | None, team_id: str, user_id: str | None,
                        action: AuditAction | str, detail: str = "") -> AuditEntry:
        entry = AuditEntry(len(self.trail) + 1, recording_id, team_id, user_id,
                           AuditAction(action), detail, self.clock())
        self.trail.append(entry)
        return entry

    async def add_callback(self, event: NewEvent) -> StoredEvent | None:
        if any(e.dedupe_key == event.dedupe_key for e in self.events.values()):
            return None
        stored = StoredEvent(id=len(self.events) + 1,
                             **{f.name: getattr(event, f.name) for f in fields(event)})
        self.events[stored.id] = stored
        return stored

    async def get_callback(self, callback_id: int) -> StoredEvent | None:
        return self.events.get(callback_id)

    async def unhandled_callbacks(self, received_before: datetime) -> list[StoredEvent]:
        return [e for e in self.events.values()
                if e.handled_at is None and e.received_at < received_before]

    async def mark_callback_handled(self, callback_id: int, at: datetime,
                                    recording_id: int | None, outcome: str,
                                    posts: Iterable[Post] = ()) -> bool:
        event = self.events.get(callback_id)
        if event is None or event.handled_at is not None:
            return False
        self.events[callback_id] = replace(event, handled_at=at, recording_id=recording_id,
                                           outcome=outcome)
        self._post(recording_id or 0, posts)
        return True

    async def latest_stream_change(self, stream: str, domain: str, app: str,
                                   before: datetime) -> StoredEvent | None:
        changes = [e for e in self.events.values()
                   if e.event_type in (0, 1) and e.stream_name == stream
                   and (e.domain_name or "").lower() == domain.lower() and e.app_name == app
                   and e.event_time is not None and e.event_time <= before]
        return max(changes, key=lambda e: (e.event_time, e.id), default=None)

    async def recordings_in_window(self, stream: str, domain: str, app: str,
                                   at: datetime) -> list[Recording]:
        return [r for r in self.rows.values()
                if (r.stream_name, r.domain_name.lower(), r.app_name) == (stream,
                                                                          domain.lower(), app)
                and r.state is State.CREATED
                and r.start_time < at + timedelta(seconds=1) and r.end_time > at]

    async def due_live_checks(self, now: datetime, grace: timedelta) -> list[Recording]:
        return [r for r in self.rows.values()
                if r.state is State.CREATED and r.live_checked_at is None
                and r.start_time <= now - grace and r.end_time > now]

    async def claim_live_check(self, recording_id: int, at: datetime,
                               posts: Iterable[Post] = ()) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.live_checked_at is not None:
            return False
        self.rows[recording_id] = replace(row, live_checked_at=at)
        self._post(recording_id, posts)
        return True

    async def due_reports(self, now: datetime, grace: timedelta,
                          since: datetime) -> list[Recording]:
        return [r for r in self.rows.values()
                if r.reported_at is None and r.task_id and r.end_time >= since
                and ((r.state is State.CREATED and r.end_time <= now - grace)
                     or (r.state is State.STOPPED and (r.end_time <= now - grace
                                                        or r.updated_at <= now - grace)))]

    async def claim_report(self, recording_id: int, at: datetime, report: object,
                           posts: Iterable[Post] = ()) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.reported_at is not None:
            return False
        self.rows[recording_id] = replace(row, reported_at=at, report=report)
        self._post(recording_id, posts)
        return True

    async def due_warnings(self, now: datetime) -> list[Recording]:
        return [r for r in self.rows.values()
                if r.state is State.CREATED and r.warned_at is None
                and r.start_time <= now < r.end_time]

    async def claim_warning(self, recording_id: int, at: datetime,
                            posts: Iterable[Post] = ()) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.warned_at is not None:
            return False
        self.rows[recording_id] = replace(row, warned_at=at)
        self._post(recording_id, posts)
        return True

    async def recording_events(self, task_id: str | None, stream: str, domain: str, app: str,
                               since: datetime, until: datetime) -> list[StoredEvent]:
        return sorted(
            (e for e in self.events.values()
             if (task_id and e.task_id == task_id)
             or (e.stream_name == stream and (e.domain_name or "").lower() == domain.lower()
                 and e.app_name == app and e.event_time is not None
                 and since <= e.event_time <= until)),
            key=lambda e: (e.event_time or e.received_at, e.id))

    async def stale_roots(self, now: datetime, limit: int = 100) -> list[Recording]:
        return [r for r in self.rows.values()
                if r.state is State.CREATED and r.root_ts and r.shown_phase is not None
                and r.shown_phase != r.phase(now) and r.shown_phase is not WindowPhase.AFTER
                ][:limit]

    async def next_phase_change(self, now: datetime) -> datetime | None:
        times = [t for r in self.rows.values()
                 if r.state is State.CREATED and r.root_ts and r.shown_phase is not None
                 for t in (r.start_time, r.end_time) if t > now]
        return min(times, default=None)

    async def claim_shown_phase(self, recording_id: int, shown: WindowPhase | None,
                                phase: WindowPhase, posts: Iterable[Post] = ()) -> bool:
        row = self.rows.get(recording_id)
        if row is None or row.shown_phase != shown:
            return False
        self.rows[recording_id] = replace(row, shown_phase=phase)
        self._post(recording_id, posts)
        return True

    async def overlapping(self, since: datetime, until: datetime,
                          limit: int = 500) -> list[Recording]:
        rows = [r for r in self.rows.values() if r.end_time >= since and r.start_time < until]
        return sorted(rows, key=lambda r: (r.start_time, r.id))[:limit]

    async def claim_digest(self, day: str, owner: str, until: datetime,
                           now: datetime) -> bool:
        row = self.digests.setdefault(day, {"by": None, "until": None, "posted": None,
                                            "attempts": 0})
        if row["posted"] is not None or (row["until"] is not None and row["until"] > now):
            return False
        row.update(by=owner, until=until, attempts=row["attempts"] + 1)
        return True

    async def digest_posted(self, day: str, at: datetime) -> None:
        self.digests[day].update(posted=at, until=None)

    async def digest_failed(self, day: str, retry_at: datetime) -> None:
        if self.digests[day]["posted"] is None:
            self.digests[day].update(by=None, until=retry_at)


# ---- who people are, and what they are shown --------------------------------------------------


async def _no_series(*args: Any, **kwargs: Any) -> list:
    return []


MemoryStore.series_for_team = _no_series  # type: ignore[attr-defined]  # no series in memory


class FakeDirectory:
    def __init__(self, zones: dict[str, str] | None = None, default: str = "UTC",
                 groups: dict[str, frozenset[str]] | None = None) -> None:
        self.zones = zones or {}
        self.default = default
        self.groups = groups or {}

    async def zone_of(self, user_id: str) -> UserZone:
        name = self.zones.get(user_id)
        if name is None:
            return self.default_zone(ZoneFallback.NO_ZONE_IN_PROFILE)
        return UserZone(ZoneInfo(name), name)

    def default_zone(self, fallback: ZoneFallback) -> UserZone:
        return UserZone(ZoneInfo(self.default), self.default, fallback)

    async def group_members(self, group_id: str) -> frozenset[str] | None:
        return self.groups.get(group_id)


class FakeOutbox:
    """The ``Outbox`` port: counts what it is asked (the posts are in the store's outbox)."""

    def __init__(self) -> None:
        self.woken = 0
        self.now: list[int] = []

    def wake(self) -> None:
        self.woken += 1

    async def deliver_now(self, recording_id: int) -> None:
        self.now.append(recording_id)


class FakeSender:
    """The outbox's ``Sender`` port: keeps what it sent; ``fail`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, PostKind, Any]] = []
        self.fail: list[Exception] = []

    async def send(self, recording: Recording, post: Pending) -> str | None:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((recording.id, post.kind, post.message))
        return f"root-{recording.id}" if post.kind is PostKind.ANNOUNCE else None
