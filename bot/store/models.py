"""The tables, as ORM classes. The migrations in ``migrations/versions`` must build exactly this
schema; ``tests/store/test_migrations.py`` fails if the two drift apart."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from bot.recording.model import AuditAction, State, WindowPhase
from bot.store.types import ActionType, PhaseType, StateType, UTCDateTime, aware_utc

# Stable constraint and index names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordingRow(Base):
    """One /record request and what became of it (bot.recording.model.Recording)."""

    __tablename__ = "recordings"
    # Every query the bot repeats is bounded by one of these, however long the history
    # (bot.store.repository.hot_queries; tests/store/test_query_plans.py): a team's list and
    # the duplicate check by the end of the window, the callbacks' and the live check's
    # look-ups by the windows still open, the root messages' phases by those still moving.
    __table_args__ = (
        Index(None, "team_id", "end_time"),
        Index(None, "state", "end_time"),
        Index(None, "state", "shown_phase", "end_time"),
        Index(None, "series_id", "occurrence", "part", unique=True),  # one row per part
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    root_ts: Mapped[str | None] = mapped_column(String(32))  # the request's root message
    requester_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # command | modal
    raw_text: Mapped[str] = mapped_column(Text)
    when_text: Mapped[str | None] = mapped_column(Text)  # the time phrase; None before 0003
    timezone: Mapped[str] = mapped_column(String(64))  # the zone the window was read in
    start_time: Mapped[datetime] = mapped_column(UTCDateTime)
    end_time: Mapped[datetime] = mapped_column(UTCDateTime)
    stream_name: Mapped[str] = mapped_column(String(256))
    domain_name: Mapped[str] = mapped_column(String(256))
    app_name: Mapped[str] = mapped_column(String(128))
    template_id: Mapped[int | None] = mapped_column(Integer)
    stream_type: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[State] = mapped_column(StateType, default=State.ACCEPTED)
    task_id: Mapped[str | None] = mapped_column(String(128), index=True)
    error_code: Mapped[str | None] = mapped_column(String(128))
    error_message: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When the "is the stream live?" check ran, start + STREAM_GRACE_SECONDS (once, whether or
    # not it posted); None: not yet.
    live_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The window phase the root message shows (its buttons, its status): before / during /
    # after; None: no root with buttons yet.
    shown_phase: Mapped[WindowPhase | None] = mapped_column(PhaseType)
    # How the request was understood, as the root message says it (bot.recording.messages).
    presentation: Mapped[str | None] = mapped_column(Text)
    # While the outcome is unknown: which bot process works on it, until when; how often
    # Tencent could not be asked.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language of the request's messages (bot.slack.i18n.Lang): "en", "zh_CN", "zh_TW".
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    # The completeness report (bot.recording.messages JSON) and when it was claimed, once, by
    # one process; when the open window's warning was said (once).
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report: Mapped[str | None] = mapped_column(Text)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A part of a series (SeriesRow): which occurrence, which part of it (from 0).
    series_id: Mapped[int | None] = mapped_column(Integer)
    occurrence: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[int | None] = mapped_column(Integer)

    @validates("start_time", "end_time", "created_at", "updated_at", "live_checked_at",
               "lease_until", "reported_at", "warned_at")
    def _check_instant(self, key: str, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, key)

    @validates("state")
    def _check_state(self, key: str, value: str) -> State:
        return State(value)

    def __repr__(self) -> str:
        return f"<RecordingRow {self.id} {self.stream_name} {self.state}>"


class SeriesRow(Base):
    """A long window, a far-ahead window or a repeating rule (bot.recording.model.Series),
    whose parts are recordings."""

    __tablename__ = "series"
    __table_args__ = (Index(None, "team_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    requester_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    raw_text: Mapped[str] = mapped_column(Text)
    when_text: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # window | repeat
    description: Mapped[str] = mapped_column(Text)
    first_start: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    stream_name: Mapped[str] = mapped_column(String(256))
    domain_name: Mapped[str] = mapped_column(String(256))
    app_name: Mapped[str] = mapped_column(String(128))
    template_id: Mapped[int | None] = mapped_column(Integer)
    stream_type: Mapped[int] = mapped_column(Integer, default=0)
    rrule: Mapped[str | None] = mapped_column(Text)
    until: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int | None] = mapped_column(Integer)
    limited: Mapped[bool] = mapped_column(Boolean, default=False)
    pad_seconds: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(16), default="en")
    state: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    root_ts: Mapped[str | None] = mapped_column(String(32))
    announced: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("first_start", "created_at")
    def _check_instant(self, key: str, value: datetime) -> datetime:
        return aware_utc(value, key)


class AuditRow(Base):
    """Who did what to which recording, and when; ``recording_id`` is empty for a denied request."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))  # None: the bot itself
    action: Mapped[AuditAction] = mapped_column(ActionType)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("at")
    def _check_instant(self, key: str, value: datetime) -> datetime:
        return aware_utc(value, key)

    @validates("action")
    def _check_action(self, key: str, value: str) -> AuditAction:
        return AuditAction(value)

    def __repr__(self) -> str:
        return f"<AuditRow {self.id} {self.action} recording={self.recording_id} by {self.user_id}>"


class CallbackRow(Base):
    """One event Tencent Live called back with (push, break, recording file, recording status),
    kept before it is answered so that none is lost, and so that a redelivery is recognised
    (``dedupe_key`` is unique). ``handled_at`` is set once the bot has acted on it;
    ``recording_id`` is the recording it concerned, None when no recording matched."""

    __tablename__ = "callback_events"
    __table_args__ = (Index(None, "stream_name", "event_type", "event_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(128), index=True)
    stream_name: Mapped[str | None] = mapped_column(String(256))
    domain_name: Mapped[str | None] = mapped_column(String(256))
    app_name: Mapped[str | None] = mapped_column(String(128))
    event_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)  # the JSON as received, without t and sign
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    recording_id: Mapped[int | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(Text)  # what the bot did about it

    @validates("event_time", "received_at", "handled_at")
    def _check_instant(self, key: str, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, key)

    def __repr__(self) -> str:
        return f"<CallbackRow {self.id} type={self.event_type} {self.dedupe_key}>"


class OutboxRow(Base):
    """A message about a recording, stored with the change it reports and delivered later;
    ``delivered_at`` None means it has not reached Slack yet. One process at a time holds a
    row (``claimed_by`` until ``claim_until``) while it delivers it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(None, "delivered_at", "due_at"),
        Index(None, "recording_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # announce | reply | refresh
    message: Mapped[str | None] = mapped_column(Text)  # bot.recording.messages JSON
    reply_to: Mapped[str | None] = mapped_column(Text)  # e.g. a response_url (30 minutes)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    @validates("created_at", "due_at", "claim_until", "delivered_at")
    def _check_instant(self, key: str, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, key)


class SeenRequest(Base):
    """A Slack request already taken in (by its trigger id): a retry or a replay of it, on
    this process or another, is answered without doing the work again."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DigestRow(Base):
    """The daily digest of one date (in DIGEST_TIMEZONE): the key makes it once per day
    across processes; the process holding ``claim_until`` posts it (bot.recording.digest)."""

    __tablename__ = "digests"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    @validates("claim_until", "posted_at")
    def _check_instant(self, key: str, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, key)
