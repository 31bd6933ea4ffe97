"""``RecordingStore``: every read and write the bot makes, each in its own short transaction.

It implements the use cases' ``Store`` port (bot.recording.ports): rows go in as
``NewRecording``/``NewEvent`` and come out as the frozen ``Recording``/``StoredEvent`` of
bot.recording.model, never as ORM objects.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, event, exists, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import aliased

from bot.recording import messages
from bot.recording.command import stored_when_text
from bot.recording.manage import RECENT
from bot.recording.model import (
    PENDING_STATES,
    AuditAction,
    AuditEntry,
    NewEvent,
    NewRecording,
    NewSeries,
    Pending,
    Post,
    PostKind,
    Recording,
    Series,
    SeriesKind,
    SeriesState,
    State,
    StoredEvent,
    WindowPhase,
)
from bot.recording.rules import DUPLICATE_WINDOW, MAX_AHEAD, MAX_START_AHEAD, SAME_WINDOW
from bot.store.migrations import upgrade_to_head
from bot.store.models import (
    AuditRow,
    CallbackRow,
    DigestRow,
    OutboxRow,
    RecordingRow,
    SeenRequest,
    SeriesRow,
    utcnow,
)
from bot.store.types import aware_utc

# Any fixed number works; it only has to be the same in every bot process on one database.
MIGRATION_LOCK_ID = 0x7265636F72640001  # "record" in ASCII, then 1: migrations

# Alembic keeps the running migration's context in module globals, so one process must not run
# two upgrades at once, whatever the database; one lock per event loop, as asyncio requires.
_upgrade_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _upgrade_lock() -> asyncio.Lock:
    return _upgrade_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())


class RecordingStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **engine_options: Any) -> RecordingStore:
        """``url`` must name an async driver (see ``bot.config.normalise_database_url``);
        ``engine_options`` go to ``create_async_engine`` (e.g. ``connect_args``)."""
        return cls(create_async_engine(url, **engine_options))

    async def migrate(self) -> None:
        """Bring the schema to the newest migration; does nothing if it is already there.

        On PostgreSQL a transaction-scoped advisory lock makes bot processes that start together
        take turns: the second waits, then finds nothing left to do. The migrations run in the
        same transaction, so a failed one leaves the schema as it was. SQLite has no such lock
        (run one bot process per database file); within one process, calls take turns anyway.
        """
        async with _upgrade_lock(), self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
            await conn.run_sync(upgrade_to_head)

    async def create_schema(self) -> None:
        """The older name of ``migrate()``."""
        await self.migrate()

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        """One round trip to the database; raises what the driver raises when it cannot."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    # Recordings

    async def add(self, recording: NewRecording, posts: Sequence[Post] = ()) -> Recording:
        """Insert ``recording`` (and ``posts`` about it, in the same transaction); it comes
        back stored, with its ``id`` and timestamps."""
        async with self._sessions() as session, session.begin():
            row = _new_row(recording)
            session.add(row)
            await session.flush()
            await _post(session, row.id, posts)
        return _recording(row)

    async def add_unless_recent(self, recording: NewRecording, *, since: datetime,
                                tolerance: timedelta,
                                posts: Sequence[Post] = ()) -> tuple[Recording, bool]:
        """Insert ``recording`` unless the same person asked for the same stream and window
        (start and end within ``tolerance``) since ``since`` and it is not settled as failed
        or ended; then that one comes back, with False. One transaction, under a lock on the
        person and stream (an advisory lock on PostgreSQL, SQLite's single writer), so that
        two bot processes taking the same request at the same instant create one row."""
        async with self._sessions() as session, session.begin():
            await self._lock_request(session, recording)
            existing = await session.scalar(
                _recent_query(recording, since, tolerance).limit(1))
            if existing is not None:
                return _recording(existing), False
            row = _new_row(recording)
            session.add(row)
            await session.flush()
            await _post(session, row.id, posts)
        return _recording(row), True

    async def recent(self, recording: NewRecording, *, since: datetime,
                     tolerance: timedelta) -> Recording | None:
        """What ``add_unless_recent`` would find, without the lock (a quick first look)."""
        rows = await self._recordings(_recent_query(recording, since, tolerance).limit(1))
        return rows[0] if rows else None

    async def _lock_request(self, session: Any, recording: NewRecording) -> None:
        connection = await session.connection()
        if connection.dialect.name == "postgresql":
            key = "\x1f".join((recording.team_id, recording.requester_id,
                               recording.stream_name, recording.domain_name,
                               recording.app_name))
            await connection.execute(text("SELECT pg_advisory_xact_lock(:id)"),
                                     {"id": _lock_id(key)})
        else:  # SQLite: take the write lock now, not at the first write
            await connection.execute(text("UPDATE recordings SET id = id WHERE 0"))

    async def update(self, recording_id: int, posts: Sequence[Post] = (),
                     **values: Any) -> Recording:
        """Set ``values`` on one recording whatever its state (and store ``posts`` about it),
        and return it as it is now; LookupError if there is none."""
        async with self._sessions() as session, session.begin():
            row = await session.get(RecordingRow, recording_id)
            if row is None:
                raise LookupError(f"recording {recording_id} not found")
            for key, value in values.items():
                if key == "id" or key not in _RECORDING_FIELDS:
                    raise AttributeError(f"Recording has no field {key!r} to set")
                setattr(row, key, _column_value(key, value))
            await _post(session, recording_id, posts)
        return _recording(row)

    async def transition(
        self,
        recording_id: int,
        from_states: Iterable[State],
        to_state: State,
        posts: Sequence[Post] = (),
        **fields: Any,
    ) -> bool:
        """Move one recording to ``to_state`` (setting ``fields`` too) only if it is in one of
        ``from_states``, and store ``posts`` only if it moved; True if it moved. One UPDATE, so
        of two people pressing Stop at once exactly one wins and the other gets False."""
        if "state" in fields:
            raise TypeError("give the new state as to_state, not as a field")
        values = {key: _column_value(key, _checked(key, value)) for key, value in fields.items()}
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.state.in_(list(from_states)))
            .values(state=State(to_state), **values)
        )
        return await self._changed(stmt, recording_id, posts)

    async def _changed(self, stmt: Any, recording_id: int, posts: Sequence[Post]) -> bool:
        """Run one compare-and-set UPDATE; store ``posts`` in its transaction if it won."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(stmt)
            if result.rowcount != 1:
                return False
            await _post(session, recording_id, posts)
        return True

    async def get(self, recording_id: int) -> Recording | None:
        async with self._sessions() as session:
            row = await session.get(RecordingRow, recording_id)
        return None if row is None else _recording(row)

    # Series and their parts

    async def add_series(self, series: NewSeries, parts: Sequence[NewRecording],
                         posts: Sequence[Post] = (), *, since: datetime | None = None,
                         now: datetime | None = None) -> tuple[Series, list[Recording], bool]:
        """Store a series with its parts (and ``posts`` about its first part: its root
        message), in one transaction — unless, with ``since``, the same person asked for the
        same series of the same stream since then (a double submit, a command retyped): that
        one comes back, with False. Guarded like ``add_unless_recent``, under the same lock."""
        async with self._sessions() as session, session.begin():
            if since is not None and parts:
                await self._lock_request(session, parts[0])
                existing = await session.scalar(
                    select(SeriesRow).where(
                        SeriesRow.team_id == series.team_id,
                        SeriesRow.requester_id == series.requester_id,
                        SeriesRow.stream_name == series.stream_name,
                        SeriesRow.domain_name == series.domain_name,
                        SeriesRow.app_name == series.app_name,
                        SeriesRow.when_text == series.when_text,
                        SeriesRow.state == SeriesState.ACTIVE.value,
                        SeriesRow.created_at >= aware_utc(since, "since"))
                    .order_by(SeriesRow.id).limit(1))
                if existing is not None:
                    rows = (await session.scalars(
                        select(RecordingRow).where(RecordingRow.series_id == existing.id)
                        .order_by(RecordingRow.start_time, RecordingRow.id))).all()
                    return _series(existing), [_recording(r) for r in rows], False
            row = SeriesRow(**_series_values(series))
            if now is not None:
                row.created_at = aware_utc(now, "now")
            session.add(row)
            await session.flush()
            rows = []
            for part in parts:
                part_row = _new_row(part)
                part_row.series_id = row.id
                session.add(part_row)
                rows.append(part_row)
            await session.flush()
            if rows:
                await _post(session, rows[0].id, posts)
        return _series(row), [_recording(r) for r in rows], True

    async def get_series(self, series_id: int) -> Series | None:
        async with self._sessions() as session:
            row = await session.get(SeriesRow, series_id)
        return None if row is None else _series(row)

    async def series_parts(self, series_id: int) -> list[Recording]:
        """A series' parts in order of time."""
        return await self._recordings(
            select(RecordingRow).where(RecordingRow.series_id == series_id)
            .order_by(RecordingRow.start_time, RecordingRow.id))

    async def series_for_team(self, team_id: str, *, since: datetime,
                              stream: str | None = None) -> list[Series]:
        """A team's active series with a part that ends at or after ``since``."""
        return [_series(row) for row in
                await self._all(_series_for_team_query(team_id, since, stream))]

    async def series_announced(self, series_id: int, root_ts: str | None) -> None:
        """The series' root message went out (``root_ts`` None: privately): its parts' thread
        messages go under it from now on."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(SeriesRow).where(SeriesRow.id == series_id)
                                  .values(announced=True, root_ts=root_ts))
            if root_ts is not None:
                await session.execute(update(RecordingRow)
                                      .where(RecordingRow.series_id == series_id)
                                      .values(root_ts=root_ts))

    async def cancel_series(self, series_id: int,
                            posts: Sequence[Post] = ()) -> list[int] | None:
        """Mark an active series cancelled and its planned parts with it, storing ``posts``
        about its first part; the ids of the planned parts cancelled, or None if the series
        was not active (someone else cancelled it first)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(SeriesRow).where(SeriesRow.id == series_id,
                                        SeriesRow.state == SeriesState.ACTIVE.value)
                .values(state=SeriesState.CANCELLED.value))
            if result.rowcount != 1:
                return None
            planned = list((await session.scalars(
                select(RecordingRow.id).where(RecordingRow.series_id == series_id,
                                              RecordingRow.state == State.PLANNED))).all())
            await session.execute(
                update(RecordingRow).where(RecordingRow.id.in_(planned))
                .values(state=State.CANCELLED))
            first = await session.scalar(
                select(RecordingRow.id).where(RecordingRow.series_id == series_id)
                .order_by(RecordingRow.start_time, RecordingRow.id).limit(1))
            if first is not None:
                await _post(session, first, posts)
        return planned

    async def due_planned(self, now: datetime, limit: int = 50) -> list[Recording]:
        """Planned parts whose window is within Tencent's horizon now (StartTime ≤ now + 6
        days and EndTime < now + 7 days) or already began, soonest first."""
        return await self._recordings(_due_planned_query(now, limit))

    async def all(self) -> list[Recording]:
        return await self._recordings(select(RecordingRow).order_by(RecordingRow.id))

    async def by_task_id(self, task_id: str) -> Recording | None:
        """The recording Tencent knows by ``task_id`` (the first, should there be several)."""
        rows = await self._recordings(_by_task_id_query(task_id))
        return rows[0] if rows else None

    async def pending(self) -> list[Recording]:
        """Recordings whose outcome nobody knows yet (accepted or unknown), oldest first: what
        to reconcile with Tencent at start."""
        return await self._recordings(
            select(RecordingRow)
            .where(RecordingRow.state.in_(PENDING_STATES))
            .order_by(RecordingRow.created_at, RecordingRow.id)
        )

    async def for_team(
        self,
        team_id: str,
        *,
        since: datetime,
        stream: str | None = None,
        limit: int = 500,
    ) -> list[Recording]:
        """A team's recordings that end at or after ``since`` (optionally of one stream), in
        order of start time, at most ``limit``."""
        return await self._recordings(_for_team_query(team_id, since, stream, limit))

    # Audit trail

    async def add_audit(
        self,
        recording_id: int | None,
        team_id: str,
        user_id: str | None,
        action: AuditAction | str,
        detail: str = "",
    ) -> AuditEntry:
        """Record that ``user_id`` (None: the bot itself) did ``action``; ``recording_id`` may
        be None, e.g. for a request denied before anything was stored."""
        row = AuditRow(
            recording_id=recording_id,
            team_id=team_id,
            user_id=user_id,
            action=AuditAction(action),
            detail=detail,
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        return _audit(row)

    async def audit(self, recording_id: int | None = None) -> list[AuditEntry]:
        """The audit trail of one recording, or all of it, oldest first."""
        query = select(AuditRow).order_by(AuditRow.at, AuditRow.id)
        if recording_id is not None:
            query = query.where(AuditRow.recording_id == recording_id)
        return [_audit(row) for row in await self._all(query)]

    # Tencent's callback events

    async def add_callback(self, event: NewEvent) -> StoredEvent | None:
        """Keep one event; None when an event with the same ``dedupe_key`` is already kept
        (a redelivery). Other database errors propagate, so Tencent is told to retry."""
        row = CallbackRow(**{f.name: getattr(event, f.name) for f in fields(event)})
        try:
            async with self._sessions() as session, session.begin():
                session.add(row)
        except IntegrityError:
            async with self._sessions() as session:
                found = await session.scalar(
                    select(CallbackRow.id).where(CallbackRow.dedupe_key == row.dedupe_key)
                )
            if found is None:  # not a duplicate after all: some other constraint
                raise
            return None
        return _event(row)

    async def get_callback(self, callback_id: int) -> StoredEvent | None:
        async with self._sessions() as session:
            row = await session.get(CallbackRow, callback_id)
        return None if row is None else _event(row)

    async def callbacks(self) -> list[StoredEvent]:
        return await self._events(select(CallbackRow).order_by(CallbackRow.id))

    async def unhandled_callbacks(self, received_before: datetime) -> list[StoredEvent]:
        """Events received before ``received_before`` but not acted on (the bot stopped in
        between), oldest first."""
        return await self._events(_unhandled_callbacks_query(received_before))

    async def mark_callback_handled(self, callback_id: int, at: datetime,
                                    recording_id: int | None, outcome: str,
                                    posts: Sequence[Post] = ()) -> bool:
        """Record what was done about an event, and store the ``posts`` it leads to, once;
        False (and nothing stored) if it was already handled, here or by another process."""
        stmt = (
            update(CallbackRow)
            .where(CallbackRow.id == callback_id, CallbackRow.handled_at.is_(None))
            .values(handled_at=aware_utc(at, "at"), recording_id=recording_id,
                    outcome=outcome[:2000])
        )
        return await self._changed(stmt, recording_id or 0, posts)

    async def latest_stream_change(self, stream: str, domain: str, app: str,
                                   before: datetime) -> StoredEvent | None:
        """The newest push or break event of a stream at or before ``before`` (by Tencent's
        event time), or None if the bot never heard of that stream."""
        # One query per kind of event: each reads its index backwards from ``before`` and stops
        # at the first match, where one query for both would sort all the stream's history.
        found = [row for kind in _STREAM_CHANGES for row in await self._events(
            _latest_stream_change_query(stream, domain, app, before, kind))]
        return max(found, key=lambda e: (e.event_time or before, e.id), default=None)

    # Recordings a callback or the live check concerns

    async def recordings_in_window(self, stream: str, domain: str, app: str,
                                   at: datetime) -> list[Recording]:
        """Scheduled recordings of one stream whose window holds ``at``, oldest first.

        Tencent counts in whole seconds (the task starts at the second the bot sent), so a
        window holds ``at`` from the start of its first second.
        """
        return await self._recordings(_in_window_query(stream, domain, app, at))

    async def due_live_checks(self, now: datetime, grace: timedelta) -> list[Recording]:
        """Scheduled recordings whose window started at least ``grace`` ago, is still open, and
        whose live check has not run."""
        return await self._recordings(_due_live_checks_query(now, grace))

    async def claim_live_check(self, recording_id: int, at: datetime,
                               posts: Sequence[Post] = ()) -> bool:
        """Mark one recording's live check as done (storing ``posts``); True for the one
        caller that did it."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.live_checked_at.is_(None))
            .values(live_checked_at=aware_utc(at, "at"))
        )
        return await self._changed(stmt, recording_id, posts)

    # Completeness reports and the open window's warnings

    async def due_reports(self, now: datetime, grace: timedelta,
                          since: datetime) -> list[Recording]:
        """Recordings whose window ended (or that were stopped) at least ``grace`` ago, after
        ``since``, and whose completeness was not reported yet; oldest first."""
        now = aware_utc(now, "now")
        return await self._recordings(
            select(RecordingRow)
            .where(
                RecordingRow.reported_at.is_(None),
                RecordingRow.task_id.is_not(None),
                RecordingRow.end_time >= aware_utc(since, "since"),
                or_(and_(RecordingRow.state == State.CREATED,
                         RecordingRow.end_time <= now - grace),
                    and_(RecordingRow.state == State.STOPPED,
                         or_(RecordingRow.end_time <= now - grace,
                             RecordingRow.updated_at <= now - grace))),
            )
            .order_by(RecordingRow.end_time, RecordingRow.id)
            .limit(50)
        )

    async def claim_report(self, recording_id: int, at: datetime, report: object,
                           posts: Sequence[Post] = ()) -> bool:
        """Keep the report and store ``posts`` with it, if none was kept yet: of two
        processes reporting one recording, exactly one gets True."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.reported_at.is_(None))
            .values(reported_at=aware_utc(at, "at"), report=messages.dump(report))
        )
        return await self._changed(stmt, recording_id, posts)

    # The daily digest

    async def overlapping(self, since: datetime, until: datetime,
                          limit: int = 500) -> list[Recording]:
        """Every team's recordings whose window ends at or after ``since`` and starts before
        ``until``, in order of start time (bounded by the index on the window's end)."""
        return await self._recordings(
            select(RecordingRow)
            .where(RecordingRow.end_time >= aware_utc(since, "since"),
                   RecordingRow.start_time < aware_utc(until, "until"))
            .order_by(RecordingRow.start_time, RecordingRow.id)
            .limit(limit)
        )

    async def claim_digest(self, day: str, owner: str, until: datetime,
                           now: datetime) -> bool:
        """The digest of ``day`` for ``owner`` until ``until``, if it is neither posted nor
        held by another process: the row's key makes the day one row, the compare-and-set
        one holder."""
        try:
            async with self._sessions() as session, session.begin():
                session.add(DigestRow(day=day, attempts=0))
        except IntegrityError:
            pass  # the day's row exists: another process made it, or this one earlier
        now = aware_utc(now, "now")
        stmt = (
            update(DigestRow)
            .where(DigestRow.day == day, DigestRow.posted_at.is_(None),
                   or_(DigestRow.claim_until.is_(None), DigestRow.claim_until <= now))
            .values(claimed_by=owner, claim_until=aware_utc(until, "until"),
                    attempts=DigestRow.attempts + 1)
        )
        async with self.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def digest_posted(self, day: str, at: datetime) -> None:
        stmt = (update(DigestRow).where(DigestRow.day == day)
                .values(posted_at=aware_utc(at, "at"), claim_until=None))
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def digest_failed(self, day: str, retry_at: datetime) -> None:
        stmt = (update(DigestRow).where(DigestRow.day == day, DigestRow.posted_at.is_(None))
                .values(claimed_by=None, claim_until=aware_utc(retry_at, "retry_at")))
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def due_warnings(self, now: datetime) -> list[Recording]:
        """Scheduled recordings whose window is open and whose thread was not warned yet."""
        now = aware_utc(now, "now")
        return await self._recordings(
            select(RecordingRow)
            .where(RecordingRow.state == State.CREATED, RecordingRow.warned_at.is_(None),
                   RecordingRow.start_time <= now, RecordingRow.end_time > now)
            .order_by(RecordingRow.start_time, RecordingRow.id)
        )

    async def claim_warning(self, recording_id: int, at: datetime,
                            posts: Sequence[Post] = ()) -> bool:
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.warned_at.is_(None))
            .values(warned_at=aware_utc(at, "at"))
        )
        return await self._changed(stmt, recording_id, posts)

    async def recording_events(self, task_id: str | None, stream: str, domain: str, app: str,
                               since: datetime, until: datetime) -> list[StoredEvent]:
        """The kept events about one recording: every event naming its task, and the
        stream's events (push, break, status) between ``since`` and ``until``."""
        of_stream = and_(
            CallbackRow.stream_name == stream,
            func.lower(CallbackRow.domain_name) == domain.lower(),
            CallbackRow.app_name == app,
            CallbackRow.event_time >= aware_utc(since, "since"),
            CallbackRow.event_time <= aware_utc(until, "until"),
        )
        cond = of_stream if not task_id else or_(CallbackRow.task_id == task_id, of_stream)
        return await self._events(
            select(CallbackRow).where(cond).order_by(CallbackRow.event_time, CallbackRow.id)
            .limit(2000))

    # Root messages whose window phase moved on

    async def stale_roots(self, now: datetime, limit: int = 100) -> list[Recording]:
        """Scheduled recordings whose root message shows a phase the window has left (it
        opened, or it ended), soonest change first."""
        return await self._recordings(_stale_roots_query(now, limit))

    async def next_phase_change(self, now: datetime) -> datetime | None:
        """The next moment a shown root message's window opens or ends, after ``now``."""
        async with self._sessions() as session:
            opens = await session.scalar(_next_opening_query(now))
            ends = await session.scalar(_next_end_query(now))
        found = [aware_utc(t) if t.tzinfo else t.replace(tzinfo=UTC)
                 for t in (opens, ends) if t is not None]
        return min(found, default=None)

    async def claim_shown_phase(self, recording_id: int, shown: WindowPhase | None,
                                phase: WindowPhase, posts: Sequence[Post] = ()) -> bool:
        """Record that the root now shows ``phase``, if it still showed ``shown``, storing
        ``posts``: of two processes refreshing one root, exactly one gets True."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id,
                   RecordingRow.shown_phase.is_(None) if shown is None
                   else RecordingRow.shown_phase == shown)
            .values(shown_phase=phase)
        )
        return await self._changed(stmt, recording_id, posts)

    # Requests whose outcome nobody knows yet: leases

    async def due_pending(self, now: datetime, limit: int = 50) -> list[Recording]:
        """Unconfirmed requests (accepted, unknown) that no process holds now: their owner is
        gone (its lease expired) or their next check is due; oldest first."""
        return await self._recordings(_due_pending_query(now, limit))

    async def claim_pending(self, recording_id: int, owner: str, until: datetime,
                            now: datetime) -> bool:
        """Take one unconfirmed request for ``owner`` until ``until`` if nobody holds it; of
        two processes, exactly one gets True."""
        now = aware_utc(now, "now")
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.state.in_(PENDING_STATES),
                   or_(RecordingRow.lease_until.is_(None), RecordingRow.lease_until <= now))
            .values(lease_owner=owner, lease_until=aware_utc(until, "until"))
        )
        return await self._changed(stmt, recording_id, ())

    async def renew_leases(self, owner: str, until: datetime) -> int:
        """Extend the leases ``owner`` holds on unconfirmed requests (its heartbeat)."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.lease_owner == owner, RecordingRow.state.in_(PENDING_STATES))
            .values(lease_until=aware_utc(until, "until"))
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount

    # The outbox

    async def deliverable(self, now: datetime, limit: int = 20,
                          recording_id: int | None = None) -> list[Pending]:
        """Posts due for delivery that nobody holds, each the oldest undelivered one of its
        recording (a recording's root, then its replies, in order); of one recording only,
        when ``recording_id`` is given."""
        query = _deliverable_query(now, limit, recording_id)
        return [_pending(row) for row in await self._all(query)]

    async def claim_post(self, post_id: int, owner: str, until: datetime,
                         now: datetime) -> bool:
        """Hold one post for delivery; of two processes, exactly one gets True."""
        now = aware_utc(now, "now")
        stmt = (
            update(OutboxRow)
            .where(OutboxRow.id == post_id, OutboxRow.delivered_at.is_(None),
                   or_(OutboxRow.claim_until.is_(None), OutboxRow.claim_until <= now))
            .values(claimed_by=owner, claim_until=aware_utc(until, "until"))
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    async def post_delivered(self, post_id: int, at: datetime) -> None:
        stmt = (update(OutboxRow).where(OutboxRow.id == post_id)
                .values(delivered_at=aware_utc(at, "at"), claim_until=None, reply_to=None,
                        last_error=None))
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def post_failed(self, post_id: int, retry_at: datetime, error: str) -> None:
        """The delivery failed: try again at ``retry_at``."""
        stmt = (update(OutboxRow).where(OutboxRow.id == post_id)
                .values(due_at=aware_utc(retry_at, "retry_at"), claim_until=None,
                        attempts=OutboxRow.attempts + 1, last_error=error[:500]))
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def post_given_up(self, post_id: int, at: datetime, error: str) -> None:
        """A post that can never be delivered (the bot's own fault): kept, with why, and no
        longer counted as waiting."""
        stmt = (update(OutboxRow).where(OutboxRow.id == post_id)
                .values(delivered_at=aware_utc(at, "at"), claim_until=None, reply_to=None,
                        attempts=OutboxRow.attempts + 1, last_error=f"gave up: {error}"[:500]))
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def undelivered(self) -> int:
        """How many posts have not reached Slack yet (the outbox's backlog)."""
        async with self._sessions() as session:
            count = await session.scalar(_undelivered_query())
        return int(count or 0)

    async def posts(self, recording_id: int | None = None) -> list[Pending]:
        """Every post (of one recording), delivered or not, in order: for tests and admins."""
        query = select(OutboxRow).order_by(OutboxRow.id)
        if recording_id is not None:
            query = query.where(OutboxRow.recording_id == recording_id)
        return [_pending(row) for row in await self._all(query)]

    # Slack requests already taken in

    async def first_sight(self, key: str, at: datetime) -> bool:
        """True the first time ``key`` is seen, by any process; False for a retry or replay."""
        try:
            async with self._sessions() as session, session.begin():
                session.add(SeenRequest(key=key[:255], seen_at=aware_utc(at, "at")))
        except IntegrityError:
            return False
        return True

    async def forget_seen(self, before: datetime) -> int:
        stmt = delete(SeenRequest).where(SeenRequest.seen_at < aware_utc(before, "before"))
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount

    async def explain(self, query: Any) -> list[str]:
        """How the database would run ``query`` (a SELECT as the store builds it, with its
        parameters bound as they would be): SQLite's ``EXPLAIN QUERY PLAN`` details, or
        PostgreSQL's ``EXPLAIN`` lines. For tests and benchmarks."""
        async with self.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "

            def as_explain(conn: Any, cursor: Any, statement: str, parameters: Any,
                           context: Any, executemany: bool) -> tuple[str, Any]:
                return prefix + statement, parameters

            sync = conn.sync_connection
            assert sync is not None
            event.listen(sync, "before_cursor_execute", as_explain, retval=True)
            try:
                result = await conn.execute(query)
                rows = result.cursor.fetchall() if result.cursor is not None else []
            finally:
                event.remove(sync, "before_cursor_execute", as_explain)
        return [str(row[3] if sqlite else row[0]) for row in rows]

    async def _all(self, query: Any) -> list[Any]:
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())

    async def _recordings(self, query: Any) -> list[Recording]:
        return [_recording(row) for row in await self._all(query)]

    async def _events(self, query: Any) -> list[StoredEvent]:
        return [_event(row) for row in await self._all(query)]


