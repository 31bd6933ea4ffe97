"""The ports of the recording use cases: what they need from the outside, as protocols.

Implemented by the adapters: ``bot.tencent`` (``LiveApi``), ``bot.store`` (``Store``),
``bot.slack`` (``Notifier``, ``Directory``); the composition root (``bot.runtime``) plugs them
in. Tests plug in small fakes of their own (tests/recording/fakes.py).

The Live API's vocabulary lives here too: what a task is to the bot, and the two ways a call
can fail, named after what the person who asked needs to know:

- ``TencentRejected``: Tencent answered with an error code, so the operation did not happen;
- ``OutcomeUnknown``: the answer never arrived or could not be read (network error, timeout,
  HTTP 5xx, garbled body, a success without a TaskId), so it may have happened.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.recording.events import CallbackEvent, Notice
from bot.recording.model import (
    AuditAction,
    AuditEntry,
    Managed,
    NewEvent,
    NewRecording,
    NewSeries,
    Outcome,
    Pending,
    Post,
    Reconciled,
    Recording,
    Series,
    State,
    StoredEvent,
    TaskStatus,
    UserZone,
    WindowPhase,
    ZoneFallback,
    task_status_at,
)
from bot.recording.report import CompletenessReport, Digest, RecordingWarning

#: The time now, aware. Use cases never read the wall clock themselves.
Clock = Callable[[], datetime]


# ---- Tencent Live ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordTaskSpec:
    stream_name: str
    domain_name: str
    app_name: str
    start_time: int  # Unix seconds
    end_time: int
    stream_type: int = 0  # 0 live push, 1 mixed stream
    template_id: int | None = None


@dataclass(frozen=True)
class CreatedTask:
    task_id: str
    request_id: str


@dataclass(frozen=True)
class RecordTaskInfo:
    """A task as DescribeRecordTask lists it (it has no status field; see `status_at`)."""

    task_id: str
    stream_name: str
    domain_name: str
    app_name: str
    start_time: int
    end_time: int
    template_id: int
    stopped: int  # Unix time StopRecordTask was called, 0 if never

    def status_at(self, now: int) -> TaskStatus:
        return task_status_at(self.start_time, self.end_time, self.stopped, now)

    def overlaps(self, start: int, end: int) -> bool:
        return not self.stopped and self.start_time < end and self.end_time > start


@dataclass(frozen=True)
class RecordTemplate:
    template_id: int
    name: str
    formats: tuple[str, ...]  # the enabled ones, e.g. ("HLS", "MP4")


class LiveApiError(Exception):
    code: str
    message: str
    request_id: str | None

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


class TencentRejected(LiveApiError):
    """Tencent answered with an error: the operation did not happen."""


class OutcomeUnknown(LiveApiError):
    """No readable answer: the operation may or may not have happened."""


#: Tencent's codes for "there is no task with that TaskId" (Stop and Delete).
TASK_GONE_CODES = frozenset({
    "InvalidParameter.InvalidTaskId", "InvalidParameter.TaskNotExist", "ResourceNotFound.TaskId",
    "ResourceNotFound.TaskNotFound",
})


class LiveApi(Protocol):
    """The record-task calls the use cases make (Tencent's rules: bot.recording.rules)."""

    async def create_record_task(self, spec: RecordTaskSpec) -> CreatedTask: ...

    async def describe_record_tasks(
        self, start_time: int, end_time: int, stream_name: str | None = None,
        domain_name: str | None = None, app_name: str | None = None,
    ) -> list[RecordTaskInfo]:
        """Every task whose whole window lies in [start_time, end_time] (a week at most)."""

    async def stop_record_task(self, task_id: str) -> str:
        """StopRecordTask; returns the RequestId."""

    async def delete_record_task(self, task_id: str) -> str:
        """DeleteRecordTask; returns the RequestId."""

    async def describe_record_templates(self) -> list[RecordTemplate]: ...


# ---- the store -------------------------------------------------------------------------------


class Store(Protocol):
    """Every read and write the use cases make; each is one short transaction. A write that
    takes ``posts`` stores them in its own transaction, and only if it changed something: a
    message is never lost after its change, nor kept without it (the outbox)."""

    async def add(self, recording: NewRecording, posts: Sequence[Post] = ()) -> Recording: ...

    async def add_unless_recent(self, recording: NewRecording, *, since: datetime,
                                tolerance: timedelta,
                                posts: Sequence[Post] = ()) -> tuple[Recording, bool]:
        """Insert unless the same person asked for the same stream and window since ``since``
        (the one found comes back with False); guarded by the database, not by a process."""

    async def recent(self, recording: NewRecording, *, since: datetime,
                     tolerance: timedelta) -> Recording | None: ...

    async def update(self, recording_id: int, posts: Sequence[Post] = (),
                     **fields: Any) -> Recording: ...

    async def transition(self, recording_id: int, from_states: Iterable[State], to_state: State,
                         posts: Sequence[Post] = (), **fields: Any) -> bool:
        """Compare-and-set: move to ``to_state`` only from one of ``from_states``."""

    async def get(self, recording_id: int) -> Recording | None: ...

    async def by_task_id(self, task_id: str) -> Recording | None: ...

    async def for_team(self, team_id: str, *, since: datetime, stream: str | None = None,
                       limit: int = 500) -> list[Recording]: ...

    async def add_audit(self, recording_id: int | None, team_id: str, user_id: str | None,
                        action: AuditAction | str, detail: str = "") -> AuditEntry: ...

    async def due_pending(self, now: datetime, limit: int = 50) -> list[Recording]:
        """Unconfirmed requests that no process holds now (owner gone, or check due)."""

    async def claim_pending(self, recording_id: int, owner: str, until: datetime,
                            now: datetime) -> bool: ...

    async def renew_leases(self, owner: str, until: datetime) -> int: ...

    async def deliverable(self, now: datetime, limit: int = 20,
                          recording_id: int | None = None) -> list[Pending]: ...

    async def claim_post(self, post_id: int, owner: str, until: datetime,
                         now: datetime) -> bool: ...

    async def post_delivered(self, post_id: int, at: datetime) -> None: ...

    async def post_failed(self, post_id: int, retry_at: datetime, error: str) -> None: ...

    async def post_given_up(self, post_id: int, at: datetime, error: str) -> None: ...

    async def undelivered(self) -> int: ...

    async def first_sight(self, key: str, at: datetime) -> bool:
        """True the first time ``key`` is seen, by any process."""

    async def forget_seen(self, before: datetime) -> int: ...

    async def add_callback(self, event: NewEvent) -> StoredEvent | None:
        """None when an event with the same dedupe key is already kept."""

    async def get_callback(self, callback_id: int) -> StoredEvent | None: ...

    async def unhandled_callbacks(self, received_before: datetime) -> list[StoredEvent]: ...

    async def mark_callback_handled(self, callback_id: int, at: datetime,
                                    recording_id: int | None, outcome: str,
                                    posts: Sequence[Post] = ()) -> bool: ...

    async def latest_stream_change(self, stream: str, domain: str, app: str,
                                   before: datetime) -> StoredEvent | None: ...

    async def recordings_in_window(self, stream: str, domain: str, app: str,
                                   at: datetime) -> list[Recording]: ...

    async def due_live_checks(self, now: datetime, grace: timedelta) -> list[Recording]: ...

    async def claim_live_check(self, recording_id: int, at: datetime,
                               posts: Sequence[Post] = ()) -> bool: ...

    async def due_reports(self, now: datetime, grace: timedelta,
                          since: datetime) -> list[Recording]: ...

    async def claim_report(self, recording_id: int, at: datetime, report: object,
                           posts: Sequence[Post] = ()) -> bool: ...

    async def due_warnings(self, now: datetime) -> list[Recording]: ...

    async def claim_warning(self, recording_id: int, at: datetime,
                            posts: Sequence[Post] = ()) -> bool: ...

    async def recording_events(self, task_id: str | None, stream: str, domain: str, app: str,
                               since: datetime, until: datetime) -> list[StoredEvent]: ...

    async def stale_roots(self, now: datetime, limit: int = 100) -> list[Recording]: ...

    async def next_phase_change(self, now: datetime) -> datetime | None: ...

    async def claim_shown_phase(self, recording_id: int, shown: WindowPhase | None,
                                phase: WindowPhase, posts: Sequence[Post] = ()) -> bool: ...

    async def overlapping(self, since: datetime, until: datetime,
                          limit: int = 500) -> list[Recording]:
        """Every team's recordings whose window ends at or after ``since`` and starts before
        ``until``, in order of start time (the daily digest)."""

    async def claim_digest(self, day: str, owner: str, until: datetime,
                           now: datetime) -> bool:
        """Take the digest of ``day`` (its date, ISO) for ``owner`` until ``until``: True for
        exactly one process while it is neither posted nor held by another."""

    async def digest_posted(self, day: str, at: datetime) -> None: ...

    async def digest_failed(self, day: str, retry_at: datetime) -> None:
        """Let the digest of ``day`` be taken again from ``retry_at``."""
    # Series (bot.recording.series): their parts are recordings.

    async def add_series(self, series: NewSeries, parts: Sequence[NewRecording],
                         posts: Sequence[Post] = (), *, since: datetime | None = None,
                         now: datetime | None = None) -> tuple[Series, list[Recording], bool]:
        """False (and the one found) when the same person asked for the same series since
        ``since``; guarded by the database."""

    async def get_series(self, series_id: int) -> Series | None: ...

    async def series_parts(self, series_id: int) -> list[Recording]: ...

    async def series_for_team(self, team_id: str, *, since: datetime,
                              stream: str | None = None) -> list[Series]: ...

    async def series_announced(self, series_id: int, root_ts: str | None) -> None: ...

    async def cancel_series(self, series_id: int,
                            posts: Sequence[Post] = ()) -> list[int] | None:
        """None when the series was not active (cancelled by someone else first)."""

    async def due_planned(self, now: datetime, limit: int = 50) -> list[Recording]:
        """Planned parts within Tencent's horizon now (or already begun)."""


# ---- what goes out ---------------------------------------------------------------------------

#: What goes into a recording's thread: Tencent's answer, a later check, a stop or cancel, or
#: what a callback means (bot.recording.events). It travels as a ``Post`` (bot.recording.model).
ThreadMessage = Outcome | Reconciled | Managed | Notice | CompletenessReport | RecordingWarning


class DigestPoster(Protocol):
    """Where the daily digest goes (Slack: bot.slack.delivery.SlackDigestPoster)."""

    async def post(self, digest: Digest) -> None:
        """Post it; raises bot.recording.outbox.TryLater when it should be tried later."""


class Outbox(Protocol):
    """Where the stored posts go out from (Slack's side of the outbox)."""

    def wake(self) -> None:
        """Posts were just stored: deliver them soon (otherwise they are found within a few
        seconds anyway, by this process or another)."""

    async def deliver_now(self, recording_id: int) -> None:
        """Deliver one recording's posts now, waiting a few seconds at most (what takes
        longer goes on in the background, and what fails is retried later)."""


@dataclass(frozen=True)
class Worker:
    """This bot process, as the store's leases know it: a request it works on is leased to
    ``owner`` for ``lease`` at a time, renewed while it lives (bot.jobs), so that another
    process takes over only what a process that is gone left."""

    owner: str
    lease: timedelta = timedelta(seconds=15)


class Directory(Protocol):
    """Who people are: their time zone, and the members of a user group."""

    async def zone_of(self, user_id: str) -> UserZone: ...

    def default_zone(self, fallback: ZoneFallback) -> UserZone: ...

    async def group_members(self, group_id: str) -> frozenset[str] | None:
        """The members, or None when they cannot be known now (the check then fails closed)."""


# ---- what an operator sees -------------------------------------------------------------------


class Surface(enum.StrEnum):
    """Where a request came in."""

    COMMAND = "command"  # /record …
    FORM = "form"  # a form submitted
    BUTTON = "button"  # a button pressed (Stop, Cancel, Schedule anyway, More)
    OTHER = "other"  # a shortcut, a form closed, anything else Slack sends
    TENCENT_CALLBACK = "tencent_callback"  # POST /tencent/callback


class ScheduleOutcome(enum.StrEnum):
    """How a request to schedule a recording ended (``reason`` says more, see Metrics)."""

    CREATED = "created"  # Tencent made the task
    TENCENT_ERROR = "tencent_error"  # Tencent refused: reason is its error code
    UNKNOWN = "unknown"  # no readable answer: reason is the code (Timeout, …)
    REFUSED = "refused"  # the bot refused before Tencent: reason is why
    ASKED = "asked_to_confirm"  # the requester is asked first: reason is what about
    FAILED = "failed"  # the bot failed inside


class CallbackResult(enum.StrEnum):
    """What became of a callback Tencent sent."""

    KEPT = "kept"
    REDELIVERED = "redelivered"  # kept already: nothing new
    REFUSED = "refused"  # 400/401: malformed, wrong sign, t out of range
    NOT_STORED = "not_stored"  # 500: Tencent will retry
    NOT_CONFIGURED = "not_configured"  # 503: no key, or starting


class Metrics(Protocol):
    """What the bot counts for its operator (bot.metrics: Prometheus). Every argument is from a
    small, fixed set — never a user, a stream, a channel or a task — so the series stay few;
    the adapter maps what is not in its set (an error code it does not know) to "other"."""

    def request(self, surface: Surface, *, repeat: bool = False) -> None:
        """A request came in (``repeat``: a retry or replay, acknowledged, not acted on)."""

    def scheduled(self, outcome: ScheduleOutcome, reason: str = "") -> None: ...

    def tencent_call(self, action: str, seconds: float, error_code: str | None) -> None:
        """One Live API request sent (each attempt, each page) and how long it took."""

    def rate_limit_wait(self, seconds: float) -> None:
        """A call waited this long for its slot of the shared rate limit."""

    def callback(self, event_type: int | None, result: CallbackResult) -> None:
        """A Tencent callback (``event_type`` None when it could not be read)."""


class NoMetrics:
    """Counts nothing: the default for use cases and adapters built without metrics."""

    def request(self, surface: Surface, *, repeat: bool = False) -> None:
        pass

    def scheduled(self, outcome: ScheduleOutcome, reason: str = "") -> None:
        pass

    def tencent_call(self, action: str, seconds: float, error_code: str | None) -> None:
        pass

    def rate_limit_wait(self, seconds: float) -> None:
        pass

    def callback(self, event_type: int | None, result: CallbackResult) -> None:
        pass


NO_METRICS: Metrics = NoMetrics()


class EventReader(Protocol):
    """Reads a kept callback payload (Tencent's format) back into an event."""

    def __call__(self, payload: Mapping[str, Any]) -> CallbackEvent: ...
