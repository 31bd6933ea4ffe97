"""``RecordingStore``: every read and write the bot makes, each in its own short transaction.

It implements the use cases' ``Store`` port (bot.recording.ports): rows go in as
``NewRecording``/``NewEvent`` and come out as the frozen ``Recording``/``StoredEvent`` of
bot.recording.model, never as ORM objects.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.recording.command import stored_when_text
from bot.recording.model import (
    PENDING_STATES,
    AuditAction,
    AuditEntry,
    NewEvent,
    NewRecording,
    Recording,
    State,
    StoredEvent,
    WindowPhase,
)
from bot.store.migrations import upgrade_to_head
from bot.store.models import AuditRow, CallbackRow, RecordingRow
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

    # Recordings

    async def add(self, recording: NewRecording) -> Recording:
        """Insert ``recording``; it comes back stored, with its ``id`` and timestamps."""
        row = RecordingRow(**{f.name: getattr(recording, f.name) for f in fields(recording)})
        async with self._sessions() as session, session.begin():
            session.add(row)
        return _recording(row)

    async def update(self, recording_id: int, **values: Any) -> Recording:
        """Set ``values`` on one recording whatever its state, and return it as it is now;
        LookupError if there is none."""
        async with self._sessions() as session, session.begin():
            row = await session.get(RecordingRow, recording_id)
            if row is None:
                raise LookupError(f"recording {recording_id} not found")
            for key, value in values.items():
                if key == "id" or key not in _RECORDING_FIELDS:
                    raise AttributeError(f"Recording has no field {key!r} to set")
                setattr(row, key, value)
        return _recording(row)

    async def transition(
        self,
        recording_id: int,
        from_states: Iterable[State],
        to_state: State,
        **fields: Any,
    ) -> bool:
        """Move one recording to ``to_state`` (setting ``fields`` too) only if it is in one of
        ``from_states``; True if it moved. One UPDATE, so of two people pressing Stop at once
        exactly one wins and the other gets False."""
        if "state" in fields:
            raise TypeError("give the new state as to_state, not as a field")
        values = {key: _checked(key, value) for key, value in fields.items()}
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.state.in_(list(from_states)))
            .values(state=State(to_state), **values)
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    async def get(self, recording_id: int) -> Recording | None:
        async with self._sessions() as session:
            row = await session.get(RecordingRow, recording_id)
        return None if row is None else _recording(row)

    async def all(self) -> list[Recording]:
        return await self._recordings(select(RecordingRow).order_by(RecordingRow.id))

    async def by_task_id(self, task_id: str) -> Recording | None:
        """The recording Tencent knows by ``task_id`` (the first, should there be several)."""
        rows = await self._recordings(
            select(RecordingRow).where(RecordingRow.task_id == task_id)
            .order_by(RecordingRow.id).limit(1)
        )
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
        query = select(RecordingRow).where(
            RecordingRow.team_id == team_id, RecordingRow.end_time >= aware_utc(since, "since")
        )
        if stream is not None:
            query = query.where(RecordingRow.stream_name == stream)
        return await self._recordings(
            query.order_by(RecordingRow.start_time, RecordingRow.id).limit(limit)
        )

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
        return await self._events(
            select(CallbackRow)
            .where(CallbackRow.handled_at.is_(None),
                   CallbackRow.received_at < aware_utc(received_before, "received_before"))
            .order_by(CallbackRow.id)
        )

    async def mark_callback_handled(self, callback_id: int, at: datetime,
                                    recording_id: int | None, outcome: str) -> bool:
        """Record what was done about an event, once; False if it was already handled."""
        stmt = (
            update(CallbackRow)
            .where(CallbackRow.id == callback_id, CallbackRow.handled_at.is_(None))
            .values(handled_at=aware_utc(at, "at"), recording_id=recording_id,
                    outcome=outcome[:2000])
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    async def latest_stream_change(self, stream: str, domain: str, app: str,
                                   before: datetime) -> StoredEvent | None:
        """The newest push or break event of a stream at or before ``before`` (by Tencent's
        event time), or None if the bot never heard of that stream."""
        rows = await self._events(
            select(CallbackRow)
            .where(
                CallbackRow.stream_name == stream,
                CallbackRow.event_type.in_((0, 1)),
                CallbackRow.event_time <= aware_utc(before, "before"),
                func.lower(CallbackRow.domain_name) == domain.lower(),
                CallbackRow.app_name == app,
            )
            .order_by(CallbackRow.event_time.desc(), CallbackRow.id.desc())
            .limit(1)
        )
        return rows[0] if rows else None

    # Recordings a callback or the live check concerns

    async def recordings_in_window(self, stream: str, domain: str, app: str,
                                   at: datetime) -> list[Recording]:
        """Scheduled recordings of one stream whose window holds ``at``, oldest first.

        Tencent counts in whole seconds (the task starts at the second the bot sent), so a
        window holds ``at`` from the start of its first second.
        """
        at = aware_utc(at, "at")
        return await self._recordings(
            select(RecordingRow)
            .where(
                RecordingRow.stream_name == stream,
                func.lower(RecordingRow.domain_name) == domain.lower(),
                RecordingRow.app_name == app,
                RecordingRow.state == State.CREATED,
                RecordingRow.start_time < at + timedelta(seconds=1),
                RecordingRow.end_time > at,
            )
            .order_by(RecordingRow.start_time, RecordingRow.id)
        )

    async def due_live_checks(self, now: datetime, grace: timedelta) -> list[Recording]:
        """Scheduled recordings whose window started at least ``grace`` ago, is still open, and
        whose live check has not run."""
        now = aware_utc(now, "now")
        return await self._recordings(
            select(RecordingRow)
            .where(
                RecordingRow.state == State.CREATED,
                RecordingRow.live_checked_at.is_(None),
                RecordingRow.start_time <= now - grace,
                RecordingRow.end_time > now,
            )
            .order_by(RecordingRow.start_time, RecordingRow.id)
        )

    async def claim_live_check(self, recording_id: int, at: datetime) -> bool:
        """Mark one recording's live check as done; True for the one caller that did it."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id, RecordingRow.live_checked_at.is_(None))
            .values(live_checked_at=aware_utc(at, "at"))
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    # Root messages whose window phase moved on

    async def stale_roots(self, now: datetime, limit: int = 100) -> list[Recording]:
        """Scheduled recordings whose root message shows a phase the window has left (it
        opened, or it ended), soonest change first."""
        now = aware_utc(now, "now")
        return await self._recordings(
            select(RecordingRow)
            .where(
                RecordingRow.state == State.CREATED,
                RecordingRow.root_ts.is_not(None),
                or_(
                    and_(RecordingRow.shown_phase == WindowPhase.BEFORE,
                         RecordingRow.start_time <= now),
                    and_(RecordingRow.shown_phase.in_([WindowPhase.BEFORE, WindowPhase.DURING]),
                         RecordingRow.end_time <= now),
                ),
            )
            .order_by(RecordingRow.start_time, RecordingRow.id)
            .limit(limit)
        )

    async def next_phase_change(self, now: datetime) -> datetime | None:
        """The next moment a shown root message's window opens or ends, after ``now``."""
        now = aware_utc(now, "now")
        shown = (RecordingRow.state == State.CREATED, RecordingRow.root_ts.is_not(None))
        async with self._sessions() as session:
            opens = await session.scalar(
                select(func.min(RecordingRow.start_time)).where(
                    *shown, RecordingRow.shown_phase == WindowPhase.BEFORE,
                    RecordingRow.start_time > now))
            ends = await session.scalar(
                select(func.min(RecordingRow.end_time)).where(
                    *shown, RecordingRow.shown_phase.in_([WindowPhase.BEFORE, WindowPhase.DURING]),
                    RecordingRow.end_time > now))
        found = [aware_utc(t) if t.tzinfo else t.replace(tzinfo=UTC)
                 for t in (opens, ends) if t is not None]
        return min(found, default=None)

    async def claim_shown_phase(self, recording_id: int, shown: WindowPhase | None,
                                phase: WindowPhase) -> bool:
        """Record that the root now shows ``phase``, if it still showed ``shown``: of two
        processes refreshing one root, exactly one gets True."""
        stmt = (
            update(RecordingRow)
            .where(RecordingRow.id == recording_id,
                   RecordingRow.shown_phase.is_(None) if shown is None
                   else RecordingRow.shown_phase == shown)
            .values(shown_phase=phase)
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    async def _all(self, query: Any) -> list[Any]:
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())

    async def _recordings(self, query: Any) -> list[Recording]:
        return [_recording(row) for row in await self._all(query)]

    async def _events(self, query: Any) -> list[StoredEvent]:
        return [_event(row) for row in await self._all(query)]


_RECORDING_FIELDS = frozenset(f.name for f in fields(Recording))


def _recording(row: RecordingRow) -> Recording:
    values = {name: getattr(row, name) for name in _RECORDING_FIELDS}
    if row.when_text is None:  # stored before the store kept the phrase apart
        values["when_text"] = stored_when_text(row.source, row.raw_text)
    return Recording(**values)


def _event(row: CallbackRow) -> StoredEvent:
    return StoredEvent(**{f.name: getattr(row, f.name) for f in fields(StoredEvent)})


def _audit(row: AuditRow) -> AuditEntry:
    return AuditEntry(**{f.name: getattr(row, f.name) for f in fields(AuditEntry)})


def _checked(key: str, value: Any) -> Any:
    """Refuse naive datetimes before they reach the database (the column type would too, but
    wrapped in a StatementError)."""
    return aware_utc(value, key) if isinstance(value, datetime) else value
