"""A fresh Slack fake per test: starting one is a few milliseconds on a free port."""

from collections.abc import Iterator

import pytest

from bot.sandbox import SlackFake


@pytest.fixture
def fake() -> Iterator[SlackFake]:
    users = {
        "U0ALICE": {"name": "alice", "real_name": "Alice Li", "tz": "Asia/Shanghai",
                    "locale": "zh-CN"},
        "U0BOB": {
            "name": "bob",
            "tz": "America/New_York",
            "tz_label": "Eastern Standard Time",
            "tz_offset": -18000,
        },
    }
    with SlackFake(users=users, usergroups={"S0OPS": ["U0ALICE"]}) as started:
        yield started
