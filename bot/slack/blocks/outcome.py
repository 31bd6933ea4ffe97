"""What a request's thread (or its requester) is told about what happened to it: Tencent's
answer, a later check, a stop or cancel, a repeat of a request, overlapping tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.recording.model import Managed, Outcome, Plan, Recording, State, Verb
from bot.recording.ports import RecordTaskInfo
from bot.recording.schedule import Confirm
from bot.slack.blocks.root import describe_span
from bot.slack.blocks.tencent_errors import advice_for
from bot.slack.blocks.text import (
    channel,
    code,
    escape,
    mention,
    message,
    section,
    simple_message,
    slack_date,
)
from bot.slack.blocks.values import LONG_CONFIRM_ACTION, OVERLAP_CONFIRM_ACTION, plan_to_value
from bot.slack.i18n import Mrkdwn, Tr


def outcome_message(recording: Recording, outcome: Outcome) -> dict:
    """The thread reply: TaskId, or code + message + RequestId + hint + whether a task exists."""
    tr = Tr.of(recording.language)
    if outcome.state is State.CREATED:
        body = tr._(
            ":white_check_mark: *Recording task created.* TaskId {task_id}\n"
            "Tencent will record {stream} between {start} and {end} whenever the stream is "
            "pushed.", task_id=code(outcome.task_id or ""), stream=code(recording.stream_name),
            start=slack_date(recording.start_time, recording.timezone, tr),
            end=slack_date(recording.end_time, recording.timezone, tr))
        if outcome.request_id:
            body = Mrkdwn(body + "\n" + tr._("RequestId {request_id}",
                                             request_id=code(outcome.request_id)))
        return message([section(body)],
                       tr._("Recording task created: {task_id}", task_id=outcome.task_id or ""))

    if outcome.state is State.FAILED:
        head = tr._(":x: *Tencent refused the recording.*")
        exists = tr._("*No recording task was created.*")
        fallback = tr._("Tencent refused the recording ({code}); no task was created.",
                        code=outcome.code or "")
    else:
        head = tr._(":warning: *No clear answer from Tencent.*")
        exists = tr._(
            "*A recording task may or may not exist.* The bot will check with Tencent and "
            "post the answer in this thread; please don't schedule it again meanwhile.")
        fallback = tr._("No clear answer from Tencent ({code}); a task may exist.",
                        code=outcome.code or "")
    advice = advice_for(tr, outcome.code or "")
    lines = [
        head,
        tr._("Error {code}: {message}", code=code(outcome.code or "unknown"),
             message=escape(outcome.message or "", 1500)),
        tr._("RequestId {request_id}", request_id=code(outcome.request_id))
        if outcome.request_id else tr._("RequestId: none"),
        tr._("*What it means:* {meaning}", meaning=advice.meaning),
        tr._("*What to do:* {hint}", hint=advice.hint),
        exists,
    ]
    return message([section("\n".join(lines))], fallback)


def reconciled_message(tr: Tr, found_task_id: str | None) -> dict:
    if found_task_id:
        return simple_message(tr._(
            ":white_check_mark: *Checked with Tencent: the recording task exists.* "
            "TaskId {task_id}. It will record as scheduled.", task_id=code(found_task_id)))
    return simple_message(tr._(
        ":x: *Checked with Tencent: no recording task exists for this request,* so nothing "
        "will be recorded. Schedule it again if you still need it."))


def managed_message(tr: Tr, managed: Managed, zone: str) -> dict:
    at = slack_date(managed.at, zone, tr)
    if managed.verb is Verb.STOP:
        text = tr._("{who} stopped the recording at {at}.", who=mention(managed.user_id), at=at)
    else:
        text = tr._("{who} cancelled the recording (the task is deleted and will not start) "
                    "at {at}.", who=mention(managed.user_id), at=at)
    if managed.task_id:
        text = Mrkdwn(text + " " + tr._("TaskId {task_id}", task_id=code(managed.task_id)))
    if managed.request_id:
        text = Mrkdwn(text + " · " + tr._("RequestId {request_id}",
                                         request_id=code(managed.request_id)))
    return simple_message(text)


def managed_note(tr: Tr, managed: Managed) -> Mrkdwn:
    """What the root message says after a stop or cancel."""
    if managed.verb is Verb.STOP:
        return tr._("stopped by {who}", who=mention(managed.user_id))
    return tr._("cancelled by {who}", who=mention(managed.user_id))


def duplicate_message(tr: Tr, first: Recording, link: str | None) -> dict:
    if link:
        label = tr._("the first request's thread")
        where = Mrkdwn(f"<{link}|{label}>")
    else:
        where = tr._("the thread of the first request in {channel}",
                     channel=channel(first.channel_id))
    if first.state is State.CREATED:
        state = tr._("scheduled, TaskId {task_id}", task_id=code(first.task_id or ""))
    elif first.state is State.ACCEPTED:
        state = tr._("still waiting for Tencent")
    elif first.state is State.UNKNOWN:
        state = tr._("being checked with Tencent")
    elif first.state is State.PLANNED:  # the first part of a series, beyond Tencent's reach
        state = tr._("planned; its task is created once it is within 6 days")
    else:
        state = escape(str(first.state))
    return simple_message(tr._(
        ":information_source: You asked for this same recording a moment ago ({state}), so no "
        "second task was created. See {where}.", state=state, where=where))


def long_overnight_message(plan: Plan, confirmed: frozenset[Confirm] = frozenset()) -> dict:
    """A window whose end landed on the next day and that is long: ask before creating it."""
    tr = Tr.of(plan.request.language)
    length = tr.duration(plan.end - plan.start)
    text = tr._(
        ":warning: {phrase} reads as a *{length}* recording: {start} → {end} — its end, "
        "{end_clock}, is before its start's clock time, so it is on the next day. *Nothing is "
        "scheduled until you confirm.* If you meant a shorter window, send `/record` again "
        "with the end you meant (e.g. {example}).",
        phrase=code(plan.request.when_text, 120), length=length,
        start=slack_date(plan.start, plan.zone, tr), end=slack_date(plan.end, plan.zone, tr),
        end_clock=tr.clock(plan.end), example=code(tr._("tomorrow 8pm to 10pm")))
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id="long", elements=[
            ButtonElement(text=tr._("Record {length}", length=length),
                          action_id=LONG_CONFIRM_ACTION,
                          value=plan_to_value(plan, confirmed | {Confirm.LONG_OVERNIGHT}),
                          style="primary"),
        ]),
    ]
    return message(blocks, tr._("{stream}: confirm a {length} recording", stream=plan.stream,
                                length=length))


def overlap_message(plan: Plan, tasks: tuple[RecordTaskInfo, ...], refuse: bool,
                    confirmed: frozenset[Confirm] = frozenset()) -> dict:
    tr = Tr.of(plan.request.language)
    zone = plan.zone
    listing = "\n".join(
        f"• {slack_date(datetime.fromtimestamp(t.start_time, UTC), zone, tr)} → "
        f"{slack_date(datetime.fromtimestamp(t.end_time, UTC), zone, tr)} · "
        + tr._("TaskId {task_id}", task_id=code(t.task_id))
        for t in tasks[:20]
    )
    window = describe_span(tr, plan.start, plan.end, zone)
    if refuse:
        return simple_message(tr._(
            ":no_entry: {stream} already has {count} recording tasks overlapping {window}:\n"
            "{listing}\nTencent runs at most three overlapping tasks on one stream, so a fourth "
            "would never record. *Nothing was scheduled.* Stop or cancel one of them first "
            "(`/record list`).", stream=code(plan.stream), count=len(tasks), window=window,
            listing=Mrkdwn(listing)))
    head = tr.n_(":warning: {stream} already has a recording task overlapping {window}:",
                 ":warning: {stream} already has {n} recording tasks overlapping {window}:",
                 len(tasks), stream=code(plan.stream), window=window)
    why = tr._("Tencent records overlapping tasks separately (each makes its own files). "
               "*Nothing is scheduled until you confirm.*")
    text = Mrkdwn(f"{head}\n{listing}\n{why}")
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id="overlap", elements=[
            ButtonElement(text=tr._("Schedule anyway"), action_id=OVERLAP_CONFIRM_ACTION,
                          value=plan_to_value(plan, confirmed | {Confirm.OVERLAP}),
                          style="primary"),
        ]),
    ]
    return message(blocks, tr._("{stream} already has overlapping recordings",
                                stream=plan.stream))
