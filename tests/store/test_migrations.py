"""Migrations: applied at start, idempotent, safe when processes start together, and building
exactly the schema the ORM models describe."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.store import Base
from bot.store.migrations import alembic_config
from bot.store.repository import MIGRATION_LOCK_ID
from tests.store.conftest import Database, recording

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_of(conn: Connection) -> dict[str, set[str]]:
    insp = inspect(conn)
    # PostgreSQL also lists the index behind each unique constraint; those are not indexes
    # the migrations create.
    return {
        table: {ix["name"] for ix in insp.get_indexes(table) if not ix.get("duplicates_constraint")}
        for table in insp.get_table_names()
    }


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def drift(conn: Connection) -> list:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return compare_metadata(context, Base.metadata)


async def test_migrate_builds_the_schema_on_an_empty_database(db: Database) -> None:
    store = db.store()
    await store.migrate()
    async with store.engine.connect() as conn:
        assert await conn.run_sync(current_revision) == HEAD
        schema = await conn.run_sync(schema_of)
    assert schema == {
        "alembic_version": set(),
        "recordings": {
            "ix_recordings_series_id_occurrence_part",
            "ix_recordings_state_end_time",
            "ix_recordings_state_shown_phase_end_time",
            "ix_recordings_task_id",
            "ix_recordings_team_id_end_time",
        },
        "series": {"ix_series_team_id_state"},
        "audit": {"ix_audit_recording_id"},
        "callback_events": {
            "ix_callback_events_handled_at",
            "ix_callback_events_recording_id",
            "ix_callback_events_stream_name_event_type_event_time",
            "ix_callback_events_task_id",
        },
        "outbox": {"ix_outbox_delivered_at_due_at", "ix_outbox_recording_id_id"},
        "seen_requests": {"ix_seen_requests_seen_at"},
        "digests": set(),
    }


async def test_migrate_again_changes_nothing_and_keeps_rows(db: Database) -> None:
    store = db.store()
    await store.migrate()
    row = await store.add(recording())
    await store.migrate()
    await store.create_schema()  # the older name, still used by the runtime
    async with store.engine.connect() as conn:
        assert await conn.run_sync(current_revision) == HEAD
    assert [r.id for r in await store.all()] == [row.id]


async def test_migrations_build_exactly_the_orm_schema(db: Database) -> None:
    """Autogenerate finds nothing to do: a model change without a migration fails here."""
    store = db.store()
    await store.migrate()
    async with store.engine.connect() as conn:
        assert await conn.run_sync(drift) == []


async def test_a_database_from_before_migrations_is_adopted(db: Database) -> None:
    """The first store made ``recordings`` with create_all and no version table; migrating such
    a database keeps its rows and adds what is missing."""
    store = db.store()
    await store.migrate()
    row = await store.add(recording())
    async with store.engine.begin() as conn:  # back to what create_all used to leave
        for index in ("ix_recordings_state_shown_phase_end_time", "ix_recordings_state_end_time",
                      "ix_recordings_team_id_end_time"):
            await conn.execute(text(f"DROP INDEX {index}"))
        await conn.execute(text("CREATE INDEX ix_recordings_state ON recordings (state)"))
        await conn.execute(text("DROP INDEX ix_recordings_series_id_occurrence_part"))
        for column in ("series_id", "occurrence", "part"):
            await conn.execute(text(f"ALTER TABLE recordings DROP COLUMN {column}"))
        await conn.execute(text("DROP TABLE series"))
        await conn.execute(text("DROP TABLE callback_events"))
        await conn.execute(text("DROP TABLE outbox"))
        await conn.execute(text("DROP TABLE seen_requests"))
        await conn.execute(text("DROP TABLE digests"))
        for column in ("presentation", "lease_owner", "lease_until", "attempts", "language",
                       "reported_at", "report", "warned_at"):
            await conn.execute(text(f"ALTER TABLE recordings DROP COLUMN {column}"))
        await conn.execute(text("ALTER TABLE recordings DROP COLUMN live_checked_at"))
        await conn.execute(text("ALTER TABLE recordings DROP COLUMN when_text"))
        await conn.execute(text("ALTER TABLE recordings DROP COLUMN shown_phase"))
        await conn.execute(text("DROP TABLE audit"))
        await conn.execute(text("DROP TABLE alembic_version"))

    await store.migrate()
    async with store.engine.connect() as conn:
        assert await conn.run_sync(current_revision) == HEAD
        assert await conn.run_sync(drift) == []
    assert [r.id for r in await store.all()] == [row.id]


async def test_migrations_started_together_run_once(db: Database) -> None:
    """Separate engines, as separate bot processes would have, racing on an empty database."""
    stores = [db.store() for _ in range(4)]
    await asyncio.wait_for(asyncio.gather(*(s.migrate() for s in stores)), timeout=20)
    async with stores[0].engine.connect() as conn:
        assert await conn.run_sync(current_revision) == HEAD
        versions = (await conn.execute(text("SELECT count(*) FROM alembic_version"))).scalar()
    assert versions == 1


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
async def test_migrate_waits_while_another_process_migrates(db: Database) -> None:
    """Another bot process holding the migration lock (as it does while upgrading) makes
    migrate() wait until that transaction ends; then it runs and finds the schema."""
    other = db.store()
    migrated = asyncio.Event()
    async with other.engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})

        async def migrate() -> None:
            await db.store().migrate()
            migrated.set()

        task = asyncio.create_task(migrate())
        await asyncio.sleep(0.3)
        assert not migrated.is_set(), "migrate() did not wait for the lock"
        await conn.commit()  # ends the other transaction, releasing its lock
        await asyncio.wait_for(task, timeout=10)
    assert migrated.is_set()
