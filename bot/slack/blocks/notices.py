"""Block Kit for what Tencent's callbacks tell a recording's thread (bot.recording.events), in
the language of the recording's request.

Every time is a ``<!date^…>`` token, so each reader sees it in their own zone; the fallback
text shows it in the zone the recording was asked in. Text from Tencent is escaped.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.recording.events import (
    FileReady,
    Notice,
    NotLiveYet,
    RecordingTrouble,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import Recording
from bot.slack.blocks.text import code, context, link, message, section, slack_date
from bot.slack.i18n import Mrkdwn, Tr


def notice_message(rec: Recording, notice: Notice) -> dict:
    """chat.postMessage kwargs for one notice in ``rec``'s thread."""
    tr = Tr.of(rec.language)
    if isinstance(notice, FileReady):
        return file_message(tr, rec, notice)
    end = _date(tr, rec.end_time, rec)
    if isinstance(notice, StreamLive):
        if notice.before_window and notice.at:
            text = tr._(":red_circle: The stream is live (since {since}) — recording until "
                        "{end}.", since=_date(tr, notice.at, rec), end=end)
        else:
            text = tr._(":red_circle: The stream is live — recording until {end}.", end=end)
        return _simple(text, tr._("{stream} is live — recording", stream=rec.stream_name))
    if isinstance(notice, StreamStopped):
        if notice.pushed_for_ms is not None:
            pushed = tr.elapsed(notice.pushed_for_ms / 1000)
            text = tr._(":double_vertical_bar: The stream stopped after {length}; recording "
                        "resumes if it comes back before {end}.", length=pushed, end=end)
            fallback = tr._("{stream} stopped after {length}", stream=rec.stream_name,
                            length=pushed)
        else:
            text = tr._(":double_vertical_bar: The stream stopped; recording resumes if it "
                        "comes back before {end}.", end=end)
            fallback = tr._("{stream} stopped", stream=rec.stream_name)
        note = None
        if notice.errcode:
            none_given = tr._("none given")
            note = tr._("Tencent's reason: {reason} (errcode {errcode})",
                        reason=code(notice.errmsg or none_given, 200),
                        errcode=notice.errcode)
        return _simple(text, fallback, note)
    if isinstance(notice, RecordingTrouble):
        return trouble_message(tr, rec, notice)
    if isinstance(notice, NotLiveYet):
        text = tr._(
            ":warning: *The stream is not live yet.* Tencent has reported no push of {stream} "
            "to {domain} / {app} since the window opened at {since}. Recording starts as soon "
            "as it is pushed, until {end}.", stream=code(rec.stream_name),
            domain=code(rec.domain_name), app=code(rec.app_name),
            since=_date(tr, notice.since, rec), end=end)
        return _simple(text, tr._("{stream} is not live yet", stream=rec.stream_name))
    raise TypeError(f"unknown notice {notice!r}")


def file_message(tr: Tr, rec: Recording, notice: FileReady) -> dict:
    f = notice.file
    facts = [(f.file_format or str(tr._("unknown format"))).upper()]
    if f.duration_s is not None:
        facts.append(tr.elapsed(f.duration_s))
    if f.file_size is not None:
        facts.append(tr.size(f.file_size))
    lines = [tr._(":movie_camera: *Recording file ready* · {facts}",
                  facts=" · ".join(facts)), link(f.video_url)]
    if f.start and f.end:
        lines.append(tr._("From {start} to {end}", start=_date(tr, f.start, rec),
                          end=_date(tr, f.end, rec)))
    elif f.start:
        lines.append(tr._("From {start}", start=_date(tr, f.start, rec)))
    elif f.end:
        lines.append(tr._("Until {end}", end=_date(tr, f.end, rec)))
    notes = []
    if f.file_size is not None and f.file_size >= 1024:
        notes.append(tr._("{bytes} bytes (sizes in binary units: 1 MiB = 1,048,576 bytes)",
                          bytes=tr.number(f.file_size)))
    if f.file_id:
        notes.append(tr._("File ID {file_id}", file_id=code(f.file_id)))
    blocks: list[Block] = [section("\n".join(lines))]
    if notes:
        blocks.append(context(" · ".join(notes)))
    # The link is the point of the notice; in the fallback it is escaped like any echo.
    fallback = tr._("Recording file ready: {facts} — {url}", facts=", ".join(facts),
                    url=f.video_url[:500])
    return message(blocks, fallback)


def trouble_message(tr: Tr, rec: Recording, notice: RecordingTrouble) -> dict:
    event = code(notice.record_event)
    if notice.record_event == "record_start_failed":
        text = tr._(
            ":x: *Tencent could not start recording* {stream} ({event}). Nothing is being "
            "recorded. Check that the stream is pushed to {domain} / {app} and that VOD and the "
            "recording template are set up; schedule it again if the window is still open.",
            stream=code(rec.stream_name), event=event, domain=code(rec.domain_name),
            app=code(rec.app_name))
        return _simple(text, tr._("Tencent could not start recording {stream}",
                                  stream=rec.stream_name))
    text = tr._(
        ":warning: *Tencent reported a recording error* for {stream} ({event}). The file may be "
        "incomplete; its link is posted here when Tencent has it.",
        stream=code(rec.stream_name), event=event)
    return _simple(text, tr._("Recording error for {stream}", stream=rec.stream_name))


def _date(tr: Tr, moment: datetime | None, rec: Recording) -> Mrkdwn:
    if moment is None:
        return tr._("an unknown time")
    return slack_date(moment, rec.timezone, tr)


def _simple(text: str, fallback: str, note: str | None = None) -> dict:
    blocks: list[Block] = [section(text)]
    if note:
        blocks.append(context(note))
    return message(blocks, fallback)
