"""Every phrase in corpus.json must give exactly the expected window, or be refused.

A refusal case may name the ParseProblem expected ([text, "ERROR", "am-or-pm"]); a
question's choices must then each parse.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import ParseProblem, RecordingWindow, TimeParseError, parse_window

CORPUS = Path(__file__).with_name("corpus.json")


def parse_now(value: str) -> datetime:
    """"2026-11-25T14:00:00+08:00[Asia/Shanghai]" -> aware datetime in that zone."""
    stamp, _, zone = value.partition("[")
    moment = datetime.fromisoformat(stamp)
    now = moment.astimezone(ZoneInfo(zone.rstrip("]")))
    assert now.utcoffset() == moment.utcoffset(), f"offset in {value} does not match its zone"
    return now


def load_corpus() -> tuple[list, list]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    windows, refusals = [], []
    for g, group in enumerate(data["groups"], 1):
        for c, case in enumerate(group["cases"], 1):
            case_id = f"{g}.{c:03d} {group['kind']}: {case[0]}"  # group.case, kind, phrase
            if case[1] == "ERROR":
                problem = case[2] if len(case) > 2 else None
                refusals.append(pytest.param(group["now"], case[0], problem, id=case_id))
            else:
                windows.append(pytest.param(group["now"], *case, id=case_id))
    return windows, refusals


WINDOWS, REFUSALS = load_corpus()


def _same_moment(actual: datetime | None, expected: str | None) -> bool:
    if expected is None:
        return actual is None
    want = datetime.fromisoformat(expected)
    # The same instant (compared in UTC: Python never calls a datetime inside a
    # DST fold equal to one in another zone), with the offset of the zone the
    # text was read in.
    return (
        actual is not None
        and actual.astimezone(UTC) == want.astimezone(UTC)
        and actual.utcoffset() == want.utcoffset()
    )


@pytest.mark.parametrize(("now", "text", "start", "end"), WINDOWS)
def test_window(now: str, text: str, start: str, end: str | None):
    window = parse_window(text, parse_now(now))
    assert isinstance(window, RecordingWindow)
    got = (window.start.isoformat(), window.end.isoformat() if window.end else None)
    assert _same_moment(window.start, start), got
    assert _same_moment(window.end, end), got
    assert window.description


@pytest.mark.parametrize(("now", "text", "problem"), REFUSALS)
def test_refused(now: str, text: str, problem: str | None):
    with pytest.raises(TimeParseError) as info:
        parse_window(text, parse_now(now))
    if problem is not None:
        assert info.value.problem == ParseProblem(problem), str(info.value)
    for choice in info.value.choices:
        parse_window(choice, parse_now(now))  # every rephrasing offered must work


def test_every_group_has_a_kind():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert all(group.get("kind") for group in data["groups"])
