"""What the shell runs: a local Slack, optionally a local Tencent, and the real bot between them.

The shell plays the Slack side. A ``SlackFake`` serves the Web API the bot posts to, with one
user (the person at the keyboard, in the shell's time zone) and one channel, ``#shell``; what
the person types becomes Slack payloads dispatched into the bot's Bolt app the way Bolt's own
Socket Mode adapter does it. The bot itself is built exactly as `recordbot serve` builds it
(``build_runtime``, ``build_app``, ``Runtime.start_background``) from settings checked by
``load_settings``, so the listeners, service, store and Tencent client are the production ones.

With ``--sandbox`` Tencent is the built-in Live API emulator on a free loopback port and every
setting has a local value, so nothing outside the machine is needed. Without it the Tencent
settings come from the environment, as for `serve`, and recordings are real.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.config import Settings, load_settings
from bot.logging_setup import configure_logging
from bot.runtime import Runtime, build_runtime
from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from bot.shell.options import ShellOptions
from bot.shell.payloads import Actor
from bot.slack.app import build_app

log = logging.getLogger(__name__)

SHELL_USER_ID = "U0SHELLUSER"
SHELL_USER_NAME = "you"
SHELL_CHANNEL_ID = "C0SHELL"
SHELL_CHANNEL_NAME = "shell"
SANDBOX_PUSH_DOMAIN = "push.sandbox.example"

# The Slack side is local in both modes; these only have to satisfy the settings checks and the
# fake's token check. They are not secrets.
_SLACK_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-shell",
    "SLACK_APP_TOKEN": "xapp-shell-local",
    "SLACK_SIGNING_SECRET": "shell-local-unused",
}


def database_url(option: str | None, workdir: Path) -> str:
    """``--database``: a URL, or a path meaning an SQLite file; default a throw-away file.

    The default is never the environment's DATABASE_URL: the shell's Slack is local, so its
    records mean nothing to a real workspace, and sharing a running bot's database would let the
    shell's start-up check settle that bot's unconfirmed requests and post the answers here.
    """
    if option and "://" in option:
        return option
    path = Path(option).expanduser().resolve() if option else workdir / "recordbot-shell.db"
    return f"sqlite:///{path}"


def settings_env(
    options: ShellOptions,
    environ: Mapping[str, str],
    slack_api_url: str,
    db_url: str,
    emulator: LiveEmulator | None,
) -> dict[str, str]:
    """The environment the bot's settings are loaded from, so the checks stay in one place."""
    if emulator is not None:
        secret_id, secret_key = emulator.default_credentials
        env = {
            "TENCENTCLOUD_SECRET_ID": secret_id,
            "TENCENTCLOUD_SECRET_KEY": secret_key,
            "TENCENTCLOUD_LIVE_ENDPOINT": emulator.url,
            "LIVE_PUSH_DOMAIN": SANDBOX_PUSH_DOMAIN,
        }
    else:
        env = {k: v for k, v in environ.items() if not k.startswith("SLACK_")}
    env.update(_SLACK_ENV)
    env.update(
        SLACK_API_URL=slack_api_url,
        DATABASE_URL=db_url,
        DEFAULT_TIMEZONE=options.tz,
        LOG_LEVEL="INFO" if options.verbose else "WARNING",
    )
    return env


@dataclass(frozen=True)
class Ack:
    """What the app acknowledged a payload with; ``body`` is the JSON it answered, if any."""

    status: int
    body: dict[str, Any] | None