_RECORDING_FIELDS = frozenset(f.name for f in fields(Recording))


def _column_value(key: str, value: Any) -> Any:
    """A field's value as its column keeps it (the presentation as JSON)."""
    if key in ("presentation", "report") and value is not None and not isinstance(value, str):
        return messages.dump(value)
    return value


def _new_row(recording: NewRecording) -> RecordingRow:
    return RecordingRow(**{f.name: _column_value(f.name, getattr(recording, f.name))
                           for f in fields(recording)})


def _recent_query(recording: NewRecording, since: datetime, tolerance: timedelta) -> Any:
    start, end = aware_utc(recording.start_time, "start"), aware_utc(recording.end_time, "end")
    return (
        select(RecordingRow)
        .where(RecordingRow.team_id == recording.team_id,
               RecordingRow.requester_id == recording.requester_id,
               RecordingRow.stream_name == recording.stream_name,
               RecordingRow.domain_name == recording.domain_name,
               RecordingRow.app_name == recording.app_name,
               RecordingRow.state.in_([State.ACCEPTED, State.CREATED, State.UNKNOWN]),
               RecordingRow.created_at >= aware_utc(since, "since"),
               RecordingRow.start_time.between(start - tolerance, start + tolerance),
               RecordingRow.end_time.between(end - tolerance, end + tolerance))
        .order_by(RecordingRow.id)
    )


