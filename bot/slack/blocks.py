"""Block Kit for every message and view the bot shows, built with slack_sdk's model classes.

`to_dict()` validates lengths; ``message`` adds the check slack_sdk lacks (≤ 50 blocks).
User-supplied text is escaped so it can neither mention (`<!channel>`) nor link.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
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

from bot.recording.command import Schedule, parse_command
from bot.recording.manage import ListedRecording, Listing
from bot.recording.rules import format_duration
from bot.recording.service import Outcome, Plan, RecordRequest
from bot.store import Recording, State
from bot.tencent.live_api import RecordTaskInfo, RecordTemplate
from bot.timeparse import RecordingWindow

MAX_MESSAGE_BLOCKS = 50
_BROADCAST = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)
FORM_CALLBACK_ID = "record_form"
USAGE = "/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]"


def escape(text: str, limit: int = 500) -> str:
    """Escape for mrkdwn: no mentions, links or formatting from user text; bounded length."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width joiner keeps "@channel" and friends from ever becoming a mention.
    text = _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)
    return text.replace("`", "'")


def code(text: str, limit: int = 200) -> str:
    return f"`{escape(text, limit)}`"


_OFFSET = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def _zone(name: str) -> tzinfo | None:
    """An IANA key, or a fixed offset written "UTC+08:00" (as the time parser names them)."""
    m = _OFFSET.match(name)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return None


def slack_date(moment: datetime, zone_name: str) -> str:
    """A date token each reader sees in their own zone; the fallback shows the request's zone."""
    moment = moment.astimezone(_zone(zone_name) or moment.tzinfo)
    fallback = f"{moment:%a %d %b %Y %H:%M} {zone_name}"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def message(blocks: list[Block], text: str) -> dict:
    """chat.postMessage / respond kwargs; ``text`` is the notification fallback."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


@dataclass(frozen=True)
class RootView:
    """Everything the root message shows; built from a fresh plan or from a stored row."""

    stream: str
    domain: str
    app: str
    start: datetime
    end: datetime
    zone: str
    requester_id: str
    when_text: str
    understood: str
    stream_type: int = 0
    template_id: int | None = None
    zone_note: str | None = None
    state: str = "accepted"
    task_id: str | None = None
    recording_id: int | None = None
    status_note: str | None = None  # e.g. who stopped it, and when

    @classmethod
    def from_plan(cls, plan: Plan, **kw: object) -> RootView:
        req = plan.request
        return cls(
            stream=req.stream, domain=req.domain, app=req.app, start=plan.start, end=plan.end,
            zone=plan.zone, requester_id=req.user_id, when_text=req.when_text,
            understood=plan.window.description, stream_type=req.stream_type,
            template_id=req.template_id, zone_note=plan.zone_note, **kw,  # type: ignore[arg-type]
        )

    @classmethod
    def from_row(cls, row: Recording, status_note: str | None = None) -> RootView:
        zone = ZoneInfo(row.timezone)
        start, end = row.start_time.astimezone(zone), row.end_time.astimezone(zone)
        return cls(
            stream=row.stream_name, domain=row.domain_name, app=row.app_name, start=start,
            end=end, zone=row.timezone, requester_id=row.requester_id,
            when_text=_when_text(row),
            understood=describe_span(start, end, row.timezone), stream_type=row.stream_type,
            template_id=row.template_id, state=row.state, task_id=row.task_id,
            recording_id=row.id, status_note=status_note,
        )


def _when_text(row: Recording) -> str:
    """The time phrase of a stored request: the form stores it alone, a command whole."""
    if row.source == "command":
        command = parse_command(row.raw_text)
        if isinstance(command, Schedule):
            return command.when_text
    return row.raw_text


def describe_span(start: datetime, end: datetime, zone: str) -> str:
    same_day = start.date() == end.date()
    tail = f"{end:%H:%M}" if same_day else f"{end:%a %d %b %H:%M}"
    return f"{start:%a %d %b %H:%M} → {tail} ({format_duration(end - start)}, {zone})"


_STATUS = {
    State.ACCEPTED: ":hourglass_flowing_sand: Asking Tencent…",
    State.CREATED: ":white_check_mark: Scheduled",
    State.FAILED: ":x: Not scheduled — see the thread",
    State.UNKNOWN: ":warning: Unconfirmed — see the thread",
    State.STOPPED: ":black_square_for_stop: Stopped",
    State.CANCELLED: ":no_entry_sign: Cancelled",
}
STOP_ACTION = "recording_stop"
CANCEL_ACTION = "recording_cancel"


def _manage_buttons(recording_id: int) -> ActionsBlock:
    value = str(recording_id)
    return ActionsBlock(block_id="manage", elements=[
        ButtonElement(
            text="Stop recording", action_id=STOP_ACTION, value=value, style="danger",
            confirm=ConfirmObject(
                title="Stop this recording?",
                text="Tencent ends the recording now and keeps the file; the task will not "
                     "start again.",
                confirm="Stop recording", deny="Keep recording", style="danger",
            ),
        ),
        ButtonElement(
            text="Cancel", action_id=CANCEL_ACTION, value=value,
            confirm=ConfirmObject(
                title="Cancel this recording?",
                text="Tencent deletes the task before it starts. (A recording already in its "
                     "window must be stopped instead.)",
                confirm="Cancel recording", deny="Keep it",
            ),
        ),
    ])


def root_message(view: RootView, now: datetime | None = None) -> dict:
    """The root message: what was understood, the window, the zone, who asked, and its state."""
    span = f"{slack_date(view.start, view.zone)} → {slack_date(view.end, view.zone)}"
    zone = f"`{view.zone}`" + (f" ({escape(view.zone_note)})" if view.zone_note else "")
    template = str(view.template_id) if view.template_id is not None else "default"
    kind = "mixed stream" if view.stream_type == 1 else "live push"
    fields = [
        MarkdownTextObject(text=f"*Stream*\n{code(view.stream)}"),
        MarkdownTextObject(text=f"*Push domain / app*\n{code(view.domain)} / {code(view.app)}"),
        MarkdownTextObject(text=f"*When*\n{span} ({format_duration(view.end - view.start)})"),
        MarkdownTextObject(text=f"*Time zone*\n{zone}"),
        MarkdownTextObject(text=f"*Stream type / template*\n{kind} / {template}"),
        MarkdownTextObject(text=f"*Requested by*\n<@{view.requester_id}>"),
    ]
    status = _STATUS.get(State(view.state), view.state)
    if view.task_id and view.state in (State.CREATED, State.STOPPED, State.CANCELLED):
        status += f" · TaskId {code(view.task_id)}"
    if view.status_note:
        status += f" · {view.status_note}"
    understood = f"Understood {code(view.when_text, 300)} as {escape(view.understood, 300)}"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":clapper: *Recording request* for {code(view.stream)}")
        ),
        SectionBlock(fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text=understood)]),
        SectionBlock(text=MarkdownTextObject(text=f"*Status:* {status}")),
    ]
    still_open = now is None or now < view.end
    if view.state == State.CREATED and view.recording_id is not None and still_open:
        blocks.append(_manage_buttons(view.recording_id))
    text = (
        f"Recording request for {view.stream}: {view.understood}, requested by "
        f"<@{view.requester_id}> — {_STATUS.get(State(view.state), view.state)}"
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
    return (f"Usage: `{USAGE}` · e.g. `{HELP_EXAMPLES_EN[0]}` · `{HELP_EXAMPLES_ZH[0]}` · "
            "`/record help` for more")


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


def _template_input(templates: list[RecordTemplate] | None) -> InputBlock:
    """A select of the account's templates; a text field when Tencent could not list them."""
    if templates:
        options = template_options(templates)
        return InputBlock(
            block_id="template", label="Recording template", optional=True,
            element=StaticSelectElement(action_id="value", options=options,
                                        initial_option=options[0]),
        )
    return InputBlock(
        block_id="template",
        label="Recording template id",
        optional=True,
        hint="Leave empty for Tencent's default (HLS, kept permanently).",
        element=PlainTextInputElement(action_id="value", placeholder="12345", max_length=20),
    )


