"""Errors as data (issue 15): every ParseProblem is raised by some phrase, with its params,
and every choice offered for a question parses."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import ParseProblem, TimeParseError, parse_schedule, parse_window
from bot.timeparse.errors import QUESTIONS

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday
BERLIN_SPRING = datetime(2026, 3, 28, 22, 0, tzinfo=ZoneInfo("Europe/Berlin"))

P = ParseProblem
# problem -> (phrase, now, params the message needs besides "fragment")
PHRASES: dict[ParseProblem, tuple[str, datetime, tuple[str, ...]]] = {
    P.NOT_UNDERSTOOD: ("tomorrow banana 8pm", NOW, ()),
    P.NO_TIME: ("为止", NOW, ()),
    P.AMBIGUOUS_ZONE: ("8pm CST", NOW, ("meaning",)),
    P.TWO_ZONES: ("8pm CET 9pm UTC", NOW, ()),
    P.TWO_DURATIONS: ("for 2 hours for 3 hours", NOW, ()),
    P.TWO_RANGES: ("8pm to 10pm to 11pm", NOW, ()),
    P.BETWEEN_AND: ("between 8pm", NOW, ()),
    P.MISSING_START: ("to 10pm", NOW, ()),
    P.MISSING_END: ("8pm to", NOW, ()),
    P.END_AND_DURATION: ("8pm to 10pm for 2 hours", NOW, ()),
    P.TWO_OF_A_KIND: ("tomorrow today 8pm", NOW, ("what",)),
    P.TWO_STARTS: ("in 10 minutes at 8pm", NOW, ()),
    P.NO_CLOCK: ("tomorrow", NOW, ()),
    P.END_NOT_CLOCK: ("8pm to now", NOW, ()),
    P.AM_OR_PM: ("tomorrow at 8", NOW, ("morning", "evening")),
    P.DATE_ORDER: ("12/11 8pm", NOW, ("day_month", "month_day")),
    P.CLOCK_OR_DURATION: ("21h", NOW, ("clock", "duration")),
    P.CLOCK_OR_RANGE: ("20 to 1", NOW, ("clock", "range")),
    P.MINUTES_READING: ("八点五", NOW, ("first", "second")),
    P.NO_END: ("after 6pm", NOW, ()),
    P.NO_SUCH_DAY: ("feb 30 at 8pm", NOW, ("reason",)),
    P.WEEKDAY_MISMATCH: ("Friday, Dec 3 at 8pm", NOW, ("date", "weekday")),
    P.DST_GAP: ("tomorrow 2:30am", BERLIN_SPRING, ("time", "date", "zone")),
    P.TOO_FAR: ("for 9000000 days", NOW, ()),
    P.PERIOD_CLASH: ("tomorrow morning at 8pm", NOW, ()),
    P.REPEAT_NOT_UNDERSTOOD: ("every banana 8pm", NOW, ()),
    P.REPEAT_NEEDS_REGION: ("every day 8pm-10pm UTC+8", NOW, ("zone",)),
    P.REPEAT_NEEDS_LENGTH: ("every day 8pm", NOW, ()),
    P.REPEAT_TWO_ENDS: ("every day 8pm-10pm until Dec 31 10 times", NOW, ()),
    P.REPEAT_NO_OCCURRENCE: ("every day 8am to 9am until yesterday", NOW, ()),
}


def test_every_problem_has_a_phrase():
    assert set(PHRASES) == set(ParseProblem)


@pytest.mark.parametrize("problem", list(ParseProblem))
def test_each_problem_is_raised_with_its_params(problem):
    text, now, params = PHRASES[problem]
    with pytest.raises(TimeParseError) as info:
        parse_schedule(text, now)
    err = info.value
    assert err.problem == problem, str(err)
    assert set(params) <= set(err.params)
    assert err.params["fragment"] == err.fragment
    assert all(isinstance(v, str) for v in err.params.values())
    assert str(err).strip() and f'"{err.fragment}"' in str(err)
    if problem in QUESTIONS:
        assert len(err.choices) == 2, err.choices
    for choice in err.choices:
        parse_schedule(choice, now)  # each rephrasing offered works


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("tomorrow at 8", ("tomorrow at 8am", "tomorrow at 8pm")),
        ("明天8点", ("明天上午8点", "明天晚上8点")),
        ("12/11 8pm", ("Nov 12 8pm", "Dec 11 8pm")),
        ("21h", ("21:00", "for 21 hours")),
        ("tomorrow at 12", ("tomorrow at noon", "tomorrow at midnight")),
    ],
)
def test_choices_rephrase_the_users_text(text, choices):
    with pytest.raises(TimeParseError) as info:
        parse_window(text, NOW)
    assert info.value.choices == choices


def test_params_are_read_only():
    with pytest.raises(TimeParseError) as info:
        parse_window("tomorrow banana", NOW)
    with pytest.raises(TypeError):
        info.value.params["fragment"] = "x"  # type: ignore[index]