def _for_team_query(team_id: str, since: datetime, stream: str | None, limit: int) -> Any:
    # Bounded by ix_recordings_team_id_end_time: only what ended at or after ``since``.
    query = select(RecordingRow).where(
        RecordingRow.team_id == team_id, RecordingRow.end_time >= aware_utc(since, "since"))
    if stream is not None:
        query = query.where(RecordingRow.stream_name == stream)
    return query.order_by(RecordingRow.start_time, RecordingRow.id).limit(limit)


def _by_task_id_query(task_id: str) -> Any:
    return (select(RecordingRow).where(RecordingRow.task_id == task_id)
            .order_by(RecordingRow.id).limit(1))


def _in_window_query(stream: str, domain: str, app: str, at: datetime) -> Any:
    # Bounded by ix_recordings_state_end_time: created rows whose window has not ended.
    at = aware_utc(at, "at")
    return (
        select(RecordingRow)
        .where(
            RecordingRow.state == State.CREATED,
            RecordingRow.end_time > at,
            RecordingRow.stream_name == stream,
            func.lower(RecordingRow.domain_name) == domain.lower(),
            RecordingRow.app_name == app,
            RecordingRow.start_time < at + timedelta(seconds=1),
        )
        .order_by(RecordingRow.start_time, RecordingRow.id)
    )


