"""Block Kit for the completeness report and the open window's warnings
(bot.recording.report), in the language of the recording's request; also the one-line
summary App Home and the daily digest show."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from slack_sdk.models.blocks import Block

from bot.recording.model import Recording
from bot.recording.report import (
    CompletenessReport,
    Gap,
    GapCause,
    RecordingWarning,
    Verdict,
    WarningKind,
    Why,
)
from bot.slack.blocks.text import code, context, link, mention, message, section, slack_date
from bot.slack.i18n import Mrkdwn, Tr, escape

#: Links listed in the report; more files are counted, not linked.
MAX_LINKS = 10
MAX_GAPS = 10


def percent(tr: Tr, report: CompletenessReport) -> Mrkdwn:
    value = format_decimal(report.coverage, "0.#", locale=tr.locale)
    return tr.p_("percent", "{n} %", n=value)


def _date(tr: Tr, moment: datetime, rec: Recording) -> Mrkdwn:
    return slack_date(moment, rec.timezone, tr)


def files_summary(tr: Tr, report: CompletenessReport) -> Mrkdwn:
    """ "2 files · HLS · 1 h 59 min · 1.2 GiB"."""
    parts = [tr.n_("{n} file", "{n} files", len(report.files))]
    if report.formats:
        parts.append(escape(", ".join(report.formats), 80))
    if report.total_duration_s:
        parts.append(tr.elapsed(report.total_duration_s))
    if report.total_size is not None:
        parts.append(Mrkdwn(tr.size(report.total_size)))
    return Mrkdwn(" · ".join(parts))


def report_summary(tr: Tr, report: CompletenessReport) -> Mrkdwn:
    """One line: the verdict, the coverage and the files."""
    if report.verdict is Verdict.COMPLETE:
        return tr._(":white_check_mark: complete, {percent} · {files}",
                    percent=percent(tr, report), files=files_summary(tr, report))
    if report.verdict is Verdict.PARTIAL:
        return tr._(":warning: {percent} of the window · {files}",
                    percent=percent(tr, report), files=files_summary(tr, report))
    if report.verdict is Verdict.NOTHING:
        return tr._(":x: nothing recorded")
    return tr._(":grey_question: unknown (no callbacks)")


def why_text(tr: Tr, rec: Recording, report: CompletenessReport) -> Mrkdwn | None:
    why = report.why
    if why is Why.NEVER_PUSHED:
        return tr._("Tencent reported no push of {stream} to {domain} / {app} during the "
                    "window: the stream was most likely never pushed.",
                    stream=code(rec.stream_name), domain=code(rec.domain_name),
                    app=code(rec.app_name))
    if why is Why.PUSHED_BRIEFLY:
        length = tr.elapsed(report.pushed_s or 0)
        return tr._("The stream was pushed for only {length} in the window, and no file came "
                    "of it.", length=length)
    if why is Why.START_FAILED:
        return tr._("Tencent could not start recording ({event}): check that VOD and the "
                    "recording template are set up.", event=code("record_start_failed"))
    if why is Why.RECORD_ERROR:
        return tr._("Tencent reported a recording error ({event}).", event=code("record_error"))
    if why is Why.VOD_REFUSED:
        return tr._("Tencent ended the recording, but no file reached VOD: VOD most likely "
                    "refused the file (check that VOD is activated and has storage left).")
    if why is Why.TASK_MISSING:
        return tr._("Tencent no longer lists the recording task (DescribeRecordTask): it was "
                    "probably deleted outside the bot.")
    return None


def _gap_line(tr: Tr, rec: Recording, gap: Gap) -> Mrkdwn:
    if gap.cause is GapCause.BREAK:
        cause = tr._("the stream stopped")
    elif gap.cause is GapCause.NOT_PUSHED:
        cause = tr._("the stream was not pushed")
    else:
        cause = tr._("no file covers it")
    return tr._("{start} → {end} ({length}, {cause})", start=_date(tr, gap.start, rec),
                end=_date(tr, gap.end, rec), length=tr.elapsed(gap.seconds), cause=cause)


def report_message(rec: Recording, report: CompletenessReport) -> dict:
    """chat.postMessage kwargs for the report in ``rec``'s thread."""
    tr = Tr.of(rec.language)
    span = Mrkdwn(f"{_date(tr, report.start, rec)} → {_date(tr, report.end, rec)}")
    who = mention(rec.requester_id)
    if report.verdict is Verdict.COMPLETE:
        head = tr._(":white_check_mark: *Recording complete*: {percent} of the planned window "
                    "({span}) is in the files.", percent=percent(tr, report), span=span)
        fallback = tr._("Recording of {stream} complete ({percent})", stream=rec.stream_name,
                        percent=percent(tr, report))
    elif report.verdict is Verdict.PARTIAL:
        head = tr._(":warning: *Recording incomplete*: only {percent} of the planned window "
                    "({span}) is in the files. {who}", percent=percent(tr, report), span=span,
                    who=who)
        fallback = tr._("Recording of {stream} incomplete ({percent})", stream=rec.stream_name,
                        percent=percent(tr, report))
    elif report.verdict is Verdict.NOTHING:
        head = tr._(":x: *Nothing was recorded* of {stream} in the planned window ({span}). "
                    "{who}", stream=code(rec.stream_name), span=span, who=who)
        fallback = tr._("Nothing was recorded of {stream}", stream=rec.stream_name)
    else:
        head = tr._(":grey_question: *The bot cannot tell what was recorded* of {stream} in "
                    "the window ({span}): Tencent's callbacks are not set up, so it hears of "
                    "no file, push or break. Look in the VOD console. {who}",
                    stream=code(rec.stream_name), span=span, who=who)
        fallback = tr._("Cannot tell what was recorded of {stream}", stream=rec.stream_name)
    blocks: list[Block] = [section(head)]
    why = why_text(tr, rec, report)
    if why:
        blocks.append(section(why))
    if report.files:
        lines = [tr._("*Files*: {summary}", summary=files_summary(tr, report))]
        for f in report.files[:MAX_LINKS]:
            facts = [escape((f.file_format or "?").upper(), 20)]  # Tencent's words: inert
            if f.duration_s is not None:
                facts.append(tr.elapsed(f.duration_s))
            if f.file_size is not None:
                facts.append(tr.size(f.file_size))
            lines.append(f"• {link(f.video_url)} ({' · '.join(facts)})")
        if len(report.files) > MAX_LINKS:
            more = len(report.files) - MAX_LINKS
            lines.append(tr.n_("…and {n} more file (each was posted in this thread)",
                               "…and {n} more files (each was posted in this thread)", more))
        blocks.append(section("\n".join(lines)))
    if report.gaps:
        lines = [tr.n_("*Gap*:", "*Gaps*:", len(report.gaps))]
        lines += [f"• {_gap_line(tr, rec, g)}" for g in report.gaps[:MAX_GAPS]]
        if len(report.gaps) > MAX_GAPS:
            lines.append(tr.n_("…and {n} more", "…and {n} more", len(report.gaps) - MAX_GAPS))
        blocks.append(section("\n".join(lines)))
    notes = []
    if report.stopped_at is not None:
        notes.append(tr._("Stopped at {at}; measured against the window until then",
                          at=_date(tr, report.stopped_at, rec)))
    if report.pushed_s is not None and report.files:
        notes.append(tr._("The stream was pushed for {length} in the window",
                          length=tr.elapsed(report.pushed_s)))
    if report.task_listed is None and rec.task_id:
        notes.append(tr._("Tencent could not be asked about the task just now"))
    if notes:
        blocks.append(context(tr._("; ").join(notes)))
    return message(blocks, fallback)


def warning_message(rec: Recording, warning: RecordingWarning) -> dict:
    tr = Tr.of(rec.language)
    at = _date(tr, warning.since, rec)
    end = _date(tr, rec.end_time, rec)
    who = mention(rec.requester_id)
    if warning.kind is WarningKind.LIVE_NOT_RECORDING:
        text = tr._(":rotating_light: *{stream} is live but is not being recorded*: Tencent "
                    "reported {event} at {at}, and no file since. Check VOD and the recording "
                    "template, then schedule it again; the window is open until {end}. {who}",
                    stream=code(rec.stream_name), event=code(warning.record_event or "?"),
                    at=at, end=end, who=who)
        fallback = tr._("{stream} is live but is not being recorded", stream=rec.stream_name)
    else:
        text = tr._(":rotating_light: *No recording file* for the push that stopped at {at}: "
                    "Tencent usually sends it within minutes. That part may be lost; check "
                    "the VOD console. The window is open until {end}. {who}", at=at, end=end,
                    who=who)
        fallback = tr._("No recording file for {stream} yet", stream=rec.stream_name)
    return message([section(text)], fallback)
