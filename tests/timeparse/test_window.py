"""The RecordingWindow contract: fields, zones, descriptions, DST arithmetic."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import RecordingWindow, parse_window, warm_up

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)  # a Wednesday


def test_window_is_frozen():
    window = parse_window("tomorrow 8pm to 10pm", NOW)
    assert isinstance(window, RecordingWindow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        window.start = NOW  # type: ignore[misc]


def test_only_a_start_gives_no_end():
    window = parse_window("tomorrow 8pm", NOW)
    assert window.end is None
    assert window.description == "Thu 26 Nov 20:00 (Asia/Shanghai)"


def test_bare_duration_starts_now():
    window = parse_window("for 2 hours", NOW)
    assert window.start == NOW
    assert window.end == NOW + timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("8pm", "Asia/Shanghai"),
        ("8pm CET", "Europe/Paris"),
        ("8pm Asia/Tokyo", "Asia/Tokyo"),
        ("8pm asia/tokyo", "Asia/Tokyo"),
        ("20:00 UTC+8", "UTC+08:00"),
        ("20:00 UTC-05:30", "UTC-05:30"),
        ("20:00 UTC", "UTC"),
        ("北京时间晚上8点", "Asia/Shanghai"),
        ("东八区20:00", "UTC+08:00"),
        ("2026-12-03T09:30:00+01:00", "UTC+01:00"),
    ],
)
def test_zone_names_the_zone_the_text_was_read_in(text, zone):
    assert parse_window(text, NOW).zone == zone


def test_zone_of_a_plain_utc_now():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    window = parse_window("8pm", now)
    assert window.zone == "UTC"
    assert window.start == datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def test_zone_of_a_fixed_offset_now():
    now = datetime(2026, 11, 25, 14, 0, tzinfo=timezone(timedelta(hours=8)))
    window = parse_window("8pm", now)
    assert window.zone == "UTC+08:00"
    assert window.start == datetime(2026, 11, 25, 20, 0, tzinfo=SHANGHAI)


def test_a_zone_in_the_text_also_decides_what_today_is():
    # 07:30 on Thursday in Shanghai is still Wednesday evening in New York.
    now = datetime(2026, 11, 26, 7, 30, tzinfo=SHANGHAI)
    window = parse_window("tomorrow 9am America/New_York", now)
    assert window.start.isoformat() == "2026-11-26T09:00:00-05:00"


def test_description_echoes_what_was_understood():
    window = parse_window("tomorrow 8pm to 10pm", NOW)
    assert window.description == "Thu 26 Nov 20:00 → 22:00 (2 h, Asia/Shanghai)"
    window = parse_window("tomorrow 11pm for 90 minutes", NOW)
    assert window.description == "Thu 26 Nov 23:00 → Fri 27 Nov 00:30 (1 h 30 min, Asia/Shanghai)"
    window = parse_window("明天晚上8点到10点 CET", NOW)
    assert window.description == "Thu 26 Nov 20:00 → 22:00 (2 h, Europe/Paris)"
    assert parse_window("now for 1h", NOW).description.startswith("now (Wed 25 Nov 14:00)")
    assert "2027" in parse_window("dec 3, 2027 at 10:00", NOW).description


def test_the_description_reads_back_to_the_same_window():
    window = parse_window("friday 10pm to saturday 2am", NOW)
    echoed = window.description.split(" (")[0]
    assert parse_window(echoed, NOW) == window


def test_windows_across_a_dst_change_have_their_real_length():
    berlin = datetime(2026, 3, 28, 22, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    window = parse_window("tomorrow 1am to 4am", berlin)
    assert window.end - window.start == timedelta(hours=2)  # 02:00-03:00 never happens
    new_york = datetime(2026, 10, 31, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    window = parse_window("tomorrow 1:30am to 1:15am", new_york)
    assert window.end > window.start  # 01:15 the second time round
    assert window.end - window.start == timedelta(minutes=45)
    window = parse_window("midnight for 3 hours", new_york)
    assert window.end.astimezone(ZoneInfo("America/New_York")).hour == 2


def test_a_window_in_the_past_is_returned_as_parsed():
    late = datetime(2026, 11, 25, 23, 50, tzinfo=SHANGHAI)
    window = parse_window("tonight at 11 to 11:30pm", late)
    assert window.start < late and window.end < late


def test_the_parser_reads_only_now_never_the_wall_clock():
    far = datetime(2031, 2, 3, 4, 5, tzinfo=SHANGHAI)
    assert parse_window("tomorrow 8pm", far).start == datetime(2031, 2, 4, 20, 0, tzinfo=SHANGHAI)


def test_warm_up_runs_and_leaves_parsing_unchanged():
    before = parse_window("明天晚上8点到10点", NOW)
    warm_up()
    assert parse_window("明天晚上8点到10点", NOW) == before