def _due_live_checks_query(now: datetime, grace: timedelta) -> Any:
    # Bounded by ix_recordings_state_end_time, as above.
    now = aware_utc(now, "now")
    return (
        select(RecordingRow)
        .where(
            RecordingRow.state == State.CREATED,
            RecordingRow.end_time > now,
            RecordingRow.live_checked_at.is_(None),
            RecordingRow.start_time <= now - grace,
        )
        .order_by(RecordingRow.start_time, RecordingRow.id)
    )


#: The phases a root message can still leave; past recordings show AFTER (or nothing), so
#: ix_recordings_state_shown_phase_end_time bounds every query about phases to the live ones.
_MOVING_PHASES = (WindowPhase.BEFORE, WindowPhase.DURING)


def _stale_roots_query(now: datetime, limit: int) -> Any:
    now = aware_utc(now, "now")
    return (
        select(RecordingRow)
        .where(
            RecordingRow.state == State.CREATED,
            RecordingRow.shown_phase.in_(_MOVING_PHASES),
            RecordingRow.root_ts.is_not(None),
            or_(and_(RecordingRow.shown_phase == WindowPhase.BEFORE,
                     RecordingRow.start_time <= now),
                RecordingRow.end_time <= now),
        )
        .order_by(RecordingRow.start_time, RecordingRow.id)
        .limit(limit)
    )


