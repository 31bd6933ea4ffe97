"""The store's column types, which behave the same on SQLite and PostgreSQL (the recording
states and audit actions they hold are bot.recording.model's enums).

SQLite has no time zones: it keeps whatever wall-clock text it is given and hands back naive
datetimes. ``UTCDateTime`` therefore stores every instant as UTC and always returns an aware UTC
datetime, on every backend. A naive datetime is refused, because its instant is a guess.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from bot.recording.model import AuditAction, State, WindowPhase


def aware_utc(value: datetime, what: str = "datetime") -> datetime:
    """``value`` as the same instant in UTC; ValueError if it is naive (no time zone)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} is a naive datetime ({value.isoformat()}); give it a time zone, "
            "e.g. datetime.now(UTC)"
        )
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL, UTC text on SQLite; always aware UTC in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = aware_utc(value)
        # SQLite would silently drop the offset; store the UTC wall clock explicitly.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: the text is UTC by construction
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # PostgreSQL: in the session's TimeZone


class _TextEnum(TypeDecorator[enum.StrEnum]):
    """A StrEnum as plain text in the database (no database enum type, so adding a member needs
    no migration) and as the enum in Python; an unknown value is refused with ValueError."""

    impl = String(16)
    cache_ok = True
    enum_class: type[enum.StrEnum]

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> enum.StrEnum | None:
        return None if value is None else self.enum_class(value)


class StateType(_TextEnum):
    cache_ok = True
    enum_class = State


class ActionType(_TextEnum):
    cache_ok = True
    enum_class = AuditAction


class PhaseType(_TextEnum):
    cache_ok = True
    enum_class = WindowPhase
