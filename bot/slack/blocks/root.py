"""The root message of a request: what was understood, the window, the zone, who asked, its
state, and the buttons that state allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
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
from bot.slack.blocks.text import code, context, escape, mention, message, section, slack_date
from bot.slack.blocks.values import CANCEL_ACTION, STOP_ACTION, recording_value
from bot.slack.i18n import Mrkdwn, Tr
from bot.timeparse import (
    Approximate,
    ReadAs,
    ShorterReading,
    WeekdayReading,
    WindowNote,
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
    state: State = State.ACCEPTED
    task_id: str | None = None
    recording_id: int | None = None
    status_note: str | None = None  # e.g. who stopped it (mrkdwn the Slack layer built)
    running_for: timedelta | None = None  # the window had started this long ago when asked
    notes: tuple[WindowNote, ...] = ()  # how the phrase was read, when that needs saying
    zone_fallback: ZoneFallback | None = None  # why the default zone was used, if it was
    profile_zone: str | None = None  # what the profile said, when it was unknown here
    language: str = "en"

    @property
    def tr(self) -> Tr:
        return Tr.of(self.language)

    @classmethod
    def from_plan(cls, plan: Plan, **kw: object) -> RootView:
        req = plan.request
        return cls(
            stream=req.stream, domain=req.domain, app=req.app, start=plan.start, end=plan.end,
            zone=plan.zone, requester_id=req.user_id, when_text=req.when_text,
            understood=plan.window.description, stream_type=req.stream_type,
            template_id=req.template_id, template_name=plan.template_name,
            zone_fallback=plan.zone_fallback.fallback if plan.zone_fallback else None,
            profile_zone=plan.zone_fallback.profile_zone if plan.zone_fallback else None,
            running_for=plan.running_for, notes=plan.window.notes, language=req.language,
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
            understood=shown.understood if shown else "",
            stream_type=row.stream_type, template_id=row.template_id,
            template_name=shown.template_name if shown else None,
            zone_fallback=shown.zone_fallback if shown else None,
            profile_zone=shown.profile_zone if shown else None, language=row.language,
            state=row.state, task_id=row.task_id, recording_id=row.id,
            status_note=status_note, running_for=shown.running_for if shown else None,
            notes=shown.notes if shown else (),
        )


def zone_note(tr: Tr, fallback: ZoneFallback | None, profile: str | None,
              zone: str) -> Mrkdwn | None:
    """Why the default zone was used, when it was."""
    if fallback is ZoneFallback.SLACK_DID_NOT_SAY:
        return tr._("Slack did not tell me your time zone, so the default zone {zone} was used",
                    zone=zone)
    if fallback is ZoneFallback.NO_ZONE_IN_PROFILE:
        return tr._("your Slack profile has no time zone, so the default zone {zone} was used",
                    zone=zone)
    if fallback is ZoneFallback.UNKNOWN_ZONE:
        return tr._("your Slack time zone {profile} is unknown here, so the default zone {zone} "
                    "was used", profile=code(profile or "", 64), zone=zone)
    if fallback is ZoneFallback.SLACK_TOO_SLOW:
        return tr._("Slack was slow to tell me your time zone, so the default zone {zone} was "
                    "used", zone=zone)
    return None


def note_texts(tr: Tr, notes: tuple[WindowNote, ...], end: datetime) -> list[str]:
    """How the phrase was read, where another reading was possible: said, so nothing is
    hidden."""
    said: list[str] = []
    for note in notes:
        if isinstance(note, WeekdayReading):
            said.append(tr._("read as {chosen}; for {other}, say {say}", chosen=tr.day(note.chosen),
                             other=tr.day(note.other), say=code(note.say_other)))
        elif isinstance(note, ShorterReading):
            said.append(tr._("read as the shorter window, to {end} (not {longer})",
                             end=tr.clock(end), longer=tr.day_clock(note.longer_end)))
        elif isinstance(note, Approximate):
            said.append(tr._("{fragment} read as the time it names",
                             fragment=code(note.fragment, 60)))
        elif isinstance(note, ReadAs):
            said.append(tr._("{fragment} read as {reading}", fragment=code(note.fragment, 60),
                             reading=code(note.read_as, 60)))
    return said


def describe_span(tr: Tr, start: datetime, end: datetime, zone: str) -> Mrkdwn:
    """ "Thu 3 Dec 20:00 → 22:00 (2 h, Asia/Shanghai)", in ``tr``'s language."""
    tail = tr.clock(end) if start.date() == end.date() else tr.day_clock(end)
    return tr._("{start} → {end} ({length}, {zone})", start=tr.day_clock(start), end=tail,
                length=tr.duration(end - start), zone=zone)


def _status(tr: Tr, view: RootView, phase: WindowPhase) -> Mrkdwn:
    state = view.state
    if state is State.CREATED:
        if phase is WindowPhase.DURING:
            return tr._(":red_circle: In its window — Tencent records whenever the stream is "
                        "pushed")
        if phase is WindowPhase.AFTER:
            return tr._(":checkered_flag: Window ended")
        return tr._(":white_check_mark: Scheduled")
    if state is State.ACCEPTED:
        return tr._(":hourglass_flowing_sand: Asking Tencent…")
    if state is State.FAILED:
        return tr._(":x: Not scheduled — see the thread")
    if state is State.UNKNOWN:
        return tr._(":warning: Unconfirmed — see the thread")
    if state is State.STOPPED:
        return tr._(":black_square_for_stop: Stopped")
    if state is State.CANCELLED:
        return tr._(":no_entry_sign: Cancelled")
    return escape(str(state))