def _next_opening_query(now: datetime) -> Any:
    return select(func.min(RecordingRow.start_time)).where(
        RecordingRow.state == State.CREATED, RecordingRow.shown_phase == WindowPhase.BEFORE,
        RecordingRow.root_ts.is_not(None), RecordingRow.start_time > aware_utc(now, "now"))


def _next_end_query(now: datetime) -> Any:
    return select(func.min(RecordingRow.end_time)).where(
        RecordingRow.state == State.CREATED, RecordingRow.shown_phase.in_(_MOVING_PHASES),
        RecordingRow.root_ts.is_not(None), RecordingRow.end_time > aware_utc(now, "now"))


def _due_pending_query(now: datetime, limit: int) -> Any:
    # Bounded by ix_recordings_state_end_time's first column: few rows are unconfirmed.
    now = aware_utc(now, "now")
    return (
        select(RecordingRow)
        .where(RecordingRow.state.in_(PENDING_STATES),
               or_(RecordingRow.lease_until.is_(None), RecordingRow.lease_until <= now))
        .order_by(RecordingRow.lease_until, RecordingRow.id)
        .limit(limit)
    )


def _deliverable_query(now: datetime, limit: int, recording_id: int | None) -> Any:
    # Bounded by ix_outbox_delivered_at_due_at (undelivered posts), and the look for an earlier
    # undelivered post of the same recording by ix_outbox_recording_id_id.
    now = aware_utc(now, "now")
    earlier = aliased(OutboxRow)
    query = (
        select(OutboxRow)
        .where(OutboxRow.delivered_at.is_(None), OutboxRow.due_at <= now,
               or_(OutboxRow.claim_until.is_(None), OutboxRow.claim_until <= now),
               ~exists().where(earlier.recording_id == OutboxRow.recording_id,
                               earlier.id < OutboxRow.id, earlier.delivered_at.is_(None)))
        .order_by(OutboxRow.due_at, OutboxRow.id)
        .limit(limit)
    )
    if recording_id is not None:
        query = query.where(OutboxRow.recording_id == recording_id)
    return query


