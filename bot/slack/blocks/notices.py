"""Block Kit for what Tencent's callbacks tell a recording's thread (bot.recording.events).

Every time is a ``<!date^…>`` token, so each reader sees it in their own zone; the fallback
text shows it in the zone the recording was asked in. Text from Tencent is escaped.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.recording.events import (
    FileReady,
    Notice,
    NotLiveYet,
    RecordingTrouble,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import Recording
from bot.slack.blocks.text import (
    code,
    escape,
    human_duration,
    human_size,
    link,
    message,
    slack_date,
)


def notice_message(rec: Recording, notice: Notice) -> dict:
    """chat.postMessage kwargs for one notice in ``rec``'s thread."""
    if isinstance(notice, FileReady):
        return file_message(rec, notice)
    end = _date(rec.end_time, rec)
    if isinstance(notice, StreamLive):
        since = f" (since {_date(notice.at, rec)})" if notice.before_window and notice.at else ""
        text = f":red_circle: The stream is live{since} — recording until {end}."
        return _simple(text, f"{rec.stream_name} is live — recording")
    if isinstance(notice, StreamStopped):
        after = (f" after {human_duration(notice.pushed_for_ms / 1000)}"
                 if notice.pushed_for_ms is not None else "")
        text = (f":double_vertical_bar: The stream stopped{after}; recording resumes if it "
                f"comes back before {end}.")
        note = None
        if notice.errcode:
            note = f"Tencent's reason: {code(notice.errmsg or 'none given', 200)} " \
                   f"(errcode {notice.errcode})"
        return _simple(text, f"{rec.stream_name} stopped{after}", note)
    if isinstance(notice, RecordingTrouble):
        return trouble_message(rec, notice)
    if isinstance(notice, NotLiveYet):
        text = (
            f":warning: *The stream is not live yet.* Tencent has reported no push of "
            f"{code(rec.stream_name)} to {code(rec.domain_name)} / {code(rec.app_name)} since "
            f"the window opened at {_date(notice.since, rec)}. Recording starts as soon as it "
            f"is pushed, until {end}."
        )
        return _simple(text, f"{rec.stream_name} is not live yet")
    raise TypeError(f"unknown notice {notice!r}")


def file_message(rec: Recording, notice: FileReady) -> dict:
    f = notice.file
    facts = [(f.file_format or "unknown format").upper()]
    if f.duration_s is not None:
        facts.append(human_duration(f.duration_s))
    if f.file_size is not None:
        facts.append(human_size(f.file_size))
    lines = [f":movie_camera: *Recording file ready* · {' · '.join(facts)}", link(f.video_url)]
    if f.start and f.end:
        lines.append(f"From {_date(f.start, rec)} to {_date(f.end, rec)}")
    elif f.start or f.end:
        lines.append(f"{'From' if f.start else 'Until'} {_date(f.start or f.end, rec)}")
    context = []
    if f.file_size is not None and f.file_size >= 1024:
        context.append(f"{f.file_size:,} bytes (sizes in binary units: 1 MiB = 1,048,576 bytes)")
    if f.file_id:
        context.append(f"File ID {code(f.file_id)}")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))
    fallback = f"Recording file ready: {', '.join(facts)} — {f.video_url[:500]}"
    return message(blocks, fallback)


def trouble_message(rec: Recording, notice: RecordingTrouble) -> dict:
    event = code(notice.record_event)
    if notice.record_event == "record_start_failed":
        text = (
            f":x: *Tencent could not start recording* {code(rec.stream_name)} ({event}). "
            "Nothing is being recorded. Check that the stream is pushed to "
            f"{code(rec.domain_name)} / {code(rec.app_name)} and that VOD and the recording "
            "template are set up; schedule it again if the window is still open."
        )
        return _simple(text, f"Tencent could not start recording {rec.stream_name}")
    text = (
        f":warning: *Tencent reported a recording error* for {code(rec.stream_name)} ({event}). "
        "The file may be incomplete; its link is posted here when Tencent has it."
    )
    return _simple(text, f"Recording error for {rec.stream_name}")


def _date(moment: datetime | None, rec: Recording) -> str:
    if moment is None:
        return "an unknown time"
    return slack_date(moment, rec.timezone)


def _simple(text: str, fallback: str, note: str | None = None) -> dict:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return message(blocks, escape(fallback))