def _stop_button(tr: Tr, value: str) -> ButtonElement:
    return ButtonElement(
        text=tr._("Stop recording"), action_id=STOP_ACTION, value=value, style="danger",
        confirm=ConfirmObject(
            title=tr._("Stop this recording?"),
            text=tr._("Tencent ends the recording now and keeps the file; the task will not "
                      "start again."),
            confirm=tr._("Stop recording"), deny=tr._("Keep recording"), style="danger",
        ),
    )


def _cancel_button(tr: Tr, value: str) -> ButtonElement:
    return ButtonElement(
        text=tr.p_("button", "Cancel"), action_id=CANCEL_ACTION, value=value,
        confirm=ConfirmObject(
            title=tr._("Cancel this recording?"),
            text=tr._("Tencent deletes the task before its window opens; nothing is recorded."),
            confirm=tr._("Cancel recording"), deny=tr._("Keep it"),
        ),
    )


def manage_button(tr: Tr, recording_id: int, phase: WindowPhase) -> ButtonElement | None:
    """What the window allows: Cancel before it opens, Stop while it is open, nothing after."""
    value = recording_value(recording_id)
    if phase is WindowPhase.BEFORE:
        return _cancel_button(tr, value)
    if phase is WindowPhase.DURING:
        return _stop_button(tr, value)
    return None


def manage_buttons(tr: Tr, recording_id: int, phase: WindowPhase) -> ActionsBlock | None:
    button = manage_button(tr, recording_id, phase)
    return None if button is None else ActionsBlock(block_id="manage", elements=[button])


def root_message(view: RootView, now: datetime) -> dict:
    """The root message: what was understood, the window, the zone, who asked, and its state."""
    tr = view.tr
    span = Mrkdwn(f"{slack_date(view.start, view.zone, tr)} → "
                  f"{slack_date(view.end, view.zone, tr)}")
    why_zone = zone_note(tr, view.zone_fallback, view.profile_zone, view.zone)
    zone = code(view.zone) if why_zone is None else Mrkdwn(f"{code(view.zone)} ({why_zone})")
    if view.template_id is None:
        template = tr._("default")
    elif view.template_name:
        template = Mrkdwn(f"{escape(view.template_name, 60)} ({view.template_id})")
    else:
        template = Mrkdwn(str(view.template_id))
    kind = (tr._("mixed stream") if view.stream_type == StreamType.MIXED
            else tr._("live push"))
    fields = [
        MarkdownTextObject(text=tr._("*Stream*\n{stream}", stream=code(view.stream))),
        MarkdownTextObject(text=tr._("*Push domain / app*\n{domain} / {app}",
                                     domain=code(view.domain), app=code(view.app))),
        MarkdownTextObject(text=tr._("*When*\n{span} ({length})", span=span,
                                     length=tr.duration(view.end - view.start))),
        MarkdownTextObject(text=tr._("*Time zone*\n{zone}", zone=zone)),
        MarkdownTextObject(text=tr._("*Stream type / template*\n{kind} / {template}",
                                     kind=kind, template=template)),
        MarkdownTextObject(text=tr._("*Requested by*\n{who}", who=mention(view.requester_id))),
    ]
    phase = phase_at(view.start, view.end, now)
    status = _status(tr, view, phase)
    if view.task_id and view.state in (State.CREATED, State.STOPPED, State.CANCELLED):
        status = tr._("{status} · TaskId {task_id}", status=status, task_id=code(view.task_id))
    if view.status_note:
        status = Mrkdwn(f"{status} · {view.status_note}")
    understood = tr._("Understood {phrase} as {window}", phrase=code(view.when_text, 300),
                      window=describe_span(tr, view.start, view.end, view.zone))
    if view.running_for is not None:
        understood = tr._("{understood}: it started {ago} ago; recording from now until {end}",
                          understood=understood, ago=tr.duration(view.running_for),
                          end=tr.clock(view.end))
    notes = note_texts(tr, view.notes, view.end)
    if notes:
        understood = Mrkdwn(understood + tr._(" — ") + tr._("; ").join(notes))
    blocks: list[Block] = [
        section(tr._(":clapper: *Recording request* for {stream}", stream=code(view.stream))),
        SectionBlock(fields=fields),
        context(understood),
        section(tr._("*Status:* {status}", status=status)),
    ]
    if view.state is State.CREATED and view.recording_id is not None:
        buttons = manage_buttons(tr, view.recording_id, phase)
        if buttons is not None:
            blocks.append(buttons)
    text = tr._("Recording request for {stream}: {window}, requested by {who} — {status}",
                stream=view.stream, window=describe_span(tr, view.start, view.end, view.zone),
                who=mention(view.requester_id), status=status)
    return message(blocks, text)
