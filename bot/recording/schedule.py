"""Schedule a recording: access → plan → duplicate → overlap → persist → create → outcome.

One entry point (``ScheduleRecording.run``) for the command, the form and the buttons that
confirm. What it could not do comes back as data (``Refused``, ``Invalid``,
``NeedsConfirmation``, ``Duplicate``, ``Overlapping``); what it did is stored with its messages
— the root message with the request, before Tencent is called; the outcome with it, after —
which the outbox delivers (``Outbox`` port), and comes back as ``Scheduled``. It never raises
for Tencent's failures. Two bot processes taking the same request at once create one row and
one task: the store decides, under a database lock.

The form needs its field errors inside Slack's 3 s, before anything is scheduled, so it first
calls ``check`` (access, then the window in the requester's zone) and hands the plan over.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.recording.access import AccessGate, Refused
from bot.recording.model import (
    AuditAction,
    NewRecording,
    Outcome,
    Plan,
    Post,
    PostKind,
    Recording,
    RecordRequest,
    Series,
    State,
    UserZone,
    WindowPhase,
    ZoneFallback,
    phase_at,
)
from bot.recording.plan import Field, PlanError, Problem, plan_recording
from bot.recording.ports import (
    NO_METRICS,
    Clock,
    Directory,
    LiveApi,
    LiveApiError,
    Metrics,
    Outbox,
    RecordTaskInfo,
    RecordTaskSpec,
    ScheduleOutcome,
    Store,
    Worker,
)
from bot.recording.rules import DUPLICATE_WINDOW, MAX_DURATION, MAX_OVERLAPPING, SAME_WINDOW
from bot.recording.scheduler import SeriesScheduler, create_task
from bot.recording.series import SeriesPlan
from bot.recording.templates import TemplateCatalog
from bot.timeparse import EndOnNextDay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Invalid:
    error: PlanError


@dataclass(frozen=True)
class Duplicate:
    """The same person asked for the same recording moments ago: nothing new was created."""

    plan: Plan
    first: Recording


@dataclass(frozen=True)
class Overlapping:
    """The stream has tasks overlapping the window. ``refused``: already the most Tencent
    records at once, so nothing can be added; otherwise the requester may confirm."""

    plan: Plan
    tasks: tuple[RecordTaskInfo, ...]
    refused: bool


class Confirm(enum.StrEnum):
    """What the requester may confirm after being asked."""

    OVERLAP = "overlap"  # schedule it although other tasks of the stream overlap it
    LONG_OVERNIGHT = "long overnight"  # yes, the end on the next day makes it this long


#: A window whose end was put on the next day and that lasts longer than this is asked about:
#: "tomorrow 10pm to 8pm" is more likely a slip than a 22-hour recording.
LONG_OVERNIGHT = timedelta(hours=12)


@dataclass(frozen=True)
class NeedsConfirmation:
    """Read as asked, the window is unusual enough to ask before creating anything."""

    plan: Plan
    what: Confirm


@dataclass(frozen=True)
class Scheduled:
    plan: Plan
    recording: Recording
    outcome: Outcome


@dataclass(frozen=True)
class SeriesStarted:
    """A series is stored, its root message posted, and the parts within Tencent's horizon
    created (their TaskIds go to its thread); the later ones are created as they come within
    it."""

    plan: SeriesPlan
    series: Series
    parts: tuple[Recording, ...]


ScheduleResult = (Refused | Invalid | NeedsConfirmation | Duplicate | Overlapping | Scheduled
                  | SeriesStarted)


class ScheduleFailed(Exception):
    """The bot failed inside while scheduling. ``tencent_asked``: the request was stored and
    Tencent may have been asked, so a task may exist (its thread will say); otherwise nothing
    was created."""

    def __init__(self, tencent_asked: bool) -> None:
        super().__init__("tencent asked" if tencent_asked else "nothing created")
        self.tencent_asked = tencent_asked


@dataclass
class _Progress:
    persisted: bool = False


class ScheduleRecording:
    def __init__(self, live: LiveApi, store: Store, gate: AccessGate, directory: Directory,
                 clock: Clock, worker: Worker, outbox: Outbox,
                 templates: TemplateCatalog | None = None,
                 recheck_after: timedelta = timedelta(seconds=30),
                 metrics: Metrics = NO_METRICS,
                 default_pad: timedelta = timedelta(0),
                 scheduler: SeriesScheduler | None = None) -> None:
        self.live = live
        self.default_pad = default_pad
        self.scheduler = scheduler or SeriesScheduler(live, store, clock, worker, outbox,
                                                      recheck_after)
        self.store = store
        self.gate = gate
        self.directory = directory
        self.clock = clock
        self.worker = worker
        self.outbox = outbox
        self.templates = templates
        self.recheck_after = recheck_after
        self.metrics = metrics
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}

    def now_in(self, zone: UserZone) -> datetime:
        return self.clock().astimezone(zone.zone)

    # ---- the form's check, before its ack ---------------------------------------------------

    async def check(self, request: RecordRequest, *, problems: tuple[PlanError, ...] = (),
                    access_budget: float | None = None,
                    zone_budget: float | None = None) -> Plan | SeriesPlan:
        """Access (audited), the template, then the window in the requester's zone; raises
        PlanError naming every field at fault, with ``problems`` the form found itself. The
        budgets bound the lookups that may be slow."""
        found = list(problems)
        if request.domain:
            refusal = await self._form_access(request, access_budget)
            if refusal is not None:
                found.append(refusal)
        try:
            zone = await asyncio.wait_for(self.directory.zone_of(request.user_id), zone_budget)
        except TimeoutError:
            log.warning("users.info too slow for %s; using the default zone", request.user_id)
            zone = self.directory.default_zone(ZoneFallback.SLACK_TOO_SLOW)
        name, template_problem = await self._template(request)
        if template_problem is not None:
            found.append(template_problem)
        try:
            plan = plan_recording(request, self.now_in(zone), zone if zone.fallback else None,
                                  problems=found, default_pad=self.default_pad)
        except PlanError as e:
            self.metrics.scheduled(*outcome_of(Invalid(e)))
            raise
        return replace(plan, template_name=name) if isinstance(plan, Plan) else plan

    async def _form_access(self, request: RecordRequest,
                           budget: float | None) -> PlanError | None:
        try:
            decision = await asyncio.wait_for(
                self.gate.policy.check(request.user_id, request.channel_id, request.domain),
                budget)
        except TimeoutError:
            return PlanError(Field.DOMAIN, Problem.ACCESS_SLOW)
        if decision.refusal is None:
            return None
        await self.gate.audit_refusal(request.team_id, request.user_id,
                                      f"form on {request.domain}")
        return PlanError(Field.DOMAIN, Problem.ACCESS_DENIED, cause=decision.refusal)

    async def _template(self, request: RecordRequest) -> tuple[str | None, PlanError | None]:
        """The name of the request's template, or the problem when the account has no such
        template. When Tencent cannot list them now, the id goes as given (CreateRecordTask
        then tells)."""
        wanted = request.template_id
        if wanted is None or self.templates is None:
            return None, None
        known = await self.templates.get(wait=1.0)
        if known is None:
            return None, None
        for template in known:
            if template.template_id == wanted:
                return template.name, None
        return None, PlanError(Field.TEMPLATE, Problem.TEMPLATE_UNKNOWN, str(wanted),
                               cause=tuple(known))

    # ---- the use case ----------------------------------------------------------------------

    async def run(self, request: RecordRequest, *, plan: Plan | SeriesPlan | None = None,
                  confirmed: frozenset[Confirm] = frozenset()) -> ScheduleResult:
        """The use case. A failure inside the bot comes out as ``ScheduleFailed``, saying
        whether the request got as far as Tencent (then a task may exist)."""
        progress = _Progress()
        try:
            result = await self._run(request, plan, confirmed, progress)
        except Exception as e:
            self.metrics.scheduled(ScheduleOutcome.FAILED,
                                   "tencent_asked" if progress.persisted else "nothing_created")
            raise ScheduleFailed(tencent_asked=progress.persisted) from e
        self.metrics.scheduled(*outcome_of(result))
        return result

    async def _run(self, request: RecordRequest, plan: Plan | SeriesPlan | None,
                   confirmed: frozenset[Confirm], progress: _Progress) -> ScheduleResult:
        refusal = await self.gate.refusal(request.team_id, request.user_id, request.channel_id,
                                          f"schedule {request.stream}", request.domain)
        if refusal is not None:
            return Refused(refusal)
        if plan is None:
            zone = await self.directory.zone_of(request.user_id)
            name, template_problem = await self._template(request)
            try:
                plan = plan_recording(request, self.now_in(zone), zone if zone.fallback else None,
                                      problems=[template_problem] if template_problem else [],
                                      default_pad=self.default_pad)
            except PlanError as e:
                return Invalid(e)
            if isinstance(plan, Plan):
                plan = replace(plan, template_name=name)
        if isinstance(plan, SeriesPlan):
            return await self._start_series(plan, progress)
        if Confirm.LONG_OVERNIGHT not in confirmed and is_long_overnight(plan):
            return NeedsConfirmation(plan, Confirm.LONG_OVERNIGHT)
        plan = plan.from_now(self.clock())  # it may have started since it was planned
        # The same request moments ago (a double click, a command retyped after a Slack
        # timeout, a form sent twice) is answered before Tencent is asked about overlaps: its
        # own task would overlap it. The database decides again below, under a lock.
        first = await self.store.recent(self._new_row(plan), since=self._since(),
                                        tolerance=SAME_WINDOW)
        if first is not None:
            return Duplicate(plan, first)
        overlaps = await self._overlapping(plan)
        if len(overlaps) >= MAX_OVERLAPPING:
            return Overlapping(plan, overlaps, refused=True)
        if overlaps and Confirm.OVERLAP not in confirmed:
            return Overlapping(plan, overlaps, refused=False)
        return await self._schedule(plan, progress)

    async def _start_series(self, plan: SeriesPlan,
                            progress: _Progress) -> SeriesStarted | Duplicate:
        """Store the series with every part planned and its root message, post the root, then
        let the scheduler create what is within the horizon now (the same path as later). The
        same series asked twice moments apart is stored once (the database decides)."""
        req = plan.request
        series, parts, created = await self.store.add_series(
            plan.new_series(), plan.new_parts(),
            posts=[Post(PostKind.ANNOUNCE, reply_to=req.reply_to)], since=self._since(),
            now=self.clock())
        if not created:
            return Duplicate(plan, parts[0])  # type: ignore[arg-type]  # a series' first part
        progress.persisted = True
        await self.store.add_audit(parts[0].id, req.team_id, req.user_id, AuditAction.CREATE,
                                   f"series {series.id}: {len(parts)} part(s), "
                                   f"{plan.occurrences} occurrence(s)")
        await self.outbox.deliver_now(parts[0].id)  # the root, before any task's answer
        try:  # the parts due now at once; the series is stored, so trouble here only delays
            await self.scheduler.due()  # them to the scheduler's next round (its thread tells)
        except Exception:
            log.exception("series %s: its first round failed; the scheduler will retry",
                          series.id)
        return SeriesStarted(plan, series, tuple(parts))

    def _since(self) -> datetime:
        return self.clock() - DUPLICATE_WINDOW

    async def _overlapping(self, plan: Plan) -> tuple[RecordTaskInfo, ...]:
        """Tasks on Tencent for the same stream whose window overlaps this one (not stopped).

        A task lasts at most 24 h, so every overlapping task lies wholly inside the window
        widened by that on each side — which DescribeRecordTask requires. If Tencent cannot be
        asked, nothing is known to overlap (the create will tell).
        """
        req = plan.request
        start, end = int(plan.start.timestamp()), int(plan.end.timestamp())
        widen = int(MAX_DURATION.total_seconds())
        try:
            tasks = await self.live.describe_record_tasks(
                start - widen, end + widen, stream_name=req.stream, domain_name=req.domain,
                app_name=req.app)
        except LiveApiError as e:
            log.warning("overlap check skipped: %s", e.code)
            return ()
        return tuple(t for t in tasks if t.overlaps(start, end))

    def _lock_for(self, plan: Plan) -> asyncio.Lock:
        req = plan.request
        key = (req.team_id, req.user_id, req.stream, req.domain, req.app)
        if len(self._locks) > 1000:  # forget idle locks now and then
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(key, asyncio.Lock())

    async def _schedule(self, plan: Plan, progress: _Progress | None = None) -> ScheduleResult:
        """Persist the request with its root message, call Tencent, persist the outcome with
        its reply: each message is stored with the change it reports, and delivered after."""
        req = plan.request
        async with self._lock_for(plan):  # the database decides; this spares it a wait
            row, created = await self.store.add_unless_recent(
                self._new_row(plan), since=self._since(), tolerance=SAME_WINDOW,
                posts=[Post(PostKind.ANNOUNCE, reply_to=req.reply_to)])
        if not created:
            return Duplicate(plan, row)
        if progress is not None:
            # From here the request is stored and Tencent may be asked: whatever fails, the
            # reconciliation looks the task up and says in the thread whether it exists.
            progress.persisted = True
        await self.outbox.deliver_now(row.id)  # the root, before Tencent is asked
        outcome = replace(await self._create(plan), recording_id=row.id)
        now = self.clock()
        row = await self.store.update(
            row.id, posts=[Post(PostKind.REPLY, outcome, reply_to=req.reply_to)],
            state=outcome.state, task_id=outcome.task_id, error_code=outcome.code,
            error_message=outcome.message, request_id=outcome.request_id,
            shown_phase=plan_phase(plan, now) if outcome.state is State.CREATED else None,
            # Nobody works on it now; an unknown outcome is looked up on Tencent later.
            lease_owner=None,
            lease_until=now + self.recheck_after if outcome.state is State.UNKNOWN else None)
        await self.outbox.deliver_now(row.id)
        await self.store.add_audit(row.id, req.team_id, req.user_id, AuditAction.CREATE,
                                   f"{outcome.state.value} {outcome.task_id or outcome.code}")
        return Scheduled(plan, row, outcome)

    def _new_row(self, plan: Plan) -> NewRecording:
        """The "accepted" row, written before Tencent is called, leased to this process."""
        req = plan.request
        return NewRecording(
            team_id=req.team_id, channel_id=req.channel_id, requester_id=req.user_id,
            source=req.source, raw_text=req.raw_text, when_text=req.when_text,
            language=req.language,
            timezone=plan.zone, start_time=plan.start.astimezone(UTC),
            end_time=plan.end.astimezone(UTC), stream_name=req.stream, domain_name=req.domain,
            app_name=req.app, template_id=req.template_id, stream_type=req.stream_type,
            presentation=plan.presentation, lease_owner=self.worker.owner,
            lease_until=self.clock() + self.worker.lease,
        )

    async def _create(self, plan: Plan) -> Outcome:
        req = plan.request
        spec = RecordTaskSpec(
            stream_name=req.stream, domain_name=req.domain, app_name=req.app,
            start_time=int(plan.start.timestamp()), end_time=int(plan.end.timestamp()),
            stream_type=req.stream_type, template_id=req.template_id,
        )
        outcome = await create_task(self.live, spec)
        if outcome.state is State.CREATED:
            log.info("created record task %s for %s", outcome.task_id, req.stream)
        return outcome


def outcome_of(result: ScheduleResult) -> tuple[ScheduleOutcome, str]:
    """How a result is counted: the outcome, and a reason from a small fixed set (Tencent's
    code as it came, for the adapter to bound)."""
    match result:
        case Scheduled(outcome=Outcome(state=State.CREATED)):
            return ScheduleOutcome.CREATED, ""
        case Scheduled(outcome=Outcome(state=State.FAILED, code=code)):
            return ScheduleOutcome.TENCENT_ERROR, code or ""
        case Scheduled(outcome=outcome):
            return ScheduleOutcome.UNKNOWN, outcome.code or ""
        case Refused():
            return ScheduleOutcome.REFUSED, "access_denied"
        case Invalid(error=error):
            return ScheduleOutcome.REFUSED, error.problem.value.replace(" ", "_")
        case Duplicate():
            return ScheduleOutcome.REFUSED, "duplicate"
        case Overlapping(refused=True):
            return ScheduleOutcome.REFUSED, "too_many_overlaps"
        case Overlapping():
            return ScheduleOutcome.ASKED, "overlap"
        case NeedsConfirmation(what=what):
            return ScheduleOutcome.ASKED, what.value.replace(" ", "_")
        case SeriesStarted():  # stored; each part's task is counted as the scheduler creates it
            return ScheduleOutcome.CREATED, "series"
    raise AssertionError(f"not a schedule result: {result!r}")


def is_long_overnight(plan: Plan) -> bool:
    return (any(isinstance(n, EndOnNextDay) for n in plan.window.notes)
            and plan.end - plan.start > LONG_OVERNIGHT)


def plan_phase(plan: Plan, now: datetime) -> WindowPhase:
    return phase_at(plan.start, plan.end, now)
