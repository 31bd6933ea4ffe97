"""`recordbot parse`: the window a phrase means, or why it means none."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main
from bot.shell.zone import machine_zone


def test_a_phrase_read_at_a_fixed_time_in_a_zone(capsys):
    code = main(["parse", "tomorrow 8pm to 10pm", "--tz", "Asia/Shanghai",
                 "--now", "2026-03-10T09:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Read at:    2026-03-10T09:00+08:00" in out
    assert "Start:      2026-03-11T20:00+08:00  (Wed 11 Mar 2026 20:00)" in out
    assert "End:        2026-03-11T22:00+08:00  (Wed 11 Mar 2026 22:00)" in out
    assert "Duration:   2 h" in out
    assert "Zone:       Asia/Shanghai" in out
    assert "Understood: Wed 11 Mar 20:00 → 22:00 (2 h, Asia/Shanghai)" in out
    assert "Tencent:    accepts it" in out


def test_chinese_with_now_given_in_another_offset(capsys):
    # 01:00 UTC is 09:00 in Shanghai: "tomorrow" is the 11th there.
    code = main(["parse", "明天晚上8点到10点", "--tz", "Asia/Shanghai",
                 "--now", "2026-03-10T01:00+00:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Start:      2026-03-11T20:00+08:00" in out


def test_only_a_start_says_an_end_is_needed(capsys):
    assert main(["parse", "tomorrow 8pm", "--tz", "UTC", "--now", "2026-03-10T09:00"]) == 0
    out = capsys.readouterr().out
    assert "End:        no end" in out and "Tencent:" not in out


def test_tencents_rules_are_named(capsys):
    main(["parse", "tomorrow 8am for 26 hours", "--tz", "UTC", "--now", "2026-03-10T09:00"])
    out = capsys.readouterr().out
    assert "Tencent:    would refuse it as one task (26 h is longer than 24 h)" in out
    assert "Bot:        schedules it as 2 consecutive task(s)" in out
    assert "split it" not in out  # no stale advice: the bot splits it


def test_a_window_longer_than_the_bot_records_says_the_limit(capsys):
    main(["parse", "Jan 1 2027 10:00 to Mar 1 2028 10:00", "--tz", "UTC",
          "--now", "2026-03-10T09:00"])
    out = capsys.readouterr().out
    assert "the longest window the bot records is 366 d" in out
    assert "consecutive task(s)" not in out


def test_not_understood_exits_1_with_the_parsers_message(capsys):
    code = main(["parse", "tomorrow banana", "--tz", "UTC"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert 'Not understood: I didn\'t understand "banana".' in captured.err


def test_bad_zone_or_now_exits_2(capsys):
    assert main(["parse", "tomorrow 8pm to 10pm", "--tz", "Mars/Olympus"]) == 2
    assert "not an IANA time zone" in capsys.readouterr().err
    assert main(["parse", "tomorrow 8pm to 10pm", "--now", "next tuesday"]) == 2
    assert "--now 'next tuesday' is not an ISO 8601 time" in capsys.readouterr().err


def test_machine_zone_from_tz_then_localtime_then_utc(tmp_path: Path):
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Berlin")
    missing = tmp_path / "none"
    assert machine_zone({"TZ": ":America/New_York"}, link, missing) == "America/New_York"
    assert machine_zone({"TZ": "/usr/share/zoneinfo/Asia/Tokyo"}, missing, missing) == (
        "Asia/Tokyo")
    assert machine_zone({}, link, missing) == "Europe/Berlin"
    assert machine_zone({"TZ": "Not/A_Zone"}, missing, missing) == "UTC"


def test_a_long_window_shows_its_consecutive_parts(capsys):
    assert main(["parse", "tomorrow 10:00 for 60 hours", "--tz", "Asia/Shanghai",
                 "--now", "2026-11-25T14:00"]) == 0
    out = capsys.readouterr().out
    assert "Bot:        schedules it as 3 consecutive task(s) of at most 24 h" in out
    assert "Parts:      #1 Thu 26 Nov 2026 10:00 → Fri 27 Nov 06:00 (20 h) — created now" in out
    assert "            #3 Sat 28 Nov 2026 02:00 → Sat 28 Nov 22:00 (20 h) — created now" in out


def test_a_window_beyond_the_horizon_says_when_its_task_is_created(capsys):
    main(["parse", "Dec 5 20:00 to 22:00", "--tz", "Asia/Shanghai", "--now", "2026-11-25T14:00"])
    out = capsys.readouterr().out
    assert "one task (starts 10 d 6 h from now, not within 6 days)" in out
    assert "#1 Sat 05 Dec 2026 20:00 → Sat 05 Dec 22:00 (2 h) — planned; created from Sun 29 " \
           "Nov 2026 20:00" in out


def test_a_repeat_shows_its_occurrences_across_dst_and_the_default_limit(capsys):
    main(["parse", "every day 8pm to 10pm", "--tz", "America/New_York",
          "--now", "2026-10-30T12:00", "--pad", "5m"])
    out = capsys.readouterr().out
    assert "Rule:        RRULE:FREQ=DAILY" in out
    assert "no end given: stops after 90 days" in out
    assert "#3 Sun 01 Nov 2026 19:55 → Sun 01 Nov 22:05" in out  # DST ends that night
    assert "#4 Mon 02 Nov 2026 19:55 → Mon 02 Nov 22:05" in out
    assert "Padding:     5 min before and after" in out
    assert "… and 78 more" in out
