"""What the recording use cases talk about: stored recordings, requests, plans and outcomes.

Plain frozen dataclasses and enums, with no Slack, no SQL and no Tencent SDK in them: the store
maps its rows to these, the Slack layer renders them, and a test builds them by hand.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from bot.timeparse import RecordingWindow, WindowNote, zone_tzinfo


class State(enum.StrEnum):
    """(planned →) accepted → created | failed | unknown → stopped | cancelled."""

    PLANNED = "planned"  # a part of a series or long window whose task is not created yet
    ACCEPTED = "accepted"  # persisted, Tencent not yet (or not knowingly) called
    CREATED = "created"  # Tencent returned a TaskId
    FAILED = "failed"  # Tencent said no; no task exists
    UNKNOWN = "unknown"  # no readable answer; a task may or may not exist
    STOPPED = "stopped"
    CANCELLED = "cancelled"

    @property
    def task_exists(self) -> bool | None:
        """True, False, or None when nobody knows yet."""
        if self in (State.ACCEPTED, State.UNKNOWN):
            return None
        return self not in (State.FAILED, State.PLANNED)


PENDING_STATES = (State.ACCEPTED, State.UNKNOWN)


class AuditAction(enum.StrEnum):
    CREATE = "create"
    STOP = "stop"
    CANCEL = "cancel"
    DENIED = "denied"
    RECONCILE = "reconcile"


class Source(enum.StrEnum):
    """Where a request came from."""

    COMMAND = "command"  # /record <stream> <when> …
    MODAL = "modal"  # the form


class StreamType(enum.IntEnum):
    LIVE_PUSH = 0
    MIXED = 1  # A+B=C


class Verb(enum.StrEnum):
    """What someone asks of a scheduled recording."""

    STOP = "stop"  # StopRecordTask: end it now, keep the file
    CANCEL = "cancel"  # DeleteRecordTask: remove it before it starts


class WindowPhase(enum.StrEnum):
    """Where now is against a recording's window; it decides what may be done to it (cancel
    before, stop during, nothing after)."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


def phase_at(start: datetime, end: datetime, now: datetime) -> WindowPhase:
    if now < start:
        return WindowPhase.BEFORE
    return WindowPhase.DURING if now < end else WindowPhase.AFTER


class TaskStatus(enum.StrEnum):
    """Where a recording stands, as `/record list` shows it."""

    IN_WINDOW = "in window"
    SCHEDULED = "scheduled"
    UNCONFIRMED = "unconfirmed"  # the bot does not know yet whether Tencent has the task
    MISSING = "missing"  # created, yet Tencent no longer lists it (deleted elsewhere)
    ENDED = "ended"
    STOPPED = "stopped"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self in (TaskStatus.IN_WINDOW, TaskStatus.SCHEDULED, TaskStatus.UNCONFIRMED,
                        TaskStatus.MISSING)


def task_status_at(start: int, end: int, stopped: int, now: int) -> TaskStatus:
    """A Tencent task's status at ``now`` (Unix seconds): DescribeRecordTask has no status."""
    if stopped:
        return TaskStatus.STOPPED
    if now < start:
        return TaskStatus.SCHEDULED
    if now < end:
        return TaskStatus.IN_WINDOW
    return TaskStatus.ENDED


