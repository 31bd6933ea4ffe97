"""Schedule a recording: understand the request, check Tencent's rules, persist, call, report.

Slack-free: the listener turns a slash command or modal into a ``RecordRequest``, the service
produces a ``Plan`` (or a ``PlanError`` that names the field at fault) and then runs it,
telling a ``Presenter`` what to show at each step.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.recording.rules import WindowRuleError, check_window
from bot.store import AuditAction, Recording, RecordingStore, State
from bot.tencent.errors import advice_for
from bot.tencent.live_api import (
    LiveApi,
    OutcomeUnknown,
    RecordTaskInfo,
    RecordTaskSpec,
    TencentRejected,
)
from bot.timeparse import RecordingWindow, TimeParseError, parse_window

log = logging.getLogger(__name__)

# Names as Tencent Live takes them in push URLs: letters, digits, '_' and '-' for the stream
# (≤ 256) and the app (≤ 64); the push domain is a DNS name (labels ≤ 63, whole ≤ 253).
STREAM_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
APP_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$"
)


@dataclass(frozen=True)
class RecordRequest:
    team_id: str
    channel_id: str
    user_id: str
    stream: str
    when_text: str
    domain: str
    app: str
    template_id: int | None = None
    stream_type: int = 0
    raw_text: str = ""
    source: str = "command"


@dataclass(frozen=True)
class Plan:
    request: RecordRequest
    window: RecordingWindow
    start: datetime
    end: datetime
    zone: str
    zone_note: str | None = None  # e.g. why the default zone was used


class PlanError(Exception):
    """The request cannot be carried out as written; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Outcome:
    state: State  # CREATED, FAILED (Tencent said no) or UNKNOWN (no readable answer)
    task_id: str | None = None
    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    meaning: str | None = None
    hint: str | None = None
    recording_id: int | None = None
    duplicate_of: int | None = None  # set when this repeats a request made moments ago

    @property
    def task_exists(self) -> bool | None:
        """True, False, or None when nobody knows yet."""
        return {State.CREATED: True, State.FAILED: False}.get(self.state)


class Presenter(Protocol):
    """Where the service reports: the Slack adapter posts a root message and thread replies."""

    async def show_request(self, plan: Plan) -> str | None:
        """Show what was understood; returns a reference (the root message ts) if any."""

    async def show_outcome(
        self, plan: Plan, root: str | None, outcome: Outcome, recording_id: int
    ) -> None: ...

    async def show_duplicate(self, plan: Plan, first: Recording) -> None:
        """The same person asked for the same window moments ago: point at that request."""


def _shown(text: str) -> str:
    return text[:80] + ("…" if len(text) > 80 else "")


def validate_names(stream: str, app: str, domain: str = "example.com") -> None:
    if not STREAM_RE.match(stream):
        raise PlanError(
            "stream",
            f"`{_shown(stream)}` is not a valid stream name: use letters, digits, `_` and `-` "
            "(up to 256 characters), e.g. `livetest`.",
        )
    if not APP_RE.match(app):
        raise PlanError(
            "app",
            f"`{_shown(app)}` is not a valid app name: use letters, digits, `_` and `-` "
            "(up to 64 characters); the default is `live`.",
        )
    if not DOMAIN_RE.match(domain):
        raise PlanError(
            "domain",
            f"`{_shown(domain)}` is not a push domain: a domain name such as "
            "`12345.livepush.myqcloud.com` (letters, digits, `-` and dots; up to 253 characters).",
        )


def plan_recording(
    request: RecordRequest, now: datetime, zone_note: str | None = None
) -> Plan:
    """Parse the window in the zone of ``now`` and check Tencent's rules. Pure: no I/O."""
    validate_names(request.stream, request.app, request.domain)
    if not request.when_text.strip():
        raise PlanError(
            "when",
            "Say when to record, with a start and an end — e.g. `tomorrow 8pm to 10pm` or "
            "`明天晚上8点到10点`.",
        )
    try:
        window = parse_window(request.when_text, now)
    except TimeParseError as e:
        raise PlanError("when", str(e)) from e
    if window.end is None:
        raise PlanError(
            "when",
            f"I understood only a start ({window.description}), and a recording needs an end "
            "too. Add one — e.g. `tomorrow 8pm to 10pm`, `tomorrow 8pm for 2 hours` or "
            "`明天晚上8点到10点`.",
        )
    try:
        check_window(window.start, window.end, now)
    except WindowRuleError as e:
        raise PlanError("when", e.message) from e
    return Plan(
        request=request,
        window=window,
        start=window.start,
        end=window.end,
        zone=window.zone,
        zone_note=zone_note,
    )


DUPLICATE_WINDOW = timedelta(minutes=10)
SAME_WINDOW = timedelta(minutes=2)
MAX_OVERLAPPING = 3  # Tencent starts at most three overlapping tasks on one stream


