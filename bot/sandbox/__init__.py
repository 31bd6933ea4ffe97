"""The sandbox wing: local stand-ins for the services the bot talks to, served over real HTTP
on loopback.

* ``bot.sandbox.slack``: the Slack Web API and Socket Mode fake;
* ``bot.sandbox.live``: the Tencent Live API emulator (TC3 signatures verified like Tencent).

They let the real SDKs (slack_sdk, slack_bolt, tencentcloud) run unmodified in end-to-end
tests, ``recordbot shell --sandbox`` and the benchmarks: only the base URLs change. They ship
with the package because the shell needs them, and only ``bot.shell``, the tests and ``bench/``
import them; the bot itself never does.
"""

from bot.sandbox.live import Fault, LiveEmulator
from bot.sandbox.slack.fake import SlackFake
from bot.sandbox.slack.socket_mode import SocketModeServer
from bot.sandbox.slack.state import FailurePlan, FakeChannel, FakeUser, RecordedCall

__all__ = [
    "FailurePlan",
    "FakeChannel",
    "FakeUser",
    "Fault",
    "LiveEmulator",
    "RecordedCall",
    "SlackFake",
    "SocketModeServer",
]
