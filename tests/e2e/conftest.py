"""End-to-end fixtures: the real bot process, the Live API emulator and the Slack fake.

The fakes live in this process (so tests can steer and inspect them); the bot runs as a
subprocess started the way README says, talking to both over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from bot.sandbox.slack.state import DEFAULT_TEAM_ID
from tests.support.botproc import BotProcess, fakes_env
from tests.support.slack import interaction_body, sign, slash_command_body

SIGNING_SECRET = "e2e-signing-secret"
PUSH_DOMAIN = "push.example.com"
USERS = {
    "U0SHANGHAI": {"tz": "Asia/Shanghai", "name": "mei"},
    "U0NEWYORK": {"tz": "America/New_York", "name": "sam"},
    "U0NOZONE": {"name": "nobody"},
    "U0ADMIN": {"tz": "UTC", "name": "admin"},
    "U0BEIJING": {"tz": "Asia/Shanghai", "name": "li", "locale": "zh-CN"},
    "U0TAIPEI": {"tz": "Asia/Taipei", "name": "chen", "locale": "zh-TW"},
}
CHANNEL = "C0LIVEOPS"


@pytest.fixture(scope="session")
def live() -> Iterator[LiveEmulator]:
    with LiveEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def slack() -> Iterator[SlackFake]:
    with SlackFake(bot_token="xoxb-e2e-test", app_token="xapp-e2e-test", users=USERS) as fake:
        yield fake


def bot_env(live: LiveEmulator, slack: SlackFake, db: Path, **extra: str) -> dict[str, str]:
    return fakes_env(live, slack, db, SIGNING_SECRET, f"{PUSH_DOMAIN},backup.example.com",
                     **{"ADMIN_USER_IDS": "U0ADMIN", "UNKNOWN_RECHECK_SECONDS": "1",
                        "LEASE_SECONDS": "3", **extra})


@pytest.fixture(scope="session")
def bot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bot")


@pytest.fixture(scope="session")
def bot(live: LiveEmulator, slack: SlackFake, bot_dir: Path) -> Iterator[BotProcess]:
    proc = BotProcess(bot_env(live, slack, bot_dir / "recordbot.db"), bot_dir).start()
    yield proc
    proc.stop()


@pytest.fixture(autouse=True)
def clean_fakes(request: pytest.FixtureRequest) -> None:
    """Each test starts with no faults, no logged calls and no tasks in the fakes."""
    for name in ("live", "slack"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset()


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> dict:
        import json

        return json.loads(self.body) if self.body else {}


class SlackClient:
    """Sends what Slack would send to the bot's /slack/events, signed with the app's secret."""

    def __init__(self, bot: BotProcess, slack: SlackFake) -> None:
        self.bot = bot
        self.slack = slack
        self.http = httpx.Client(timeout=30)
        self._n = 0

    def post(self, body: str, headers: dict[str, str] | None = None) -> Reply:
        started = time.monotonic()
        resp = self.http.post(self.bot.url + "/slack/events", content=body,
                              headers=headers or sign(SIGNING_SECRET, body))
        return Reply(resp.status_code, resp.text, time.monotonic() - started)

    def command(self, text: str, user: str = "U0SHANGHAI", channel: str = CHANNEL,
                key: str | None = None, team: str = DEFAULT_TEAM_ID) -> tuple[Reply, str]:
        """Send `/record <text>`; returns the ack and the key of its response_url."""
        self._n += 1
        key = key or f"r{self._n}-{time.monotonic_ns()}"
        body = slash_command_body(text, user_id=user, channel_id=channel, team_id=team,
                                  response_url=self.slack.response_url(key),
                                  trigger_id=f"trigger-{key}")
        return self.post(body), key

    def interact(self, payload: dict) -> Reply:
        return self.post(interaction_body(payload))


@pytest.fixture
def client(bot: BotProcess, slack: SlackFake) -> Iterator[SlackClient]:
    c = SlackClient(bot, slack)
    yield c
    c.http.close()
