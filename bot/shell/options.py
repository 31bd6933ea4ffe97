"""What `recordbot shell` was asked for; kept apart so the command line is checked before the
bot's modules (Bolt, the store, the SDKs) are loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FailStream:
    """``--fail-stream NAME=CODE``: the emulator refuses to schedule NAME with this error.

    Only CreateRecordTask fails, so listing and the bot's other look-ups keep working.
    """

    stream: str
    code: str
    message: str


@dataclass(frozen=True)
class ShellOptions:
    sandbox: bool
    tz: str
    database: str | None = None
    fail_streams: tuple[FailStream, ...] = ()
    verbose: bool = False
    locale: str = "en-US"  # --lang, as the Slack fake's users.info reports it
