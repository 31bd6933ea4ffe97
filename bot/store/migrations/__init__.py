"""Alembic migrations for the store, shipped inside the package.

No alembic.ini is needed: ``alembic_config()`` points Alembic at this directory, so migrations run
the same from a checkout and from an installed package. The bot applies them at start through
``RecordingStore.migrate()``; ``python -m bot.store.migrations`` is the Alembic command line
for people (e.g. ``revision --autogenerate -m "…"``), against ``DATABASE_URL``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for this package; ``env.py`` uses ``connection`` if given,
    else opens ``url`` itself."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection) -> None:
    """Apply every pending migration on ``connection``, inside its current transaction."""
    command.upgrade(alembic_config(connection=connection), "head")
