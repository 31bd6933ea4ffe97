"""Store fixtures: every test that asks for ``db`` or ``store`` runs on SQLite and on PostgreSQL.

SQLite is a file in the test's temporary directory. PostgreSQL is the server named by
RECORDBOT_TEST_POSTGRES_URL (default below); each test gets a schema of its own, reached through
the connection's search_path and dropped afterwards, so tests and concurrent runs never meet.
The sessions also use a non-UTC TimeZone, so nothing can rely on the server's. Without a
reachable server the PostgreSQL variants skip and say how to provide one.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.recording.model import NewRecording
from bot.store import RecordingStore

POSTGRES_URL = os.environ.get(
    "RECORDBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_SESSION_TIMEZONE = "Asia/Kolkata"  # +05:30: any hour-rounding or offset bug shows


@functools.cache
def postgres_unavailable() -> str | None:
    """None if the test server answers within ~2 s, else why the PostgreSQL tests skip."""
    shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return None
    except Exception as e:
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return (
            f"no PostgreSQL at {shown} ({first_line}); set RECORDBOT_TEST_POSTGRES_URL to "
            "postgresql+psycopg://user[:password]@host:port/database to run these tests"
        )
    finally:
        engine.dispose()


@dataclass
class Database:
    """One empty database for one test; ``store()`` opens a store on it (closed at the end)."""

    backend: str
    url: str
    engine_options: dict[str, Any] = field(default_factory=dict)
    schema: str | None = None
    opened: list[RecordingStore] = field(default_factory=list)

    def store(self) -> RecordingStore:
        store = RecordingStore.from_url(self.url, **self.engine_options)
        self.opened.append(store)
        return store


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
        yield database
        for store in database.opened:
            await store.close()
        return

    problem = postgres_unavailable()
    if problem:
        pytest.skip(problem)
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = f"-csearch_path={schema} -cTimeZone={PG_SESSION_TIMEZONE}"
    database = Database(
        "postgresql", POSTGRES_URL, {"connect_args": {"options": options}}, schema=schema
    )
    try:
        yield database
    finally:
        for store in database.opened:
            await store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
async def store(db: Database) -> RecordingStore:
    """A store on a freshly migrated database."""
    store = db.store()
    await store.migrate()
    return store


T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def recording(**overrides: Any) -> NewRecording:
    """A plausible recording; ``overrides`` change any field."""
    fields: dict[str, Any] = {
        "team_id": "T1",
        "channel_id": "C1",
        "requester_id": "U1",
        "source": "command",
        "raw_text": "livetest tomorrow 8pm to 10pm",
        "timezone": "Asia/Shanghai",
        "start_time": T0,
        "end_time": T0 + timedelta(hours=2),
        "stream_name": "livetest",
        "domain_name": "push.example.com",
        "app_name": "live",
    }
    fields.update(overrides)
    return NewRecording(**fields)
