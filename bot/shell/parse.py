"""`recordbot parse "<text>"`: show how the bot reads a time phrase, without Slack or Tencent.

For a person checking a phrase before using it, and for bug reports: the output names the
instant the phrase was read at and the zone, so anyone can reproduce it with ``--now``/``--tz``.
It runs the same parser and the same Tencent window rules as `/record`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.recording.rules import WindowRuleError, check_window
from bot.shell.zone import resolve_zone
from bot.slack.blocks.problems import window_rule_text
from bot.slack.i18n import EN
from bot.timeparse import TimeParseError, format_duration, parse_window

EXIT_OK = 0
EXIT_NOT_UNDERSTOOD = 1
EXIT_USAGE = 2


def reference_now(now_iso: str | None, zone: ZoneInfo) -> datetime:
    """``--now``: ISO 8601; without an offset it is wall time in ``zone``. Default: the clock."""
    if now_iso is None:
        return datetime.now(UTC).astimezone(zone)
    try:
        moment = datetime.fromisoformat(now_iso.strip())
    except ValueError:
        raise ValueError(
            f"--now {now_iso!r} is not an ISO 8601 time; use e.g. 2026-03-10T09:00 or "
            "2026-03-10T09:00+08:00."
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _instant(moment: datetime) -> str:
    return f"{moment.isoformat(timespec='minutes')}  ({moment:%a %d %b %Y %H:%M})"


def run_parse(text: str, tz: str | None, now_iso: str | None, out: TextIO, err: TextIO) -> int:
    try:
        zone_name = resolve_zone(tz)
        now = reference_now(now_iso, ZoneInfo(zone_name))
    except ValueError as e:
        print(f"recordbot parse: {e}", file=err)
        return EXIT_USAGE
    try:
        window = parse_window(text, now)
    except TimeParseError as e:
        print(f"Not understood: {e}", file=err)
        return EXIT_NOT_UNDERSTOOD

    lines = [
        ("Text", text),
        ("Read at", f"{_instant(now)} in {zone_name}"),
        ("Start", _instant(window.start)),
    ]
    if window.end is None:
        lines += [
            ("End", "no end — a recording needs one: add e.g. “to 10pm” or “for 2 hours”"),
            ("Duration", "—"),
        ]
    else:
        lines += [
            ("End", _instant(window.end)),
            ("Duration", format_duration(window.end - window.start)),
        ]
    lines += [("Zone", window.zone), ("Understood", window.description)]
    if window.end is not None:
        try:
            check_window(window.start, window.end, now)
            verdict = ("accepts it (ends in the future, at most 24 h, starts within 6 days "
                       "and ends within 7)")
        except WindowRuleError as e:
            verdict = f"would refuse it: {window_rule_text(EN, e)}"
        lines.append(("Tencent", verdict))
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        print(f"{label + ':':<{width}}{value}", file=out)
    return EXIT_OK
