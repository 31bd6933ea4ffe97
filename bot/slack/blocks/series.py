"""A series' messages: its root (the rule or window in words, its next occurrences with their
tasks, Skip and Cancel series), and what its thread is told besides Tencent's answers (a part
missed or begun late, too many overlapping tasks, the series cancelled).

One thread per series: every occurrence's TaskId, outcome and callback notices go under the
series' root, each naming its window — a daily series posts once in the channel, not every
day (README, "Series").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from babel.dates import format_date
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
    SectionBlock,
)

from bot.recording.model import (
    Recording,
    Series,
    SeriesCancelled,
    SeriesKind,
    SeriesState,
    State,
    Verb,
    WindowPhase,
    phase_at,
)
from bot.recording.rules import enters_horizon
from bot.recording.scheduler import PartNotice, PartProblem, PartWithdrawn
from bot.slack.blocks.root import describe_span
from bot.slack.blocks.text import (
    channel,
    code,
    context,
    mention,
    message,
    section,
    simple_message,
    slack_date,
)
from bot.slack.blocks.values import SERIES_CANCEL_ACTION, SKIP_ACTION, skip_value
from bot.slack.i18n import Mrkdwn, Tr

#: How many coming occurrences the root lists (each with its Skip button).
SHOWN_OCCURRENCES = 5


def occurrences(parts: Sequence[Recording]) -> list[list[Recording]]:
    """The parts grouped by occurrence, in order of time."""
    grouped: dict[int, list[Recording]] = {}
    for p in parts:
        grouped.setdefault(p.occurrence or 0, []).append(p)
    return [sorted(g, key=lambda r: r.start_time) for _, g in sorted(
        grouped.items(), key=lambda kv: min(r.start_time for r in kv[1]))]


def upcoming(parts: Sequence[Recording], now: datetime) -> list[list[Recording]]:
    """Occurrences not over yet and not skipped."""
    return [o for o in occurrences(parts) if o[-1].end_time > now
            and any(p.state is not State.CANCELLED for p in o)]


def _occurrence_status(tr: Tr, occ: list[Recording], now: datetime) -> Mrkdwn:
    states = {p.state for p in occ}
    if states == {State.CANCELLED}:
        return tr._(":fast_forward: skipped")
    if State.FAILED in states:
        return tr._(":x: not scheduled — see the thread")
    if states <= {State.PLANNED}:
        return planned_status(tr, occ[0], now, occ[0].timezone)
    if State.ACCEPTED in states or State.UNKNOWN in states:
        return tr._(":hourglass_flowing_sand: asking Tencent…")
    ids = [p.task_id for p in occ if p.task_id and p.state is State.CREATED]
    if ids:
        return tr._(":white_check_mark: TaskId {task_id}",
                    task_id=Mrkdwn(", ".join(code(i) for i in ids)))
    return tr._(":black_square_for_stop: stopped or cancelled")


def planned_status(tr: Tr, part: Recording, now: datetime, zone: str) -> Mrkdwn:
    """A planned part: from when its task is created (or that it is being created now)."""
    opens = enters_horizon(part.start_time, part.end_time)
    if opens <= now:  # the scheduler is on it
        return tr._(":hourglass_flowing_sand: asking Tencent…")
    return tr._(":spiral_calendar_pad: planned; its task is created from {when}",
                when=slack_date(opens, zone, tr))


_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_A_MONDAY = date(2026, 11, 23)


def _day_name(tr: Tr, index: int) -> str:
    return format_date(_A_MONDAY + timedelta(days=index), "EEEE", locale=tr.locale)


def rule_words(tr: Tr, series: Series) -> Mrkdwn:
    """ "every Friday, 20:00–22:00" · "weekdays, 09:00–11:00", from the stored RRULE."""
    parts = dict(p.split("=", 1) for p in (series.rrule or "").split(";") if "=" in p)
    days = [_DAY_CODES.index(d) for d in parts.get("BYDAY", "").split(",") if d in _DAY_CODES]
    other = parts.get("INTERVAL", "1") != "1"
    if parts.get("FREQ") == "DAILY":
        rule = tr._("every other day") if other else tr._("every day")
    elif days == [0, 1, 2, 3, 4] and not other:
        rule = tr._("weekdays")
    elif days == [5, 6] and not other:
        rule = tr._("weekends")
    else:
        names = tr._(", ").join(_day_name(tr, d) for d in days)
        rule = (tr._("every other {days}", days=names) if other
                else tr._("every {days}", days=names))
    local = series.first_start.astimezone(series.tz)
    end = local + series.duration
    return tr._("{rule}, {start}–{end}", rule=rule, start=tr.clock(local), end=tr.clock(end))


def _span(tr: Tr, series: Series, occ: Sequence[Recording]) -> Mrkdwn:
    return describe_span(tr, occ[0].start_time.astimezone(series.tz),
                         occ[-1].end_time.astimezone(series.tz), series.timezone)


def _end_words(tr: Tr, series: Series) -> Mrkdwn | None:
    if series.kind is SeriesKind.WINDOW:
        return None
    if series.limited and series.until is not None:
        other_end = tr._("until Dec 31")
        return tr._("until {day} — no end was given, so the series stops after 90 days; say "
                    "e.g. {example} for another end", day=tr.day(series.until),
                    example=code(other_end))
    if series.count is not None:
        return tr.n_("{n} time", "{n} times", series.count)
    if series.until is not None:
        return tr._("until {day}", day=tr.day(series.until))
    return None


def cancel_series_button(tr: Tr, series: Series, phase: WindowPhase) -> ButtonElement:
    """Cancel series (Stop recording / Cancel, for a long window), behind a confirm dialog."""
    if series.kind is SeriesKind.REPEAT:
        label, title = tr._("Cancel series"), tr._("Cancel this series?")
        text = tr._("Every occurrence still to come is cancelled (their tasks deleted); one "
                    "recording now is stopped.")
    elif phase is WindowPhase.DURING:
        label, title = tr._("Stop recording"), tr._("Stop this recording?")
        text = tr._("The part recording now is stopped (Tencent keeps the file) and the later "
                    "parts are deleted.")
    else:
        label, title = tr.p_("button", "Cancel"), tr._("Cancel this recording?")
        text = tr._("Every part's task is deleted before its window opens; nothing is "
                    "recorded.")
    return ButtonElement(
        text=label, action_id=SERIES_CANCEL_ACTION, value=str(series.id), style="danger",
        confirm=ConfirmObject(title=title, text=text, confirm=label, deny=tr._("Keep it"),
                              style="danger"))


def series_root_message(series: Series, parts: Sequence[Recording], now: datetime) -> dict:
    tr = Tr.of(series.language)
    zone = series.timezone
    first, last = parts[0], parts[-1]
    phase = phase_at(first.start_time, last.end_time, now)
    if series.kind is SeriesKind.REPEAT:
        head = tr._(":repeat: *Recording series* for {stream}", stream=code(series.stream_name))
        schedule = rule_words(tr, series)
    else:
        head = tr._(":clapper: *Recording request* for {stream}", stream=code(series.stream_name))
        schedule = describe_span(tr, first.start_time.astimezone(series.tz),
                                 last.end_time.astimezone(series.tz), zone)
    fields = [
        MarkdownTextObject(text=tr._("*Stream*\n{stream}", stream=code(series.stream_name))),
        MarkdownTextObject(text=tr._("*Push domain / app*\n{domain} / {app}",
                                     domain=code(series.domain_name),
                                     app=code(series.app_name))),
        MarkdownTextObject(text=tr._("*When*\n{schedule}", schedule=schedule)),
        MarkdownTextObject(text=tr._("*Time zone*\n{zone}", zone=code(zone))),
        MarkdownTextObject(text=tr._("*Requested by*\n{who}", who=mention(series.requester_id))),
    ]
    if series.pad:
        fields.append(MarkdownTextObject(text=tr._(
            "*Padding*\n{pad} before and after each recording", pad=tr.duration(series.pad))))
    blocks: list[Block] = [section(head), SectionBlock(fields=fields)]
    understood = tr._("Understood {phrase} as {schedule}", phrase=code(series.when_text, 300),
                      schedule=schedule)
    ends = _end_words(tr, series)
    if ends is not None:
        understood = Mrkdwn(f"{understood} · {ends}")
    if series.kind is SeriesKind.WINDOW and len(parts) > 1:
        split = tr.n_("recorded as {n} consecutive task of at most 24 h",
                      "recorded as {n} consecutive tasks of at most 24 h each", len(parts))
        understood = Mrkdwn(f"{understood} · {split}")
    blocks.append(context(understood))

    coming = upcoming(parts, now)
    cancelled = series.state is SeriesState.CANCELLED
    if series.kind is SeriesKind.WINDOW:
        lines = [f"• {_span(tr, series, [p])} — {_occurrence_status(tr, [p], now)}"
                 for p in parts[:20]]
        blocks.append(section(Mrkdwn("\n".join(lines))))
    else:
        total = len(occurrences(parts))
        label = tr.n_("*Next occurrence* ({n} to come of {total}):",
                      "*Next occurrences* ({n} to come of {total}):", len(coming),
                      total=total)
        blocks.append(section(label) if coming else section(tr._("*No occurrence to come.*")))
        for occ in coming[:SHOWN_OCCURRENCES]:
            line = Mrkdwn(f"• {_span(tr, series, occ)} — {_occurrence_status(tr, occ, now)}")
            block = section(line)
            skippable = not cancelled and occ[0].start_time > now and any(
                p.state in (State.PLANNED, State.CREATED) for p in occ)
            if skippable:
                block.accessory = ButtonElement(
                    text=tr._("Skip"), action_id=SKIP_ACTION,
                    value=skip_value(series.id, occ[0].occurrence or 0),
                    confirm=ConfirmObject(
                        title=tr._("Skip this occurrence?"),
                        text=tr._("Only this occurrence is cancelled; the rest of the series "
                                  "goes on."),
                        confirm=tr._("Skip"), deny=tr._("Keep it")))
            blocks.append(block)
    if cancelled:
        status = tr._(":no_entry_sign: Cancelled")
    elif not coming:
        status = tr._(":checkered_flag: Ended")
    elif phase is WindowPhase.DURING and series.kind is SeriesKind.WINDOW:
        status = tr._(":red_circle: In its window — Tencent records whenever the stream is "
                      "pushed")
    else:
        status = tr._(":white_check_mark: Scheduled — each task is created as its window "
                      "comes within Tencent's 6 days")
    blocks.append(section(tr._("*Status:* {status}", status=status)))
    if not cancelled and coming:
        blocks.append(ActionsBlock(block_id="series",
                                   elements=[cancel_series_button(tr, series, phase)]))
    text = tr._("Recording series for {stream}: {schedule}, requested by {who} — {status}",
                stream=series.stream_name, schedule=schedule, who=mention(series.requester_id),
                status=status)
    return message(blocks, text)


def part_notice_message(rec: Recording, notice: PartNotice) -> dict:
    tr = Tr.of(rec.language)
    window = describe_span(tr, notice.start.astimezone(rec.tz), notice.end.astimezone(rec.tz),
                           rec.timezone)
    if notice.problem is PartProblem.MISSED:
        text = tr._(":warning: *Missed:* {window}. The bot was not running when its task was "
                    "due, and the window has passed; nothing was recorded.", window=window)
    elif notice.problem is PartProblem.LATE:
        text = tr._(":warning: {window} had begun when the bot came back: recording from now; "
                    "the first {missed} were missed.", window=window,
                    missed=tr.duration(notice.missed or notice.end - notice.start))
    else:
        text = tr._(":no_entry: {stream} already has {count} recording tasks overlapping "
                    "{window}; Tencent runs at most three at once on one stream, so no task was "
                    "created for it. *Nothing will be recorded then* unless one of them is "
                    "stopped or cancelled (`/record list`).", stream=code(rec.stream_name),
                    count=notice.overlapping, window=window)
    return message([section(text)], text)


def part_withdrawn_message(rec: Recording, w: PartWithdrawn) -> dict:
    """A task that Tencent created after the series was cancelled, and what the bot did."""
    tr = Tr.of(rec.language)
    window = describe_span(tr, w.start.astimezone(rec.tz), w.end.astimezone(rec.tz),
                           rec.timezone)
    task_id = code(w.task_id)
    if w.code is None and w.verb is Verb.STOP:
        text = tr._(":black_square_for_stop: The series was cancelled while the task for "
                    "{window} was being created; Tencent created it anyway (TaskId {task_id}), "
                    "so the bot stopped it.", window=window, task_id=task_id)
    elif w.code is None:
        text = tr._(":wastebasket: The series was cancelled while the task for {window} was "
                    "being created; Tencent created it anyway (TaskId {task_id}), so the bot "
                    "deleted it. Nothing is recorded then.", window=window, task_id=task_id)
    else:
        command = code(f"/record {'stop' if w.verb is Verb.STOP else 'cancel'} {w.task_id}")
        text = tr._(":warning: The series was cancelled while the task for {window} was being "
                    "created; Tencent created it anyway (TaskId {task_id}) and *it is still "
                    "scheduled*: the bot could not remove it ({code}). Remove it with "
                    "{command}.", window=window, task_id=task_id, code=code(w.code),
                    command=command)
    if w.request_id:
        text = Mrkdwn(text + " · " + tr._("RequestId {request_id}",
                                         request_id=code(w.request_id)))
    return message([section(text)], text)


def series_cancelled_message(tr: Tr, summary: SeriesCancelled, zone: str) -> dict:
    planned = tr.n_("{n} planned occurrence dropped", "{n} planned occurrences dropped",
                    summary.planned)
    deleted = tr.n_("{n} task deleted", "{n} tasks deleted", summary.deleted)
    stopped = tr.n_("{n} recording stopped", "{n} recordings stopped", summary.stopped)
    text = tr._("{who} cancelled the series at {at}: {planned}, {deleted}, {stopped}.",
                who=mention(summary.user_id), at=slack_date(summary.at, zone, tr),
                planned=planned, deleted=deleted, stopped=stopped)
    if summary.left:
        left = tr.n_("{n} task could not be removed now; its message above says why.",
                     "{n} tasks could not be removed now; their messages above say why.",
                     summary.left)
        text = Mrkdwn(f"{text} {left}")
    return message([section(text)], text)


def series_cancelled_note(tr: Tr, summary: SeriesCancelled) -> Mrkdwn:
    return tr._("cancelled by {who}", who=mention(summary.user_id))


def window_managed_message(tr: Tr, verb: Verb, task_id: str, summary: SeriesCancelled) -> dict:
    """The answer to `/record stop|cancel <TaskId>` of one part of a long window: the whole
    window was stopped or cancelled."""
    planned = tr.n_("{n} planned occurrence dropped", "{n} planned occurrences dropped",
                    summary.planned)
    deleted = tr.n_("{n} task deleted", "{n} tasks deleted", summary.deleted)
    stopped = tr.n_("{n} recording stopped", "{n} recordings stopped", summary.stopped)
    if verb is Verb.STOP:
        text = tr._(":black_square_for_stop: {task_id} is one of the tasks that record one long "
                    "window, so the whole window was stopped: {stopped}, {deleted}, {planned}. "
                    "Its thread has the details.", task_id=code(task_id), stopped=stopped,
                    deleted=deleted, planned=planned)
    else:
        text = tr._(":wastebasket: {task_id} is one of the tasks that record one long window, "
                    "so the whole window was cancelled: {deleted}, {planned}. Its thread has the "
                    "details.", task_id=code(task_id), deleted=deleted, planned=planned)
    return simple_message(text)


def occurrence_only_note(tr: Tr, series: Series, link: str | None) -> Mrkdwn:
    """Under the answer to a stop or cancel of one occurrence of a repeating series."""
    if link:
        label = tr._("its root message")
        root = Mrkdwn(f"<{link}|{label}>")
    else:
        root = tr._("its root message in {channel}", channel=channel(series.channel_id))
    return tr._(":repeat: That was one occurrence of a repeating series ({rule}); the rest of "
                "the series goes on. To cancel the whole series, use *Cancel series* on {root}.",
                rule=rule_words(tr, series), root=root)
