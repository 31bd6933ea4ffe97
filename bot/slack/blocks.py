"""Block Kit for every message and view the bot shows, built with slack_sdk's model classes.

`to_dict()` validates lengths; ``message`` adds the check slack_sdk lacks (≤ 50 blocks).
User-supplied text is escaped so it can neither mention (`<!channel>`) nor link.
"""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.recording.rules import format_duration
from bot.recording.service import Outcome, Plan
from bot.store import State

MAX_MESSAGE_BLOCKS = 50
FORM_CALLBACK_ID = "record_form"
USAGE = "/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]"


def escape(text: str, limit: int = 500) -> str:
    """Escape for mrkdwn: no mentions, links or formatting from user text; bounded length."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("`", "'")


def code(text: str, limit: int = 200) -> str:
    return f"`{escape(text, limit)}`"


def slack_date(moment: datetime, zone_name: str) -> str:
    """A date token each reader sees in their own zone; the fallback shows the request's zone."""
    fallback = f"{moment:%a %d %b %Y %H:%M} {zone_name}"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def message(blocks: list[Block], text: str) -> dict:
    """chat.postMessage / respond kwargs; ``text`` is the notification fallback."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def _stream_type(plan: Plan) -> str:
    return "mixed stream" if plan.request.stream_type == 1 else "live push"


def request_message(plan: Plan) -> dict:
    """The root message: what was understood, the window, the zone, who asked."""
    req = plan.request
    span = f"{slack_date(plan.start, plan.zone)} → {slack_date(plan.end, plan.zone)}"
    zone = f"`{plan.zone}`" + (f" ({escape(plan.zone_note)})" if plan.zone_note else "")
    template = str(req.template_id) if req.template_id is not None else "default"
    fields = [
        MarkdownTextObject(text=f"*Stream*\n{code(req.stream)}"),
        MarkdownTextObject(text=f"*Push domain / app*\n{code(req.domain)} / {code(req.app)}"),
        MarkdownTextObject(text=f"*When*\n{span} ({format_duration(plan.end - plan.start)})"),
        MarkdownTextObject(text=f"*Time zone*\n{zone}"),
        MarkdownTextObject(text=f"*Stream type / template*\n{_stream_type(plan)} / {template}"),
        MarkdownTextObject(text=f"*Requested by*\n<@{req.user_id}>"),
    ]
    understood = (
        f"Understood “{escape(req.when_text, 300)}” as {escape(plan.window.description, 300)}"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":clapper: *Recording request* for {code(req.stream)}")
        ),
        SectionBlock(fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text=understood)]),
    ]
    text = (
        f"Recording request for {req.stream}: {plan.window.description} "
        f"({plan.zone}), requested by <@{req.user_id}>"
    )
    return message(blocks, text)


def outcome_message(plan: Plan, outcome: Outcome) -> dict:
    """The thread reply: TaskId, or code + message + RequestId + hint + whether a task exists."""
    if outcome.state is State.CREATED:
        body = (
            f":white_check_mark: *Recording task created.* TaskId {code(outcome.task_id or '')}\n"
            f"Tencent will record {code(plan.request.stream)} between "
            f"{slack_date(plan.start, plan.zone)} and {slack_date(plan.end, plan.zone)} "
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
    lines = [
        head,
        f"Error {code(outcome.code or 'unknown')}: {escape(outcome.message or '', 1500)}",
        f"RequestId {code(outcome.request_id)}" if outcome.request_id else "RequestId: none",
        f"*What it means:* {outcome.meaning}" if outcome.meaning else "",
        f"*What to do:* {outcome.hint}" if outcome.hint else "",
        exists,
    ]
    text = "\n".join(line for line in lines if line)
    return message([SectionBlock(text=MarkdownTextObject(text=text))], fallback)


def error_message(problem: str, show_usage: bool = True) -> dict:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":warning: {problem}\n*Nothing was scheduled.*"))
    ]
    if show_usage:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_usage_line())]))
    return message(blocks, f"{problem} Nothing was scheduled.")


def _usage_line() -> str:
    return f"Usage: `{USAGE}` · `/record help` for examples"


HELP_EXAMPLES_EN = [
    "/record livetest tomorrow 8pm to 10pm",
    "/record livetest in 10 minutes for 2 hours",
    "/record livetest next friday 14:00-16:30 domain=push.example.com",
    "/record concert 2026-12-03 19:30 for 3h template=12345 mixed",
]
HELP_EXAMPLES_ZH = [
    "/record livetest 明天晚上8点到10点",
    "/record livetest 下周五下午2点到4点半",
    "/record livetest 今晚8点 录两小时",
]


def help_message(
    reason: str | None = None, domains: tuple[str, ...] = (), app: str = "live"
) -> dict:
    en = "\n".join(f"• `{e}`" for e in HELP_EXAMPLES_EN)
    zh = "\n".join(f"• `{e}`" for e in HELP_EXAMPLES_ZH)
    intro = (
        "*`/record` schedules a Tencent Cloud Live recording* and answers in this channel: "
        "what it understood, then the TaskId (or Tencent's error) in the thread.\n"
        f"*Usage:* `{USAGE}`\n"
        "`<when>` needs a start and an end: a range, or a start plus a duration; it is read in "
        "your Slack time zone unless you name one (`8pm CET`, `北京时间`). Tencent allows up "
        "to 24 h per recording, ending within 7 days.\n"
        "`/record` alone (or `/record new`) opens a form."
    )
    defaults = f"Defaults: domain {code(domains[0]) if domains else '—'}, app {code(app)}"
    if len(domains) > 1:
        defaults += "; other domains: " + ", ".join(code(d) for d in domains[1:])
    blocks: list[Block] = []
    if reason:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {reason}")))
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(text=MarkdownTextObject(text=f"*Examples*\n{en}")),
        SectionBlock(text=MarkdownTextObject(text=f"*示例（中文）*\n{zh}")),
        ContextBlock(elements=[MarkdownTextObject(text=defaults)]),
    ]
    text = (reason + " " if reason else "") + f"Usage: {USAGE}"
    return message(blocks, text)


def record_form(
    channel_id: str, domains: tuple[str, ...], app_name: str, initial: dict | None = None
) -> View:
    """The modal: the same fields as the inline command. Block ids key the field errors."""
    initial = initial or {}
    if len(domains) > 1:
        domain_element = StaticSelectElement(
            action_id="value",
            options=[Option(text=d, value=d) for d in domains],
            initial_option=Option(text=domains[0], value=domains[0]),
        )
    else:
        domain_element = PlainTextInputElement(
            action_id="value", initial_value=domains[0] if domains else "", max_length=253
        )
    live = Option(text="Live push", value="0")
    mixed = Option(text="Mixed stream (A+B=C)", value="1")
    blocks = [
        InputBlock(
            block_id="stream",
            label="Stream name",
            element=PlainTextInputElement(
                action_id="value", placeholder="livetest", max_length=256,
                initial_value=initial.get("stream"),
            ),
        ),
        InputBlock(block_id="domain", label="Push domain", element=domain_element),
        InputBlock(
            block_id="app",
            label="App name",
            element=PlainTextInputElement(action_id="value", initial_value=app_name, max_length=64),
        ),
        InputBlock(
            block_id="when",
            label="When",
            hint="A start and an end, in your Slack time zone unless you name one.",
            element=PlainTextInputElement(
                action_id="value",
                placeholder="tomorrow 8pm to 10pm · 明天晚上8点到10点",
                max_length=300,
            ),
        ),
        InputBlock(
            block_id="template",
            label="Recording template id",
            optional=True,
            hint="Leave empty for Tencent's default (HLS, kept permanently).",
            element=PlainTextInputElement(action_id="value", placeholder="12345", max_length=20),
        ),
        InputBlock(
            block_id="stream_type",
            label="Stream type",
            element=RadioButtonsElement(
                action_id="value", options=[live, mixed], initial_option=live
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=FORM_CALLBACK_ID,
        title=PlainTextObject(text="Schedule a recording"),
        submit=PlainTextObject(text="Schedule"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=blocks,
    )