@dataclass(frozen=True)
class NewRecording:
    """A recording about to be stored (the store gives it an id and timestamps)."""

    team_id: str
    channel_id: str
    requester_id: str
    source: str
    raw_text: str
    timezone: str
    start_time: datetime
    end_time: datetime
    stream_name: str
    domain_name: str
    app_name: str
    template_id: int | None = None
    stream_type: int = StreamType.LIVE_PUSH
    state: State = State.ACCEPTED
    when_text: str | None = None
    root_ts: str | None = None
    task_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    request_id: str | None = None
    live_checked_at: datetime | None = None
    shown_phase: WindowPhase | None = None
    presentation: Presentation | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None
    language: str = "en"  # what the request's messages are written in (the Slack layer's tag)
    series_id: int | None = None  # a part of a series (bot.recording.series)
    occurrence: int | None = None  # which occurrence of its series, from 0
    part: int | None = None  # which part of its occurrence, from 0 (a window > 24 h has several)

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", State(self.state))  # ValueError for an unknown one
        if self.shown_phase is not None:
            object.__setattr__(self, "shown_phase", WindowPhase(self.shown_phase))
        for name in ("start_time", "end_time", "live_checked_at"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise ValueError(f"{name} is a naive datetime ({value.isoformat()}); give it "
                                 "a time zone, e.g. datetime.now(UTC)")


@dataclass(frozen=True)
class Recording:
    """One stored request and what became of it. Times are aware UTC."""

    id: int
    team_id: str
    channel_id: str
    requester_id: str
    source: str
    raw_text: str
    timezone: str  # the zone the window was read in (an IANA key, or "UTC+08:00")
    start_time: datetime
    end_time: datetime
    stream_name: str
    domain_name: str
    app_name: str
    template_id: int | None
    stream_type: int
    state: State
    created_at: datetime
    updated_at: datetime
    when_text: str = ""  # the time phrase as the person wrote it
    root_ts: str | None = None  # the request's root message
    task_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    request_id: str | None = None
    live_checked_at: datetime | None = None
    shown_phase: WindowPhase | None = None  # what the root message shows, once scheduled
    presentation: Presentation | None = None  # how the request was understood, as the root says
    # While a request's outcome is unknown (accepted, unknown): who is working on it, until when
    # (an expired lease means its owner is gone, or its next check is due), and how often
    # Tencent could not be asked about it.
    lease_owner: str | None = None
    lease_until: datetime | None = None
    attempts: int = 0
    language: str = "en"  # what the request's messages are written in (the Slack layer's tag)
    # The completeness report once posted (bot.recording.report), and when; when the thread
    # was warned, while the window was open, that nothing seemed to be recorded.
    reported_at: datetime | None = None
    report: object | None = None  # a CompletenessReport
    warned_at: datetime | None = None
    series_id: int | None = None  # a part of a series (bot.recording.series)
    occurrence: int | None = None  # which occurrence of its series, from 0
    part: int | None = None  # which part of its occurrence, from 0

    def phase(self, now: datetime) -> WindowPhase:
        return phase_at(self.start_time, self.end_time, now)

    @property
    def tz(self) -> tzinfo:
        """The zone the window was read in, for showing its times as the requester wrote them."""
        return zone_tzinfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.start_time.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end_time.astimezone(self.tz)


@dataclass(frozen=True)
class StoredEvent:
    """One Tencent callback event as the store keeps it (the payload without t and sign)."""

    id: int
    dedupe_key: str
    event_type: int
    payload: str
    received_at: datetime
    task_id: str | None = None
    stream_name: str | None = None
    domain_name: str | None = None
    app_name: str | None = None
    event_time: datetime | None = None
    handled_at: datetime | None = None
    recording_id: int | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class NewEvent:
    dedupe_key: str
    event_type: int
    payload: str
    received_at: datetime
    task_id: str | None = None
    stream_name: str | None = None
    domain_name: str | None = None
    app_name: str | None = None
    event_time: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    recording_id: int | None
    team_id: str
    user_id: str | None  # None: the bot itself
    action: AuditAction
    detail: str
    at: datetime


# ---- requests, plans, outcomes ---------------------------------------------------------------


@dataclass(frozen=True)
class RecordRequest:
    """A request to record, as an adapter read it (a command, the form, a button)."""

    team_id: str
    channel_id: str
    user_id: str
    stream: str
    when_text: str
    domain: str
    app: str
    template_id: int | None = None
    stream_type: int = StreamType.LIVE_PUSH
    raw_text: str = ""
    source: str = Source.COMMAND
    reply_to: str | None = None  # the adapter's private way back to the requester, if any
    language: str = "en"  # what the requester reads; the adapter decides, the store keeps it
    pad: timedelta | None = None  # start this much early, end this late (None: DEFAULT_PAD)
    repeat: str | None = None  # the form's Repeat fields, as words the time parser reads

    @property
    def phrase(self) -> str:
        """The time phrase to read: the form's Repeat words (if any) around its When."""
        if not self.repeat:
            return self.when_text
        rule, _, end = self.repeat.partition("|")
        return " ".join(w for w in (rule, self.when_text, end) if w)


class ZoneFallback(enum.StrEnum):
    """Why the default zone stood in for the requester's own."""

    SLACK_DID_NOT_SAY = "slack did not say"  # users.info failed
    NO_ZONE_IN_PROFILE = "no zone in profile"
    UNKNOWN_ZONE = "unknown zone"  # the profile's zone is not an IANA key known here
    SLACK_TOO_SLOW = "slack too slow"


@dataclass(frozen=True)
class UserZone:
    """The requester's zone; ``fallback`` says why it is the default one, if it is."""

    zone: tzinfo
    name: str
    fallback: ZoneFallback | None = None
    profile_zone: str | None = None  # what the profile said, when it was unknown here


@dataclass(frozen=True)
class Presentation:
    """How a request was understood, as its root message says it: kept with the recording, so
    that every later version of the root (its outcome, its window opening, a stop) says the
    same."""

    understood: str = ""  # the window as the time parser echoed it
    zone_fallback: ZoneFallback | None = None  # why the default zone was used, if it was
    profile_zone: str | None = None  # the requester's profile zone, when unknown here
    template_name: str | None = None
    running_for: timedelta | None = None  # the window had been open this long when asked
    notes: tuple[WindowNote, ...] = ()  # readings worth saying (another one was possible)


@dataclass(frozen=True)
class Plan:
    """A request understood: the window to ask Tencent for, in the zone it was read in."""

    request: RecordRequest
    window: RecordingWindow
    start: datetime
    end: datetime
    zone: str
    zone_fallback: UserZone | None = None  # set when the default zone was used
    requested_start: datetime | None = None  # the start as asked, when it was already past
    template_name: str | None = None  # the name of request.template_id on the account

    @property
    def stream(self) -> str:
        return self.request.stream

    def from_now(self, now: datetime) -> Plan:
        """A window already under way records from ``now``; both ends to the whole second
        (down, as Tencent is sent ``int(timestamp)``): what Tencent is sent is what is stored,
        so a later DescribeRecordTask can match the row exactly and the completeness report
        measures the window Tencent records (``for 10 seconds`` said at ss.7 must not be
        stored as ss.7 → ss+10.7 while Tencent records ss → ss+10)."""
        now = now.astimezone(self.start.tzinfo).replace(microsecond=0)
        start, end = self.start.replace(microsecond=0), self.end.replace(microsecond=0)
        if start >= now:
            return self if (start, end) == (self.start, self.end) else \
                replace(self, start=start, end=end)
        return replace(self, start=now, end=end,
                       requested_start=self.requested_start or self.start)

    @property
    def running_for(self) -> timedelta | None:
        """How long the window had been open when it was planned (it records from then)."""
        if self.requested_start is None or self.requested_start >= self.start:
            return None
        return self.start - self.requested_start

    @property
    def presentation(self) -> Presentation:
        fallback = self.zone_fallback
        return Presentation(
            understood=self.window.description,
            zone_fallback=fallback.fallback if fallback else None,
            profile_zone=fallback.profile_zone if fallback else None,
            template_name=self.template_name, running_for=self.running_for,
            notes=self.window.notes)


@dataclass(frozen=True)
class Outcome:
    """What Tencent said to CreateRecordTask, for one stored recording."""

    state: State  # CREATED, FAILED (Tencent said no) or UNKNOWN (no readable answer)
    task_id: str | None = None
    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    recording_id: int | None = None

    @property
    def task_exists(self) -> bool | None:
        return self.state.task_exists


@dataclass(frozen=True)
class Reconciled:
    """Tencent was asked whether an unconfirmed request's task exists."""

    found_task_id: str | None


@dataclass(frozen=True)
class Managed:
    """Someone stopped or cancelled a recording."""

    verb: Verb
    user_id: str
    at: datetime
    task_id: str | None
    request_id: str | None


@dataclass(frozen=True)
class SeriesCancelled:
    """Someone cancelled a whole series or long window: what became of its parts."""

    user_id: str
    at: datetime
    planned: int  # planned parts dropped (no task had been created)
    deleted: int  # tasks deleted before they started
    stopped: int  # the task recording at the time, stopped
    left: int = 0  # parts Tencent could not be asked about now (their thread says)


@dataclass(frozen=True)
class Listed:
    """One line of `/record list`."""

    stream: str
    domain: str
    app: str
    start: datetime
    end: datetime
    status: TaskStatus
    task_id: str | None = None
    recording_id: int | None = None
    requester_id: str | None = None
    channel_id: str | None = None
    root_ts: str | None = None
    from_bot: bool = True


@dataclass(frozen=True)
class ListedSeries:
    """A series in `/record list`, with its next occurrence (its parts' tasks are items)."""

    series: Series
    next_start: datetime
    next_end: datetime
    to_come: int  # occurrences not over yet and not skipped


@dataclass(frozen=True)
class Listing:
    items: list[Listed] = field(default_factory=list)
    tencent_error: str | None = None  # set when only the bot's own records could be shown
    series: list[ListedSeries] = field(default_factory=list)


# ---- what goes out ---------------------------------------------------------------------------


class PostKind(enum.StrEnum):
    ANNOUNCE = "announce"  # the root message: what was understood, before Tencent is asked
    REPLY = "reply"  # a message in the recording's thread (and its root brought up to date)
    REFRESH = "refresh"  # the root brought up to date alone (its window opened or ended)


@dataclass(frozen=True)
class Post:
    """A message about a recording, stored with the change it reports (in the same
    transaction) and delivered afterwards, so that a crash or a Slack outage delays it but
    never loses it (an outbox)."""

    kind: PostKind
    message: object = None  # for a REPLY: an Outcome, Reconciled, Managed or a Notice
    recording_id: int | None = None  # None: the recording the write stores
    reply_to: str | None = None  # the adapter's private way back to the requester, if any


@dataclass(frozen=True)
class Pending:
    """A stored post not delivered yet."""

    id: int
    recording_id: int
    kind: PostKind
    message: object
    reply_to: str | None
    attempts: int
    created_at: datetime


# ---- series: long windows, far-ahead windows and repeating recordings ------------------------


class SeriesKind(enum.StrEnum):
    WINDOW = "window"  # one window, longer than 24 h or beyond Tencent's horizon (or both)
    REPEAT = "repeat"  # an RFC 5545 rule: every day, weekdays, every Friday…


class SeriesState(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class NewSeries:
    """A series about to be stored; its parts are recordings (``Recording.series_id``)."""

    team_id: str
    channel_id: str
    requester_id: str
    source: str
    raw_text: str
    when_text: str
    timezone: str  # an IANA key
    kind: SeriesKind
    description: str  # the rule or window in words, as the time parser said it
    first_start: datetime  # the first occurrence's start, aware
    duration: timedelta  # of one occurrence, before the padding
    stream_name: str
    domain_name: str
    app_name: str
    template_id: int | None = None
    stream_type: int = StreamType.LIVE_PUSH
    rrule: str | None = None  # REPEAT: the RRULE value (DTSTART: first_start, in timezone)
    until: date | None = None  # the last day that may hold an occurrence (inclusive)
    count: int | None = None
    limited: bool = False  # no end was given: the default limit (series.DEFAULT_SPAN) applies
    pad: timedelta = timedelta(0)  # each recording starts this much early and ends this late
    language: str = "en"
    state: SeriesState = SeriesState.ACTIVE
    root_ts: str | None = None


@dataclass(frozen=True)
class Series(NewSeries):
    """A stored series. ``announced``: its root message went out (to the channel when
    ``root_ts`` is set, else privately), so its parts' thread messages may follow."""

    id: int = 0
    announced: bool = False
    created_at: datetime | None = None

    @property
    def tz(self) -> tzinfo:
        return zone_tzinfo(self.timezone)
