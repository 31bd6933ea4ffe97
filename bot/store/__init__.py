"""Durable record of every request and its outcome (SQLAlchemy 2, async).

A row is written as "accepted" before Tencent is called and updated with the outcome after, so
a crash in between leaves a row that can be reconciled at the next start.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class State(enum.StrEnum):
    ACCEPTED = "accepted"
    CREATED = "created"
    FAILED = "failed"
    UNKNOWN = "unknown"
    STOPPED = "stopped"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    pass


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    root_ts: Mapped[str | None] = mapped_column(String(32))
    requester_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # command | modal
    raw_text: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    start_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stream_name: Mapped[str] = mapped_column(String(256))
    domain_name: Mapped[str] = mapped_column(String(256))
    app_name: Mapped[str] = mapped_column(String(128))
    template_id: Mapped[int | None] = mapped_column(Integer)
    stream_type: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default=State.ACCEPTED.value, index=True)
    task_id: Mapped[str | None] = mapped_column(String(128), index=True)
    error_code: Mapped[str | None] = mapped_column(String(128))
    error_message: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_utcnow, onupdate=_utcnow
    )


class RecordingStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> RecordingStore:
        return cls(create_async_engine(url))

    async def create_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()

    async def add(self, recording: Recording) -> Recording:
        async with self._sessions() as session, session.begin():
            session.add(recording)
        return recording

    async def update(self, recording_id: int, **fields: object) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(Recording, recording_id)
            if row is None:
                raise LookupError(f"recording {recording_id} not found")
            for key, value in fields.items():
                setattr(row, key, value)

    async def get(self, recording_id: int) -> Recording | None:
        async with self._sessions() as session:
            return await session.get(Recording, recording_id)

    async def all(self) -> list[Recording]:
        async with self._sessions() as session:
            return list((await session.scalars(select(Recording).order_by(Recording.id))).all())