def record_form(
    channel_id: str, domains: tuple[str, ...], app_name: str,
    templates: list[RecordTemplate] | None = None, initial: dict | None = None,
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
        _template_input(templates),
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


# ---- managing recordings ------------------------------------------------------------------

LIST_PAGE_SIZE = 15
LIST_MORE_ACTION = "list_page"
_LIST_ICON = {
    "in window": ":red_circle:", "scheduled": ":calendar:", "unconfirmed": ":warning:",
    "missing": ":grey_question:", "ended": ":white_check_mark:", "stopped":
    ":black_square_for_stop:", "cancelled": ":no_entry_sign:",
}


def _listed_line(item: ListedRecording, zone: str) -> str:
    span = f"{slack_date(item.start, zone)} → {slack_date(item.end, zone)}"
    line = (f"{_LIST_ICON.get(item.status, '')} *{item.status}* · {code(item.stream)} on "
            f"{code(item.domain)}/{code(item.app)}\n{span}")
    if item.task_id:
        line += f" · TaskId {code(item.task_id)}"
    if item.requester_id:
        line += f" · by <@{item.requester_id}>"
    if not item.from_bot:
        line += " · _created outside this bot_"
    if item.status == "missing":
        line += " · _Tencent no longer lists it (deleted elsewhere?)_"
    return line


def list_message(listing: Listing, zone: str, stream: str | None, page: int = 0) -> dict:
    """`/record list`: one block per recording, ≤ 50 blocks, with a button for the next page."""
    items = listing.items
    pages = max(1, -(-len(items) // LIST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * LIST_PAGE_SIZE:(page + 1) * LIST_PAGE_SIZE]
    scope = f" for {code(stream)}" if stream else ""
    head = (f"*Recordings{scope}* — on now, upcoming, and ended in the last day "
            f"({len(items)} in all; page {page + 1} of {pages})")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    if listing.tencent_error:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f":warning: Tencent could not be asked (`{listing.tencent_error}`); this shows "
                 "only the bot's own records, which may be out of date.")]))
    if not items:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="Nothing scheduled. Schedule one with `/record livetest tomorrow 8pm to 10pm`.")))
    for item in shown:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_listed_line(item, zone))))
    if page + 1 < pages:
        value = json.dumps({"stream": stream, "page": page + 1})
        blocks.append(ActionsBlock(block_id="list_nav", elements=[
            ButtonElement(text=f"Next {LIST_PAGE_SIZE}", action_id=LIST_MORE_ACTION, value=value)
        ]))
    return message(blocks, f"{len(items)} recordings")


