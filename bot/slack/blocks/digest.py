"""Block Kit for the daily digest (bot.recording.digest) in DEFAULT_LANGUAGE: tomorrow's
recordings, how yesterday's went (their completeness, in the words of the report's summary),
and what failed. Times are the digest zone's, named in the heading."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock

from bot.recording.model import Recording, State
from bot.recording.report import CompletenessReport, Digest
from bot.slack.blocks.report import report_summary
from bot.slack.blocks.text import code, context, mention, message, section
from bot.slack.i18n import Mrkdwn, Tr

#: Recordings listed per part; the rest are counted.
PER_PART = 15


def _span(tr: Tr, rec: Recording, zone: ZoneInfo, day: bool = False) -> Mrkdwn:
    start, end = rec.start_time.astimezone(zone), rec.end_time.astimezone(zone)
    first = tr.day_clock(start) if day else tr.clock(start)
    last = tr.clock(end) if end.date() == start.date() else tr.day_clock(end)
    return Mrkdwn(f"{first} → {last}")


def _line(tr: Tr, rec: Recording, zone: ZoneInfo, day: bool = False) -> Mrkdwn:
    line = tr._("{stream} on {domain}/{app} · {span}", stream=code(rec.stream_name),
                domain=code(rec.domain_name), app=code(rec.app_name),
                span=_span(tr, rec, zone, day))
    who = tr._("by {who}", who=mention(rec.requester_id))
    return Mrkdwn(f"• {line} · {who}")


def _coming(tr: Tr, rec: Recording, zone: ZoneInfo) -> Mrkdwn:
    line = _line(tr, rec, zone)
    if rec.state is State.PLANNED:  # a series' part: its task is not created yet
        planned = tr._(":spiral_calendar_pad: planned: its task is not created yet")
        return Mrkdwn(f"{line}\n    {planned}")
    return line


def _outcome(tr: Tr, rec: Recording) -> Mrkdwn:
    if isinstance(rec.report, CompletenessReport):
        return report_summary(tr, rec.report)
    ended = tr.p_("list status", "ended")
    return tr._("{status} · completeness report pending", status=ended)


def _part(tr: Tr, lines: list[Mrkdwn]) -> list[Mrkdwn]:
    if len(lines) > PER_PART:
        more = tr.n_("…and {n} more: `/record list`", "…and {n} more: `/record list`",
                     len(lines) - PER_PART)
        return [*lines[:PER_PART], more]
    return lines


def digest_message(tr: Tr, digest: Digest) -> dict:
    """chat.postMessage kwargs for the digest in its channel."""
    zone = ZoneInfo(digest.zone)
    day = tr.day(digest.day)
    head = tr._(":newspaper: *Recordings digest* for {day} (times in {zone})", day=day,
                zone=code(digest.zone))
    blocks: list[Block] = [section(head), DividerBlock()]

    tomorrow = tr.day(digest.day + timedelta(days=1))
    title = tr._("*Tomorrow, {day}*", day=tomorrow)
    if digest.tomorrow:
        lines = _part(tr, [_coming(tr, r, zone) for r in digest.tomorrow])
        blocks.append(section("\n".join([title, *lines])))
    else:
        empty = tr._("Nothing is scheduled for tomorrow.")
        blocks.append(section(f"{title}\n{empty}"))

    yesterday = tr.day(digest.day - timedelta(days=1))
    title = tr._("*Yesterday, {day}*", day=yesterday)
    if digest.yesterday:
        lines = _part(tr, [Mrkdwn(f"{_line(tr, r, zone)}\n    {_outcome(tr, r)}")
                           for r in digest.yesterday])
        blocks.append(section("\n".join([title, *lines])))
    else:
        empty = tr._("No recording ended yesterday.")
        blocks.append(section(f"{title}\n{empty}"))

    if digest.failures:
        title = tr._(":x: *Not scheduled yesterday*")
        lines = []
        for r in digest.failures:
            why = tr._(":x: not scheduled: {code}", code=code(r.error_code or "?"))
            lines.append(Mrkdwn(f"{_line(tr, r, zone)}\n    {why}"))
        blocks.append(section("\n".join([title, *_part(tr, lines)])))

    blocks.append(context(tr._("Each recording's thread has the details; "
                               "`/record list` shows what is coming.")))
    fallback = tr._("Recordings digest for {day}: {tomorrow} tomorrow, {ended} ended "
                    "yesterday, {failed} not scheduled", day=day, tomorrow=len(digest.tomorrow),
                    ended=len(digest.yesterday), failed=len(digest.failures))
    return message(blocks, fallback)

