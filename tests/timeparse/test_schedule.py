"""parse_schedule: repeating recordings as RRULEs, on the wall clock of the zone."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from bot.timeparse import ParseProblem, RecordingWindow, Repeat, TimeParseError, parse_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday
NEW_YORK = ZoneInfo("America/New_York")


def repeat(text: str, now: datetime = NOW) -> Repeat:
    result = parse_schedule(text, now)
    assert isinstance(result, Repeat), result
    return result


@pytest.mark.parametrize(
    ("text", "rule", "start", "length", "first_start"),
    [
        ("every day 8pm to 10pm", "FREQ=DAILY", "20:00", 2, "2026-11-25T20:00+08:00"),
        ("daily 20:00-22:00", "FREQ=DAILY", "20:00", 2, "2026-11-25T20:00+08:00"),
        ("every night 8-10", "FREQ=DAILY", "20:00", 2, "2026-11-25T20:00+08:00"),
        ("weekdays 9-11am until Dec 31", "FREQ=WEEKLY;UNTIL=20261231T235959;BYDAY=MO,TU,WE,TH,FR",
         "09:00", 2, "2026-11-26T09:00+08:00"),
        ("every friday 20:00-22:00 for 6 weeks", "FREQ=WEEKLY;COUNT=6;BYDAY=FR", "20:00", 2,
         "2026-11-27T20:00+08:00"),
        ("every mon and wed 8pm for 2 hours", "FREQ=WEEKLY;BYDAY=MO,WE", "20:00", 2,
         "2026-11-25T20:00+08:00"),
        ("every weekend 2pm-4pm", "FREQ=WEEKLY;BYDAY=SA,SU", "14:00", 2,
         "2026-11-28T14:00+08:00"),
        ("every day 8pm-10pm 10 times", "FREQ=DAILY;COUNT=10", "20:00", 2,
         "2026-11-25T20:00+08:00"),
        ("every other friday 8pm-10pm", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "20:00", 2,
         "2026-11-27T20:00+08:00"),
        ("fridays 8-10pm", "FREQ=WEEKLY;BYDAY=FR", "20:00", 2, "2026-11-27T20:00+08:00"),
        ("every day 11pm to 1am", "FREQ=DAILY", "23:00", 2, "2026-11-25T23:00+08:00"),
        ("每周五晚上8点到10点", "FREQ=WEEKLY;BYDAY=FR", "20:00", 2, "2026-11-27T20:00+08:00"),
        ("每天晚上8点到10点，直到12月31日", "FREQ=DAILY;UNTIL=20261231T235959", "20:00", 2,
         "2026-11-25T20:00+08:00"),
        ("工作日上午9点到11点", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "09:00", 2,
         "2026-11-26T09:00+08:00"),
        ("每周一三五晚上8点到9点", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "20:00", 1,
         "2026-11-25T20:00+08:00"),
        ("每个周末下午2点到4点", "FREQ=WEEKLY;BYDAY=SA,SU", "14:00", 2, "2026-11-28T14:00+08:00"),
        ("每天晚上8点到10点，共6次", "FREQ=DAILY;COUNT=6", "20:00", 2, "2026-11-25T20:00+08:00"),
        ("每週五晚上8點到10點", "FREQ=WEEKLY;BYDAY=FR", "20:00", 2, "2026-11-27T20:00+08:00"),
        ("每晚8點到10點，直到12月31號", "FREQ=DAILY;UNTIL=20261231T235959", "20:00", 2,
         "2026-11-25T20:00+08:00"),
        ("逢星期六下晝兩點到四點", "FREQ=WEEKLY;BYDAY=SA", "14:00", 2, "2026-11-28T14:00+08:00"),
        ("每周五20:00-22:00，连续6周", "FREQ=WEEKLY;COUNT=6;BYDAY=FR", "20:00", 2,
         "2026-11-27T20:00+08:00"),
    ],
)
def test_repeats(text, rule, start, length, first_start):
    r = repeat(text)
    assert r.rrule == rule
    assert r.start_time == time.fromisoformat(start)
    assert r.duration == timedelta(hours=length)
    assert r.zone == "Asia/Shanghai"
    assert r.first.start == datetime.fromisoformat(first_start)
    assert r.first.end - r.first.start == r.duration
    assert r.first.end > NOW
    # The rule is a valid RRULE for dateutil, and its first occurrence is ours.
    dtstart = datetime.combine(r.first.start.date(), r.start_time)
    parsed = rrulestr(f"DTSTART:{dtstart:%Y%m%dT%H%M%S}\nRRULE:{r.rrule}")
    assert parsed[0] == dtstart


def test_until_and_count_are_reported():
    r = repeat("weekdays 9-11am until Dec 31")
    assert r.until == date(2026, 12, 31) and r.count is None
    r = repeat("every friday 20:00-22:00 for 6 weeks")
    assert r.count == 6 and r.until is None
    assert r.description == "every Friday 20:00–22:00, 6 times (Asia/Shanghai)"
    r = repeat("every day 8pm to 10pm")
    assert r.until is None and r.count is None  # the service applies its default limit


def test_repeat_is_frozen():
    r = repeat("every day 8pm to 10pm")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.count = 3  # type: ignore[misc]


def test_anything_parse_window_reads_is_a_window():
    result = parse_schedule("tomorrow 8pm to 10pm", NOW)
    assert isinstance(result, RecordingWindow)
    assert result.start == datetime(2026, 11, 26, 20, 0, tzinfo=SHANGHAI)


def test_a_running_occurrence_is_the_first():
    late = datetime(2026, 11, 25, 21, 0, tzinfo=SHANGHAI)
    assert repeat("every day 8pm to 10pm", late).first.start == datetime(2026, 11, 25, 20, 0,
                                                                         tzinfo=SHANGHAI)
    after = datetime(2026, 11, 25, 22, 30, tzinfo=SHANGHAI)
    assert repeat("every day 8pm to 10pm", after).first.start == datetime(2026, 11, 26, 20, 0,
                                                                          tzinfo=SHANGHAI)


def test_a_daily_series_across_a_dst_change_keeps_the_wall_clock():
    now = datetime(2026, 10, 30, 12, 0, tzinfo=NEW_YORK)  # clocks go back on Sun 1 Nov
    r = repeat("every day 8pm to 10pm until Nov 3", now)
    assert r.zone == "America/New_York"
    assert r.rrule == "FREQ=DAILY;UNTIL=20261103T235959"
    dtstart = datetime.combine(r.first.start.date(), r.start_time)
    starts = [o.replace(tzinfo=NEW_YORK) for o in rrulestr(f"DTSTART:{dtstart:%Y%m%dT%H%M%S}\n"
                                                           f"RRULE:{r.rrule}")]
    assert [s.hour for s in starts] == [20, 20, 20, 20, 20]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=-4)] * 2 + [timedelta(hours=-5)] * 3
    assert r.first.start.isoformat() == "2026-10-30T20:00:00-04:00"


def test_a_series_in_march_starts_at_the_same_local_time_after_the_change():
    now = datetime(2026, 3, 6, 9, 0, tzinfo=NEW_YORK)  # clocks go forward on Sun 8 Mar
    late = datetime(2026, 3, 8, 21, 0, tzinfo=NEW_YORK)
    assert repeat("daily 20:00-22:00", now).first.start.isoformat() == "2026-03-06T20:00:00-05:00"
    assert repeat("daily 20:00-22:00", late).first.start.isoformat() == "2026-03-08T20:00:00-04:00"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("every banana 8pm", ParseProblem.REPEAT_NOT_UNDERSTOOD),
        ("every day 8pm", ParseProblem.REPEAT_NEEDS_LENGTH),
        ("every day", ParseProblem.REPEAT_NEEDS_LENGTH),
        ("every day 8pm-10pm UTC+8", ParseProblem.REPEAT_NEEDS_REGION),
        ("every day 8pm-10pm until Dec 31 10 times", ParseProblem.REPEAT_TWO_ENDS),
        ("every day at 8 to 10", ParseProblem.AM_OR_PM),
        ("每天8点到10点", ParseProblem.AM_OR_PM),
    ],
)
def test_refusals(text, problem):
    with pytest.raises(TimeParseError) as info:
        parse_schedule(text, NOW)
    assert info.value.problem == problem
    for choice in info.value.choices:
        assert isinstance(parse_schedule(choice, NOW), Repeat)


def test_an_until_day_in_the_past_leaves_no_occurrence():
    with pytest.raises(TimeParseError) as info:
        parse_schedule("every day 8am to 9am until yesterday", NOW)
    assert info.value.problem == ParseProblem.REPEAT_NO_OCCURRENCE


def test_a_series_whose_start_is_skipped_today_by_dst_still_reads():
    now = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)  # 02:00-03:00 does not exist today
    r = repeat("every day 2:30am to 3:30am", now)
    assert r.start_time == time(2, 30)
    assert r.first.start.isoformat() == "2026-03-09T02:30:00-04:00"
