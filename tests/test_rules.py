from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recording.rules import WindowRule, WindowRuleError, check_window
from bot.slack.blocks.problems import window_rule_text
from bot.slack.i18n import EN
from bot.timeparse import format_duration

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def rule(start, end):
    with pytest.raises(WindowRuleError) as err:
        check_window(start, end, NOW)
    return err.value


def test_a_good_window_passes():
    check_window(NOW + timedelta(hours=8), NOW + timedelta(hours=10), NOW)


def test_end_must_follow_start():
    e = rule(NOW + timedelta(hours=2), NOW + timedelta(hours=1))
    assert e.rule is WindowRule.END_AFTER_START
    assert "after it starts" in window_rule_text(EN, e)


def test_window_in_the_past_is_refused_with_an_example():
    e = rule(NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    assert e.rule is WindowRule.END_IN_FUTURE
    assert "tomorrow 8pm to 10pm" in window_rule_text(EN, e)


def test_more_than_24_hours_is_more_than_one_task():
    e = rule(NOW + timedelta(hours=1), NOW + timedelta(hours=27))
    assert e.rule is WindowRule.MAX_24H  # the planner makes it a series; nobody is refused


def test_the_bots_own_limit_says_how_long_it_was_and_the_longest():
    e = WindowRuleError(WindowRule.MAX_LENGTH, NOW, NOW + timedelta(days=400), NOW)
    said = window_rule_text(EN, e)
    assert "That is 400 d" in said and "the longest window the bot records is 366 d" in said
    assert "split" not in said


def test_exactly_24_hours_is_allowed():
    check_window(NOW + timedelta(hours=1), NOW + timedelta(hours=25), NOW)


def test_must_end_within_seven_days():
    e = rule(NOW + timedelta(days=6), NOW + timedelta(days=7))
    assert e.rule is WindowRule.WITHIN_7_DAYS


def test_format_duration():
    assert format_duration(timedelta(minutes=90)) == "1 h 30 min"
    assert format_duration(timedelta(hours=2)) == "2 h"
    assert format_duration(timedelta(0)) == "0 min"
    assert format_duration(timedelta(hours=26)) == "1 d 2 h"
    assert format_duration(timedelta(hours=26), days=False) == "26 h"


# Tencent's two documents disagree on how far ahead: the API page says StartTime ≤ now + 6 days,
# the SDK's model docs EndTime < now + 7 days. The bot obeys both.

def test_a_short_window_starting_after_six_days_is_refused():
    """Ends well within 7 days, but starts after now + 6 days: the API page refuses it."""
    e = rule(NOW + timedelta(days=6, minutes=1), NOW + timedelta(days=6, hours=1))
    assert e.rule is WindowRule.START_WITHIN_6_DAYS


def test_a_start_exactly_six_days_ahead_is_allowed():
    check_window(NOW + timedelta(days=6), NOW + timedelta(days=6, hours=1), NOW)


def test_a_window_starting_within_six_days_but_ending_at_seven_is_refused():
    e = rule(NOW + timedelta(days=6), NOW + timedelta(days=7))
    assert e.rule is WindowRule.WITHIN_7_DAYS


def test_the_horizon_is_the_intersection():
    from bot.recording.rules import enters_horizon, in_horizon

    day = timedelta(days=1)
    assert in_horizon(NOW + 6 * day, NOW + 6 * day + timedelta(hours=2), NOW)
    assert not in_horizon(NOW + 6 * day + timedelta(seconds=1), NOW + 6 * day
                          + timedelta(hours=2), NOW)
    assert not in_horizon(NOW + 5 * day, NOW + 7 * day, NOW)
    # A 2 h window enters when its start is 6 days ahead; a 24 h one when its end is just
    # under 7 days ahead.
    start = NOW + 10 * day
    assert enters_horizon(start, start + timedelta(hours=2)) == start - 6 * day
    entry = enters_horizon(start, start + day)
    assert entry == start - 6 * day + timedelta(seconds=1)
    assert in_horizon(start, start + day, entry)
    assert not in_horizon(start, start + day, entry - timedelta(seconds=1))
