"""The app manifest people paste into Slack: what /record's usage hint promises is true."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.timeparse import Repeat, parse_schedule

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
#: The longest usage hint Slack's app manifest reference allows (1,000 characters); the
#: command menu shows it on one line, so it stays far shorter.
HINT_LIMIT = 1000


def _hint() -> str:
    [hint] = re.findall(r'^\s*usage_hint:\s*"(.*)"\s*$', MANIFEST.read_text(), re.M)
    return hint


def test_the_usage_hint_names_padding_and_repeats_within_slacks_limit():
    hint = _hint()
    assert len(hint) <= HINT_LIMIT
    assert "pad=" in hint
    [example] = re.findall(r"repeats: ([^·]+?) ·", hint)
    now = datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert isinstance(parse_schedule(example, now), Repeat)  # the example is read as a repeat