class RecordingService:
    def __init__(
        self,
        live: LiveApi,
        store: RecordingStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.live = live
        self.store = store
        self.clock = clock
        self._locks: dict[tuple, asyncio.Lock] = {}

    async def recent_duplicate(self, plan: Plan) -> Recording | None:
        """The same user's request for the same stream and window within the last 10 minutes
        (a double click, a command retyped after a Slack timeout, a form submitted twice)."""
        req = plan.request
        since = self.clock() - DUPLICATE_WINDOW
        rows = await self.store.for_team(req.team_id, since=plan.end - SAME_WINDOW,
                                         stream=req.stream)
        for row in rows:
            if (
                row.requester_id == req.user_id
                and (row.domain_name, row.app_name) == (req.domain, req.app)
                # "for 1 hour" retyped a minute later is the same window, shifted a little.
                and abs(row.start_time - plan.start) <= SAME_WINDOW
                and abs(row.end_time - plan.end) <= SAME_WINDOW
                and row.created_at >= since
                and row.state in (State.ACCEPTED, State.CREATED, State.UNKNOWN)
            ):
                return row
        return None

    async def overlapping(self, plan: Plan) -> list[RecordTaskInfo]:
        """Tasks on Tencent for the same stream whose window overlaps this one (not stopped).

        A task lasts at most 24 h, so every overlapping task lies wholly inside the window
        widened by a day on each side — which DescribeRecordTask requires.
        """
        req = plan.request
        start, end = int(plan.start.timestamp()), int(plan.end.timestamp())
        day = 24 * 3600
        tasks = await self.live.describe_record_tasks(
            start - day, end + day, stream_name=req.stream, domain_name=req.domain,
            app_name=req.app,
        )
        return [t for t in tasks if not t.stopped and t.start_time < end and t.end_time > start]

    def _lock_for(self, plan: Plan) -> asyncio.Lock:
        req = plan.request
        key = (req.team_id, req.user_id, req.stream, req.domain, req.app)
        if len(self._locks) > 1000:  # forget idle locks now and then
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(key, asyncio.Lock())

    def now_in(self, zone: ZoneInfo) -> datetime:
        return self.clock().astimezone(zone)

    async def schedule(self, plan: Plan, presenter: Presenter) -> Outcome:
        """Persist, show, call Tencent, persist the outcome, show it. Never raises for Tencent.

        A repeat of the same request within 10 minutes creates nothing and points at the first.
        """
        req = plan.request
        # A window already under way records from now: what Tencent is sent is what is stored,
        # so a later DescribeRecordTask can match the row exactly.
        now = self.clock().astimezone(plan.start.tzinfo).replace(microsecond=0)
        if plan.start < now:
            plan = replace(plan, start=now)
        async with self._lock_for(plan):
            first = await self.recent_duplicate(plan)
            if first is not None:
                await presenter.show_duplicate(plan, first)
                return Outcome(State(first.state), task_id=first.task_id,
                               recording_id=first.id, duplicate_of=first.id)
            row = await self._persist(plan)
        root = await presenter.show_request(plan)
        if root:
            await self.store.update(row.id, root_ts=root)
        outcome = replace(await self._create(plan), recording_id=row.id)
        await self.store.update(
            row.id,
            state=outcome.state.value,
            task_id=outcome.task_id,
            error_code=outcome.code,
            error_message=outcome.message,
            request_id=outcome.request_id,
        )
        await self.store.add_audit(row.id, req.team_id, req.user_id, AuditAction.CREATE,
                                   f"{outcome.state.value} {outcome.task_id or outcome.code}")
        await presenter.show_outcome(plan, root, outcome, row.id)
        return outcome

    async def _persist(self, plan: Plan) -> Recording:
        """The "accepted" row, written before Tencent is called."""
        req = plan.request
        return await self.store.add(
            Recording(
                team_id=req.team_id,
                channel_id=req.channel_id,
                requester_id=req.user_id,
                source=req.source,
                raw_text=req.raw_text,
                timezone=plan.zone,
                start_time=plan.start.astimezone(UTC),
                end_time=plan.end.astimezone(UTC),
                stream_name=req.stream,
                domain_name=req.domain,
                app_name=req.app,
                template_id=req.template_id,
                stream_type=req.stream_type,
                state=State.ACCEPTED.value,
            )
        )

    async def _create(self, plan: Plan) -> Outcome:
        req = plan.request
        start = int(plan.start.timestamp())
        spec = RecordTaskSpec(
            stream_name=req.stream,
            domain_name=req.domain,
            app_name=req.app,
            start_time=start,
            end_time=int(plan.end.timestamp()),
            stream_type=req.stream_type,
            template_id=req.template_id,
        )
        try:
            created = await self.live.create_record_task(spec)
        except TencentRejected as e:
            return self._failure(State.FAILED, e)
        except OutcomeUnknown as e:
            log.warning("CreateRecordTask outcome unknown: %s", e.code)
            return self._failure(State.UNKNOWN, e)
        log.info("created record task %s for %s", created.task_id, req.stream)
        return Outcome(State.CREATED, task_id=created.task_id, request_id=created.request_id)

    @staticmethod
    def _failure(state: State, e: TencentRejected | OutcomeUnknown) -> Outcome:
        advice = advice_for(e.code)
        return Outcome(
            state,
            code=e.code,
            message=e.message,
            request_id=e.request_id,
            meaning=advice.meaning,
            hint=advice.hint,
        )
