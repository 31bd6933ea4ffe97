"""Alembic's command line for the store, without an alembic.ini:

    DATABASE_URL=sqlite:///recordbot.db python -m bot.store.migrations current
    python -m bot.store.migrations revision --autogenerate --rev-id 0002 -m "add recordings.note"
    python -m bot.store.migrations check    # do the models need a migration?

The URL is normalised like the bot's own (``sqlite`` → ``sqlite+aiosqlite``, ``postgresql`` →
``postgresql+psycopg``); without DATABASE_URL it is the bot's default SQLite file.
"""

from __future__ import annotations

import os
import sys

from alembic.config import CommandLine

from bot.config import DEFAULT_DATABASE_URL, normalise_database_url
from bot.store.migrations import alembic_config


def main(argv: list[str] | None = None) -> None:
    cli = CommandLine(prog="python -m bot.store.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    try:
        url = normalise_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ValueError:
        cli.parser.error("DATABASE_URL must be an SQLite or PostgreSQL URL")
    config = alembic_config(url=url)
    config.cmd_opts = options
    cli.run_cmd(config, options)


if __name__ == "__main__":
    main(sys.argv[1:])