def _undelivered_query() -> Any:
    return (select(func.count()).select_from(OutboxRow)
            .where(OutboxRow.delivered_at.is_(None)))


def _unhandled_callbacks_query(received_before: datetime) -> Any:
    # Bounded by ix_callback_events_handled_at: events not acted on are few.
    return (
        select(CallbackRow)
        .where(CallbackRow.handled_at.is_(None),
               CallbackRow.received_at < aware_utc(received_before, "received_before"))
        .order_by(CallbackRow.id)
    )


#: Tencent's event types for a stream's push ending (0) and starting (1).
_STREAM_CHANGES = (0, 1)


def _latest_stream_change_query(stream: str, domain: str, app: str, before: datetime,
                                event_type: int) -> Any:
    # ix_callback_events_stream_name_event_type_event_time, read backwards from ``before``:
    # the first that matches the domain and app is the answer.
    return (
        select(CallbackRow)
        .where(
            CallbackRow.stream_name == stream,
            CallbackRow.event_type == event_type,
            CallbackRow.event_time <= aware_utc(before, "before"),
            func.lower(CallbackRow.domain_name) == domain.lower(),
            CallbackRow.app_name == app,
        )
        .order_by(CallbackRow.event_time.desc(), CallbackRow.id.desc())
        .limit(1)
    )