class Session:
    """The running pieces; ``open`` starts them, ``close`` stops them in reverse order."""

    def __init__(self, options: ShellOptions, fake: SlackFake, emulator: LiveEmulator | None,
                 workdir: tempfile.TemporaryDirectory[str]) -> None:
        self.options = options
        self.fake = fake
        self.emulator = emulator
        self._workdir = workdir
        #: How far ``advance`` moved the bot's clock (and the emulator's) ahead of the real one.
        self.offset = timedelta(0)
        self._ahead = {"seconds": 0.0}  # the emulator's view of ``offset``
        self.settings: Settings | None = None
        self.rt: Runtime | None = None
        self.app: AsyncApp | None = None
        self.actor = Actor(
            team_id=fake.team_id, team_domain="shell", app_id=fake.workspace.app_id,
            user_id=SHELL_USER_ID, user_name=SHELL_USER_NAME,
            channel_id=SHELL_CHANNEL_ID, channel_name=SHELL_CHANNEL_NAME,
        )

    @classmethod
    def prepare(cls, options: ShellOptions) -> Session:
        """Start the local services (threads of their own); the bot is started by ``start``."""
        fake = SlackFake(
            bot_token=_SLACK_ENV["SLACK_BOT_TOKEN"], app_token=_SLACK_ENV["SLACK_APP_TOKEN"],
            users={SHELL_USER_ID: {"tz": options.tz, "name": SHELL_USER_NAME,
                                   "real_name": "You (shell)", "locale": options.locale}},
        )
        fake.add_channel(SHELL_CHANNEL_ID, name=SHELL_CHANNEL_NAME)
        workdir = tempfile.TemporaryDirectory(prefix="recordbot-shell-")
        ahead = {"seconds": 0.0}
        emulator = (LiveEmulator(clock=lambda: time.time() + ahead["seconds"],
                                 signing_clock=time.time) if options.sandbox else None)
        session = cls(options, fake, emulator, workdir)
        session._ahead = ahead
        fake.start()
        if emulator is not None:
            emulator.start()
            for f in options.fail_streams:
                emulator.fail_stream(f.stream, f.code, f.message, action="CreateRecordTask")
        return session

    def clock(self) -> datetime:
        """The bot's time: the real one, moved ahead by ``advance``."""
        return datetime.now(UTC) + self.offset

    async def advance(self, delta: timedelta) -> int:
        """Move the bot's (and the sandbox's) clock ahead, then run the rounds that time
        starts: the series scheduler and the root messages' phases. How many planned parts
        the scheduler took."""
        self.offset += delta
        self._ahead["seconds"] = self.offset.total_seconds()
        assert self.rt is not None, "start first"
        taken = await self.rt.series.due()
        await self.rt.phases.round()
        return taken

    @property
    def log_path(self) -> Path:
        """Where the bot's log goes during the session (unless --verbose)."""
        return Path(self._workdir.name) / "recordbot.log"

    def load_settings(self, environ: Mapping[str, str]) -> Settings:
        """Raises ConfigError naming every problem, as `serve` does."""
        db_url = database_url(self.options.database, Path(self._workdir.name))
        env = settings_env(self.options, environ, self.fake.api_url, db_url, self.emulator)
        self.settings = load_settings(env)
        return self.settings

    async def start(self) -> None:
        settings = self.settings
        assert settings is not None, "load_settings first"
        # The bot's log stays out of the conversation: in a file, or on stderr with --verbose.
        configure_logging(settings.log_level, settings.secrets(),
                          None if self.options.verbose else self.log_path)
        rt = build_runtime(settings, clock=self.clock)
        self.rt = rt
        await rt.start()
        self.app = build_app(rt.slack, settings.slack_signing_secret, settings.socket_mode,
                             rt.services())
        rt.start_background()

    async def outbox_empty(self) -> bool:
        """Whether every message the bot stored has been delivered (or waits for a retry)."""
        rt = self.rt
        if rt is None:
            return True
        if rt.delivery.busy:
            return False
        due = await rt.store.deliverable(rt.clock())
        return not due

    async def dispatch(self, payload: dict[str, Any]) -> Ack:
        """Hand a payload to Bolt as its Socket Mode adapter does, and read the ack the same way.

        (slack_bolt.adapter.socket_mode.async_internals: ``AsyncBoltRequest(mode="socket_mode",
        body=payload)``, then a JSON body is the payload, any other body is ``{"text": body}``.)
        """
        assert self.app is not None, "start first"
        response = await self.app.async_dispatch(AsyncBoltRequest(body=payload,
                                                                  mode="socket_mode"))
        if response.status != 200 or not response.body:
            return Ack(response.status, None)
        content_type = (response.headers.get("content-type") or [""])[0]
        if content_type.startswith("application/json"):
            return Ack(response.status, json.loads(response.body))
        return Ack(response.status, {"text": response.body})

    async def close(self, grace: float = 2.0) -> None:
        """Stop the bot (work still running after ``grace`` s is cancelled), then the fakes."""
        try:
            if self.rt is not None:
                await self.rt.work.drain(timeout=grace)
                await self.rt.close()
        finally:
            self.fake.stop()
            if self.emulator is not None:
                self.emulator.stop()
            self._workdir.cleanup()
