"""Local stand-ins for the services the bot talks to, served over real HTTP on loopback.

They let the real SDKs (slack_sdk, slack_bolt) run unmodified in end-to-end tests, the local
console and benchmarks: only the base URLs change.
"""

from bot.sandbox.slack_fake import SlackFake
from bot.sandbox.slack_socket_mode import SocketModeServer
from bot.sandbox.slack_state import FailurePlan, FakeChannel, FakeUser, RecordedCall

__all__ = [
    "FailurePlan",
    "FakeChannel",
    "FakeUser",
    "RecordedCall",
    "SlackFake",
    "SocketModeServer",
]