def hot_queries(recording: NewRecording, now: datetime) -> dict[str, Any]:
    """The queries the bot runs for every command and every background round, as it runs them,
    about ``recording``'s team, person and stream at ``now``: what must stay bounded by an index
    however long the history (``RecordingStore.explain``; tests/store/test_query_plans.py,
    bench/history.py)."""
    stream, domain, app = recording.stream_name, recording.domain_name, recording.app_name
    return {
        "duplicate check": _recent_query(recording, now - DUPLICATE_WINDOW, SAME_WINDOW).limit(1),
        "list": _for_team_query(recording.team_id, now - RECENT, None, 500),
        "list of one stream": _for_team_query(recording.team_id, now - RECENT, stream, 500),
        "callback: recordings in window": _in_window_query(stream, domain, app, now),
        "callback: by TaskId": _by_task_id_query("task-0"),
        "live check: due": _due_live_checks_query(now, timedelta(minutes=2)),
        "live check: latest push": _latest_stream_change_query(stream, domain, app, now, 1),
        "live check: latest break": _latest_stream_change_query(stream, domain, app, now, 0),
        "phases: stale roots": _stale_roots_query(now, 100),
        "phases: next opening": _next_opening_query(now),
        "phases: next end": _next_end_query(now),
        "leases: due pending": _due_pending_query(now, 50),
        "outbox: deliverable": _deliverable_query(now, 20, None),
        "outbox: backlog": _undelivered_query(),
        "callbacks: unhandled": _unhandled_callbacks_query(now),
        "series: due planned parts": _due_planned_query(now, 50),
    }


