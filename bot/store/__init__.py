"""Durable record of every request and its outcome (SQLAlchemy 2, async, Alembic migrations).

A row is written as "accepted" before Tencent is called and updated with the outcome after, so
a crash in between leaves a row that ``RecordingStore.pending()`` finds at the next start.
SQLite by default, PostgreSQL (psycopg 3) by URL; datetimes are aware UTC on both. The store
implements the use cases' ``Store`` port and hands out bot.recording.model's dataclasses.
"""

from bot.store.models import AuditRow, Base, CallbackRow, RecordingRow
from bot.store.repository import RecordingStore
from bot.store.types import UTCDateTime

__all__ = ["AuditRow", "Base", "CallbackRow", "RecordingRow", "RecordingStore", "UTCDateTime"]
