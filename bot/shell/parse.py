"""`recordbot parse "<text>"`: show how the bot reads a time phrase, without Slack or Tencent.

A repeat, or a window one task cannot hold (longer than 24 h, beyond Tencent's horizon), is
shown with the parts or occurrences the bot would schedule and when each task is created.

For a person checking a phrase before using it, and for bug reports: the output names the
instant the phrase was read at and the zone, so anyone can reproduce it with ``--now``/``--tz``.
It runs the same parser and the same Tencent window rules as `/record`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.recording.model import RecordRequest, SeriesKind
from bot.recording.rules import (
    TASK_ONLY_RULES,
    WindowRule,
    WindowRuleError,
    check_window,
    enters_horizon,
    in_horizon,
)
from bot.recording.series import (
    DEFAULT_SPAN,
    MAX_OCCURRENCES,
    MAX_WINDOW,
    SeriesPlan,
    SeriesProblem,
    SeriesRefused,
    needs_series,
    parse_pad,
    plan_repeat_series,
    plan_window_series,
)
from bot.shell.zone import resolve_zone
from bot.slack.blocks.problems import window_rule_text
from bot.slack.i18n import EN
from bot.timeparse import Repeat, TimeParseError, format_duration, parse_schedule


def _one_task_cannot(e: WindowRuleError) -> str:
    """Why one task cannot hold a window, in the words of the parse report (English only)."""
    if e.rule is WindowRule.MAX_24H:
        return f"{format_duration(e.duration, days=False)} is longer than 24 h"
    if e.rule is WindowRule.START_WITHIN_6_DAYS:
        return f"starts {format_duration(e.start - e.now)} from now, not within 6 days"
    return f"ends {format_duration(e.end - e.now)} from now, not within 7 days"

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


def run_parse(text: str, tz: str | None, now_iso: str | None, out: TextIO, err: TextIO,
              pad: str | None = None) -> int:
    try:
        zone_name = resolve_zone(tz)
        now = reference_now(now_iso, ZoneInfo(zone_name))
        padding = _padding(pad)
    except ValueError as e:
        print(f"recordbot parse: {e}", file=err)
        return EXIT_USAGE
    try:
        read = parse_schedule(text, now)
    except TimeParseError as e:
        print(f"Not understood: {e}", file=err)
        return EXIT_NOT_UNDERSTOOD

    lines = [("Text", text), ("Read at", f"{_instant(now)} in {zone_name}")]
    series = None
    if isinstance(read, Repeat):
        lines += [("Repeat", read.description), ("Rule", f"RRULE:{read.rrule}"),
                  ("First", _instant(read.first.start)),
                  ("Duration", format_duration(read.duration)), ("Zone", read.zone)]
        series = _series(lambda: plan_repeat_series(_REQUEST, read, now, padding))
    else:
        window = read
        lines.append(("Start", _instant(window.start)))
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
            start, end = window.start - padding, window.end + padding
            try:
                check_window(start, end, now)
                verdict = ("accepts it (ends in the future, at most 24 h, starts within 6 days "
                           "and ends within 7)")
            except WindowRuleError as e:
                if e.rule in TASK_ONLY_RULES:
                    verdict = f"would refuse it as one task ({_one_task_cannot(e)})"
                else:
                    verdict = f"would refuse it: {window_rule_text(EN, e)}"
                if end - max(start, now) > MAX_WINDOW:
                    series = window_rule_text(EN, WindowRuleError(WindowRule.MAX_LENGTH, start,
                                                                  end, now))
                elif needs_series(start, end, now):
                    series = _series(lambda: plan_window_series(_REQUEST, window, now,
                                                                padding))
            lines.append(("Tencent", verdict))
    if padding:
        lines.append(("Padding", f"{format_duration(padding)} before and after"))
    if isinstance(series, str):
        lines.append(("Bot", series))
    elif series is not None:
        lines += _series_lines(series, now)
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        print(f"{label + ':' if label else '':<{width}}{value}", file=out)
    return EXIT_OK


#: What the parts are planned for (only the window matters here).
_REQUEST = RecordRequest("T", "C", "U", "stream", "", "push.example.com", "live")
#: How many parts or occurrences are listed; the rest are counted.
SHOWN = 12


def _padding(pad: str | None) -> timedelta:
    if not pad:
        return timedelta(0)
    padding = parse_pad(pad)
    if padding is None:
        raise ValueError(f"--pad {pad!r} is not a padding; use e.g. 5m, 90s or 1h (at most 2 h).")
    return padding


def _series(plan: Callable[[], SeriesPlan]) -> SeriesPlan | str:
    try:
        return plan()
    except SeriesRefused as e:
        if e.problem is SeriesProblem.TOO_MANY:
            return f"refuses it: more than {MAX_OCCURRENCES} recordings; give it an earlier end"
        return "refuses it: no recording still to come"


def _series_lines(plan: SeriesPlan, now: datetime) -> list[tuple[str, str]]:
    ends = ""
    if plan.limited and plan.until is not None:
        ends = f"; no end given: stops after {DEFAULT_SPAN.days} days (last day {plan.until})"
    if plan.kind is SeriesKind.WINDOW:
        summary = (f"schedules it as {len(plan.parts)} consecutive task(s) of at most 24 h, "
                   "each created once it is within Tencent's 6 days")
    else:
        summary = (f"schedules it as a series: {plan.occurrences} occurrence(s), "
                   f"{len(plan.parts)} task(s){ends}")
    lines = [("Bot", summary)]
    for i, part in enumerate(plan.parts[:SHOWN]):
        if in_horizon(part.start, part.end, now):
            when = "created now"
        else:
            opens = enters_horizon(part.start, part.end).astimezone(part.start.tzinfo)
            when = f"planned; created from {opens:%a %d %b %Y %H:%M}"
        label = "Parts" if plan.kind is SeriesKind.WINDOW else "Occurrences"
        span = (f"{part.start:%a %d %b %Y %H:%M} → {part.end:%a %d %b %H:%M}"
                f" ({format_duration(part.end - part.start)})")
        name = f"#{part.occurrence + 1}" + (f".{part.part + 1}" if plan.kind is
                                             SeriesKind.REPEAT and part.part else "")
        if plan.kind is SeriesKind.WINDOW:
            name = f"#{part.part + 1}"
        lines.append((label if i == 0 else "", f"{name} {span} — {when}"))
    if len(plan.parts) > SHOWN:
        lines.append(("", f"… and {len(plan.parts) - SHOWN} more"))
    return lines
