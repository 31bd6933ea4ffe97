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


def test_more_than_24_hours_says_how_long_it_was():
    e = rule(NOW + timedelta(hours=1), NOW + timedelta(hours=27))
    assert e.rule is WindowRule.MAX_24H
    assert "That is 26 h" in window_rule_text(EN, e) and "24 h" in window_rule_text(EN, e)


def test_exactly_24_hours_is_allowed():
    check_window(NOW + timedelta(hours=1), NOW + timedelta(hours=25), NOW)


def test_must_end_within_seven_days():
    e = rule(NOW + timedelta(days=7), NOW + timedelta(days=7, hours=1))
    assert e.rule is WindowRule.WITHIN_7_DAYS
    assert "7 days" in window_rule_text(EN, e)


def test_format_duration():
    assert format_duration(timedelta(minutes=90)) == "1 h 30 min"
    assert format_duration(timedelta(hours=2)) == "2 h"
    assert format_duration(timedelta(0)) == "0 min"
    assert format_duration(timedelta(hours=26)) == "1 d 2 h"
    assert format_duration(timedelta(hours=26), days=False) == "26 h"
