"""The root message of a request: what was understood, the window, the zone, who asked, its
state, and the buttons that state allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.recording.model import (
    Plan,
    Recording,
    State,
    StreamType,
    WindowPhase,
    ZoneFallback,
    phase_at,
)
from bot.slack.blocks.text import code, escape, mention, message, slack_date
from bot.slack.blocks.values import CANCEL_ACTION, STOP_ACTION, recording_value
from bot.timeparse import (
    Approximate,
    ReadAs,
    ShorterReading,
    WeekdayReading,
    WindowNote,
    format_duration,
)


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
    stream_type: int = StreamType.LIVE_PUSH
    template_id: int | None = None
    template_name: str | None = None
    zone_note: str | None = None
    state: State = State.ACCEPTED
    task_id: str | None = None
    recording_id: int | None = None
    status_note: str | None = None  # e.g. who stopped it, and when
    running_for: timedelta | None = None  # the window had started this long ago when asked
    notes: tuple[WindowNote, ...] = ()  # how the phrase was read, when that needs saying

    @classmethod
    def from_plan(cls, plan: Plan, **kw: object) -> RootView:
        req = plan.request
        return cls(
            stream=req.stream, domain=req.domain, app=req.app, start=plan.start, end=plan.end,
            zone=plan.zone, requester_id=req.user_id, when_text=req.when_text,
            understood=plan.window.description, stream_type=req.stream_type,
            template_id=req.template_id, template_name=plan.template_name,
            zone_note=zone_note(plan),
            running_for=plan.running_for, notes=plan.window.notes,
            **kw,  # type: ignore[arg-type]
        )

    @classmethod
    def from_row(cls, row: Recording, status_note: str | None = None) -> RootView:
        """As the root was first shown (the presentation stored with the request), with the
        recording's state now."""
        start, end = row.local_start, row.local_end
        shown = row.presentation
        return cls(
            stream=row.stream_name, domain=row.domain_name, app=row.app_name, start=start,
            end=end, zone=row.timezone, requester_id=row.requester_id, when_text=row.when_text,
            understood=(shown.understood if shown and shown.understood
                        else describe_span(start, end, row.timezone)),
            stream_type=row.stream_type, template_id=row.template_id,
            template_name=shown.template_name if shown else None,
            zone_note=_zone_note(shown.zone_fallback, shown.profile_zone, row.timezone)
            if shown else None,
            state=row.state, task_id=row.task_id, recording_id=row.id,
            status_note=status_note, running_for=shown.running_for if shown else None,
            notes=shown.notes if shown else (),
        )


_FALLBACK_WHY = {
    ZoneFallback.SLACK_DID_NOT_SAY: "Slack did not tell me your time zone",
    ZoneFallback.NO_ZONE_IN_PROFILE: "your Slack profile has no time zone",
    ZoneFallback.UNKNOWN_ZONE: "your Slack time zone {profile!r} is unknown here",
    ZoneFallback.SLACK_TOO_SLOW: "Slack was slow to tell me your time zone",
}


def zone_note(plan: Plan) -> str | None:
    """Why the default zone was used, when it was."""
    fallback = plan.zone_fallback
    if fallback is None:
        return None
    return _zone_note(fallback.fallback, fallback.profile_zone, fallback.name)


def _zone_note(fallback: ZoneFallback | None, profile: str | None, zone: str) -> str | None:
    if fallback is None:
        return None
    why = _FALLBACK_WHY[fallback].format(profile=profile or "")
    return f"{why}, so the default zone {zone} was used"