def simple_message(text: str) -> dict:
    return message([SectionBlock(text=MarkdownTextObject(text=text))], text)


def action_done_message(verb: str, user_id: str, task_id: str | None, request_id: str | None,
                        at: datetime, zone: str) -> dict:
    what = ("stopped the recording" if verb == "stop"
            else "cancelled the recording (the task is deleted and will not start)")
    text = f"<@{user_id}> {what} at {slack_date(at, zone)}."
    if task_id:
        text += f" TaskId {code(task_id)}"
    if request_id:
        text += f" · RequestId {code(request_id)}"
    return simple_message(text)


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


def template_options(templates: list[RecordTemplate]) -> list[Option]:
    default = Option(text="Tencent default (HLS, kept permanently)", value="default")
    options = [default]
    for t in templates[:99]:  # a select holds at most 100 options
        formats = ", ".join(t.formats) or "no format enabled"
        label = f"{t.name or 'unnamed'} ({formats}) · {t.template_id}"
        options.append(Option(text=label[:75], value=str(t.template_id)))
    return options


OVERLAP_CONFIRM_ACTION = "overlap_confirm"


def plan_to_value(plan: Plan) -> str:
    """The plan in a button's value (≤ 2000 chars): the absolute window, not the phrase, so a
    click minutes later schedules what was shown."""
    req = plan.request
    data = {
        "team": req.team_id, "channel": req.channel_id, "user": req.user_id,
        "stream": req.stream, "when": req.when_text[:300], "domain": req.domain,
        "app": req.app, "template": req.template_id, "type": req.stream_type,
        "source": req.source, "start": plan.start.isoformat(), "end": plan.end.isoformat(),
        "zone": plan.zone, "understood": plan.window.description[:200],
    }
    return json.dumps(data, ensure_ascii=False)


def plan_from_value(value: str) -> Plan:
    d = json.loads(value)
    request = RecordRequest(
        team_id=d["team"], channel_id=d["channel"], user_id=d["user"], stream=d["stream"],
        when_text=d["when"], domain=d["domain"], app=d["app"], template_id=d["template"],
        stream_type=d["type"], raw_text=d["when"], source=d["source"],
    )
    start, end = datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"])
    window = RecordingWindow(start, end, d["understood"], d["zone"])
    return Plan(request, window, start, end, d["zone"])


def overlap_message(plan: Plan, tasks: list[RecordTaskInfo], refuse: bool) -> dict:
    zone = plan.zone
    lines = [
        f"• {slack_date(datetime.fromtimestamp(t.start_time, UTC), zone)} → "
        f"{slack_date(datetime.fromtimestamp(t.end_time, UTC), zone)} · TaskId {code(t.task_id)}"
        for t in tasks[:20]
    ]
    listing = "\n".join(lines)
    if refuse:
        text = (
            f":no_entry: {code(plan.request.stream)} already has {len(tasks)} recording tasks "
            f"overlapping {escape(plan.window.description)}:\n{listing}\nTencent runs at most "
            "three overlapping tasks on one stream, so a fourth would never record. *Nothing "
            "was scheduled.* Stop or cancel one of them first (`/record list`)."
        )
        return simple_message(text)
    text = (
        f":warning: {code(plan.request.stream)} already has "
        f"{'a recording task' if len(tasks) == 1 else f'{len(tasks)} recording tasks'} "
        f"overlapping {escape(plan.window.description)}:\n{listing}\n"
        "Tencent records overlapping tasks separately (each makes its own files). "
        "*Nothing is scheduled until you confirm.*"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id="overlap", elements=[
            ButtonElement(text="Schedule anyway", action_id=OVERLAP_CONFIRM_ACTION,
                          value=plan_to_value(plan), style="primary"),
        ]),
    ]
    return message(blocks, f"{plan.request.stream} already has overlapping recordings")


def duplicate_message(first: Recording, link: str | None) -> dict:
    where = f"<{link}|the first request's thread>" if link else (
        f"the thread of the first request in <#{first.channel_id}>")
    state = {"created": f"scheduled, TaskId {code(first.task_id or '')}",
             "accepted": "still waiting for Tencent", "unknown": "being checked with Tencent"}
    text = (
        ":information_source: You asked for this same recording a moment ago "
        f"({state.get(first.state, first.state)}), so no second task was created. "
        f"See {where}."
    )
    return simple_message(text)
