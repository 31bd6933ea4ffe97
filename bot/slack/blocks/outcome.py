"""What a request's thread (or its requester) is told about what happened to it: Tencent's
answer, a later check, a stop or cancel, a repeat of a request, overlapping tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.recording.model import Managed, Outcome, Plan, Recording, State, Verb
from bot.recording.ports import RecordTaskInfo
from bot.recording.schedule import Confirm
from bot.slack.blocks.tencent_errors import advice_for
from bot.slack.blocks.text import code, escape, mention, message, simple_message, slack_date
from bot.slack.blocks.values import LONG_CONFIRM_ACTION, OVERLAP_CONFIRM_ACTION, plan_to_value
from bot.timeparse import format_duration


def outcome_message(recording: Recording, outcome: Outcome) -> dict:
    """The thread reply: TaskId, or code + message + RequestId + hint + whether a task exists."""
    if outcome.state is State.CREATED:
        body = (
            f":white_check_mark: *Recording task created.* TaskId {code(outcome.task_id or '')}\n"
            f"Tencent will record {code(recording.stream_name)} between "
            f"{slack_date(recording.start_time, recording.timezone)} and "
            f"{slack_date(recording.end_time, recording.timezone)} "
            "whenever the stream is pushed."
        )
        if outcome.request_id:
            body += f"\nRequestId {code(outcome.request_id)}"
        return message([SectionBlock(text=MarkdownTextObject(text=body))],
                       f"Recording task created: {outcome.task_id}")

    if outcome.state is State.FAILED:
        head = ":x: *Tencent refused the recording.*"
        exists = "*No recording task was created.*"
        fallback = f"Tencent refused the recording ({outcome.code}); no task was created."
    else:
        head = ":warning: *No clear answer from Tencent.*"
        exists = (
            "*A recording task may or may not exist.* The bot will check with Tencent and "
            "post the answer in this thread; please don't schedule it again meanwhile."
        )
        fallback = f"No clear answer from Tencent ({outcome.code}); a task may exist."
    advice = advice_for(outcome.code or "")
    lines = [
        head,
        f"Error {code(outcome.code or 'unknown')}: {escape(outcome.message or '', 1500)}",
        f"RequestId {code(outcome.request_id)}" if outcome.request_id else "RequestId: none",
        f"*What it means:* {advice.meaning}",
        f"*What to do:* {advice.hint}",
        exists,
    ]
    text = "\n".join(line for line in lines if line)
    return message([SectionBlock(text=MarkdownTextObject(text=text))], escape(fallback))


def reconciled_message(found_task_id: str | None) -> dict:
    if found_task_id:
        return simple_message(
            ":white_check_mark: *Checked with Tencent: the recording task exists.* "
            f"TaskId {code(found_task_id)}. It will record as scheduled."
        )
    return simple_message(
        ":x: *Checked with Tencent: no recording task exists for this request,* so nothing "
        "will be recorded. Schedule it again if you still need it."
    )


def managed_message(managed: Managed, zone: str) -> dict:
    what = ("stopped the recording" if managed.verb is Verb.STOP
            else "cancelled the recording (the task is deleted and will not start)")
    text = f"{mention(managed.user_id)} {what} at {slack_date(managed.at, zone)}."
    if managed.task_id:
        text += f" TaskId {code(managed.task_id)}"
    if managed.request_id:
        text += f" · RequestId {code(managed.request_id)}"
    return simple_message(text)


def managed_note(managed: Managed) -> str:
    """What the root message says after a stop or cancel."""
    past = "stopped" if managed.verb is Verb.STOP else "cancelled"
    return f"{past} by {mention(managed.user_id)}"


def duplicate_message(first: Recording, link: str | None) -> dict:
    where = f"<{link}|the first request's thread>" if link else (
        f"the thread of the first request in <#{first.channel_id}>")
    state = {State.CREATED: f"scheduled, TaskId {code(first.task_id or '')}",
             State.ACCEPTED: "still waiting for Tencent",
             State.UNKNOWN: "being checked with Tencent"}
    text = (
        ":information_source: You asked for this same recording a moment ago "
        f"({state.get(first.state, str(first.state))}), so no second task was created. "
        f"See {where}."
    )
    return simple_message(text)


def long_overnight_message(plan: Plan, confirmed: frozenset[Confirm] = frozenset()) -> dict:
    """A window whose end landed on the next day and that is long: ask before creating it."""
    length = format_duration(plan.end - plan.start)
    text = (
        f":warning: {code(plan.request.when_text, 120)} reads as a *{length}* recording: "
        f"{slack_date(plan.start, plan.zone)} → {slack_date(plan.end, plan.zone)} — its end, "
        f"{plan.end:%H:%M}, is before its start's clock time, so it is on the next day. "
        "*Nothing is scheduled until you confirm.* If you meant a shorter window, send "
        "`/record` again with the end you meant (e.g. `tomorrow 8pm to 10pm`)."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id="long", elements=[
            ButtonElement(text=f"Record {length}", action_id=LONG_CONFIRM_ACTION,
                          value=plan_to_value(plan, confirmed | {Confirm.LONG_OVERNIGHT}),
                          style="primary"),
        ]),
    ]
    return message(blocks, f"{escape(plan.stream)}: confirm a {length} recording")


def overlap_message(plan: Plan, tasks: tuple[RecordTaskInfo, ...], refuse: bool,
                    confirmed: frozenset[Confirm] = frozenset()) -> dict:
    zone = plan.zone
    lines = [
        f"• {slack_date(datetime.fromtimestamp(t.start_time, UTC), zone)} → "
        f"{slack_date(datetime.fromtimestamp(t.end_time, UTC), zone)} · TaskId {code(t.task_id)}"
        for t in tasks[:20]
    ]
    listing = "\n".join(lines)
    if refuse:
        text = (
            f":no_entry: {code(plan.stream)} already has {len(tasks)} recording tasks "
            f"overlapping {escape(plan.window.description)}:\n{listing}\nTencent runs at most "
            "three overlapping tasks on one stream, so a fourth would never record. *Nothing "
            "was scheduled.* Stop or cancel one of them first (`/record list`)."
        )
        return simple_message(text)
    text = (
        f":warning: {code(plan.stream)} already has "
        f"{'a recording task' if len(tasks) == 1 else f'{len(tasks)} recording tasks'} "
        f"overlapping {escape(plan.window.description)}:\n{listing}\n"
        "Tencent records overlapping tasks separately (each makes its own files). "
        "*Nothing is scheduled until you confirm.*"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id="overlap", elements=[
            ButtonElement(text="Schedule anyway", action_id=OVERLAP_CONFIRM_ACTION,
                          value=plan_to_value(plan, confirmed | {Confirm.OVERLAP}),
                          style="primary"),
        ]),
    ]
    return message(blocks, f"{escape(plan.stream)} already has overlapping recordings")