def _due_planned_query(now: datetime, limit: int) -> Any:
    now = aware_utc(now, "now")
    return (select(RecordingRow)
            .where(RecordingRow.state == State.PLANNED,
                   RecordingRow.start_time <= now + MAX_START_AHEAD,
                   RecordingRow.end_time < now + MAX_AHEAD)
            .order_by(RecordingRow.start_time, RecordingRow.id)
            .limit(limit))


def _series_for_team_query(team_id: str, since: datetime, stream: str | None) -> Any:
    ends = (select(RecordingRow.series_id)
            .where(RecordingRow.series_id == SeriesRow.id,
                   RecordingRow.end_time >= aware_utc(since, "since")))
    query = select(SeriesRow).where(SeriesRow.team_id == team_id,
                                    SeriesRow.state == SeriesState.ACTIVE.value, ends.exists())
    if stream is not None:
        query = query.where(SeriesRow.stream_name == stream)
    return query.order_by(SeriesRow.id)


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory lock number for ``key``, the same in every process."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


async def _post(session: Any, recording_id: int, posts: Sequence[Post]) -> None:
    now = utcnow()
    for p in posts:
        session.add(OutboxRow(
            recording_id=p.recording_id or recording_id, kind=str(p.kind),
            message=None if p.message is None else messages.dump(p.message),
            reply_to=p.reply_to, created_at=now, due_at=now, attempts=0))


def _pending(row: OutboxRow) -> Pending:
    return Pending(id=row.id, recording_id=row.recording_id, kind=PostKind(row.kind),
                   message=messages.load(row.message), reply_to=row.reply_to,
                   attempts=row.attempts, created_at=row.created_at)


def _recording(row: RecordingRow) -> Recording:
    values = {name: getattr(row, name) for name in _RECORDING_FIELDS}
    if row.when_text is None:  # stored before the store kept the phrase apart
        values["when_text"] = stored_when_text(row.source, row.raw_text)
    try:
        values["presentation"] = messages.load(row.presentation)
    except messages.UnreadableMessage:
        values["presentation"] = None
    values["attempts"] = row.attempts or 0
    try:
        values["report"] = messages.load(row.report)
    except messages.UnreadableMessage:
        values["report"] = None
    return Recording(**values)


_SERIES_COLUMNS = ("team_id", "channel_id", "requester_id", "source", "raw_text", "when_text",
                   "timezone", "description", "first_start", "stream_name", "domain_name",
                   "app_name", "template_id", "stream_type", "rrule", "until", "count",
                   "limited", "language", "root_ts")


def _series_values(series: NewSeries) -> dict[str, Any]:
    values = {name: getattr(series, name) for name in _SERIES_COLUMNS}
    values.update(kind=series.kind.value, state=series.state.value,
                  duration_seconds=int(series.duration.total_seconds()),
                  pad_seconds=int(series.pad.total_seconds()), announced=False)
    return values


def _series(row: SeriesRow) -> Series:
    return Series(**{name: getattr(row, name) for name in _SERIES_COLUMNS},
                  kind=SeriesKind(row.kind), state=SeriesState(row.state),
                  duration=timedelta(seconds=row.duration_seconds),
                  pad=timedelta(seconds=row.pad_seconds), id=row.id,
                  announced=bool(row.announced), created_at=row.created_at)


def _event(row: CallbackRow) -> StoredEvent:
    return StoredEvent(**{f.name: getattr(row, f.name) for f in fields(StoredEvent)})


def _audit(row: AuditRow) -> AuditEntry:
    return AuditEntry(**{f.name: getattr(row, f.name) for f in fields(AuditEntry)})


def _checked(key: str, value: Any) -> Any:
    """Refuse naive datetimes before they reach the database (the column type would too, but
    wrapped in a StatementError)."""
    return aware_utc(value, key) if isinstance(value, datetime) else value