def _day_of(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def note_texts(notes: tuple[WindowNote, ...], end: datetime) -> list[str]:
    """How the phrase was read, where another reading was possible: said, so nothing is
    hidden."""
    said = []
    for note in notes:
        if isinstance(note, WeekdayReading):
            said.append(f"read as {_day_of(note.chosen)}; for {_day_of(note.other)}, say "
                        f"{code(note.say_other)}")
        elif isinstance(note, ShorterReading):
            said.append(f"read as the shorter window, to {end:%H:%M} (not "
                        f"{_day_of(note.longer_end.date())} {note.longer_end:%H:%M})")
        elif isinstance(note, Approximate):
            said.append(f"{code(note.fragment, 60)} read as the time it names")
        elif isinstance(note, ReadAs):
            said.append(f"{code(note.fragment, 60)} read as {code(note.read_as, 60)}")
    return said


def describe_span(start: datetime, end: datetime, zone: str) -> str:
    same_day = start.date() == end.date()
    tail = f"{end:%H:%M}" if same_day else f"{_day(end)} {end:%H:%M}"
    return f"{_day(start)} {start:%H:%M} → {tail} ({format_duration(end - start)}, {zone})"


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


STATUS = {
    State.ACCEPTED: ":hourglass_flowing_sand: Asking Tencent…",
    State.CREATED: ":white_check_mark: Scheduled",
    State.FAILED: ":x: Not scheduled — see the thread",
    State.UNKNOWN: ":warning: Unconfirmed — see the thread",
    State.STOPPED: ":black_square_for_stop: Stopped",
    State.CANCELLED: ":no_entry_sign: Cancelled",
}
#: A scheduled recording's status, by where its window stands.
SCHEDULED_STATUS = {
    WindowPhase.BEFORE: STATUS[State.CREATED],
    WindowPhase.DURING: ":red_circle: In its window — Tencent records whenever the stream is "
                        "pushed",
    WindowPhase.AFTER: ":checkered_flag: Window ended",
}


def _status(view: RootView, phase: WindowPhase) -> str:
    if view.state is State.CREATED:
        return SCHEDULED_STATUS[phase]
    return STATUS.get(view.state, str(view.state))


def _stop_button(value: str) -> ButtonElement:
    return ButtonElement(
        text="Stop recording", action_id=STOP_ACTION, value=value, style="danger",
        confirm=ConfirmObject(
            title="Stop this recording?",
            text="Tencent ends the recording now and keeps the file; the task will not start "
                 "again.",
            confirm="Stop recording", deny="Keep recording", style="danger",
        ),
    )


def _cancel_button(value: str) -> ButtonElement:
    return ButtonElement(
        text="Cancel", action_id=CANCEL_ACTION, value=value,
        confirm=ConfirmObject(
            title="Cancel this recording?",
            text="Tencent deletes the task before its window opens; nothing is recorded.",
            confirm="Cancel recording", deny="Keep it",
        ),
    )


def manage_buttons(recording_id: int, phase: WindowPhase) -> ActionsBlock | None:
    """What the window allows: Cancel before it opens, Stop while it is open, nothing after."""
    value = recording_value(recording_id)
    if phase is WindowPhase.BEFORE:
        return ActionsBlock(block_id="manage", elements=[_cancel_button(value)])
    if phase is WindowPhase.DURING:
        return ActionsBlock(block_id="manage", elements=[_stop_button(value)])
    return None


def root_message(view: RootView, now: datetime) -> dict:
    """The root message: what was understood, the window, the zone, who asked, and its state."""
    span = f"{slack_date(view.start, view.zone)} → {slack_date(view.end, view.zone)}"
    zone = f"`{view.zone}`" + (f" ({escape(view.zone_note)})" if view.zone_note else "")
    template = "default" if view.template_id is None else (
        f"{escape(view.template_name, 60)} ({view.template_id})" if view.template_name
        else str(view.template_id))
    kind = "mixed stream" if view.stream_type == StreamType.MIXED else "live push"
    fields = [
        MarkdownTextObject(text=f"*Stream*\n{code(view.stream)}"),
        MarkdownTextObject(text=f"*Push domain / app*\n{code(view.domain)} / {code(view.app)}"),
        MarkdownTextObject(text=f"*When*\n{span} ({format_duration(view.end - view.start)})"),
        MarkdownTextObject(text=f"*Time zone*\n{zone}"),
        MarkdownTextObject(text=f"*Stream type / template*\n{kind} / {template}"),
        MarkdownTextObject(text=f"*Requested by*\n{mention(view.requester_id)}"),
    ]
    phase = phase_at(view.start, view.end, now)
    status = _status(view, phase)
    if view.task_id and view.state in (State.CREATED, State.STOPPED, State.CANCELLED):
        status += f" · TaskId {code(view.task_id)}"
    if view.status_note:
        status += f" · {view.status_note}"
    understood = f"Understood {code(view.when_text, 300)} as {escape(view.understood, 300)}"
    if view.running_for is not None:
        understood += (f": it started {format_duration(view.running_for)} ago; recording from "
                       f"now until {view.end:%H:%M}")
    notes = note_texts(view.notes, view.end)
    if notes:
        understood += " — " + "; ".join(notes)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":clapper: *Recording request* for {code(view.stream)}")
        ),
        SectionBlock(fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text=understood)]),
        SectionBlock(text=MarkdownTextObject(text=f"*Status:* {status}")),
    ]
    if view.state is State.CREATED and view.recording_id is not None:
        buttons = manage_buttons(view.recording_id, phase)
        if buttons is not None:
            blocks.append(buttons)
    text = (
        f"Recording request for {escape(view.stream)}: {escape(view.understood)}, requested by "
        f"{mention(view.requester_id)} — {status}"
    )
    return message(blocks, text)
