"""The composition root: builds every adapter, hands each use case its ports, and runs the bot's
lifecycle (``start`` prepares the database and warms the time parser before the bot reports
ready; ``start_background`` begins the work nobody asked for; ``close`` waits for in-flight
requests and releases connections). Nothing here decides anything about a recording.

Every process of a bot (several replicas on one PostgreSQL database) runs the same background
jobs; the store's claims make each piece of their work happen once, in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import socket
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.jobs import PHASE_INTERVAL, completeness_interval, live_check_interval, repeat
from bot.metrics import PrometheusMetrics
from bot.recording.access import AccessGate, AccessPolicy
from bot.recording.callbacks import CallbackNotices
from bot.recording.completeness import CompletenessReports
from bot.recording.digest import DIGEST_INTERVAL, DailyDigest
from bot.recording.home import ControlRoom
from bot.recording.intake import Intake
from bot.recording.manage import ManageRecordings
from bot.recording.outbox import OutboxRelay
from bot.recording.phases import RootPhases
from bot.recording.ports import NO_METRICS, Metrics, Worker
from bot.recording.reconcile import Heartbeat, Reconcile
from bot.recording.schedule import ScheduleRecording
from bot.recording.scheduler import SCHEDULER_INTERVAL, SeriesScheduler
from bot.recording.templates import TemplateCatalog
from bot.slack.answers import Services
from bot.slack.app import build_client
from bot.slack.blocks.tencent_errors import known_codes
from bot.slack.delivery import SlackDigestPoster, SlackSender
from bot.slack.directory import SlackDirectory
from bot.slack.i18n import Lang
from bot.store import RecordingStore
from bot.tencent.callbacks import parse_event
from bot.tencent.live_api import UNKNOWN_OUTCOME_CODES, ConfigurableLiveApi, TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit
from bot.timeparse import warm_up
from bot.work import BackgroundWork

log = logging.getLogger(__name__)

#: How often each process looks for unconfirmed requests nobody holds, and renews its leases.
RECONCILE_INTERVAL = 2.0
#: How often events kept but not acted on (a failure, a stop) are looked for again.
CALLBACK_SWEEP_INTERVAL = 60.0
#: How often the record of Slack requests already taken in is trimmed.
INTAKE_CLEANUP_INTERVAL = 600.0


def worker_id() -> str:
    """This process, as the leases and claims in the database name it."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass
class Runtime:
    settings: Settings
    store: RecordingStore
    live: ConfigurableLiveApi
    slack: AsyncWebClient
    directory: SlackDirectory
    delivery: OutboxRelay  # the outbox: every message about a recording goes out through it
    worker: Worker
    schedule: ScheduleRecording
    manage: ManageRecordings
    reconcile: Reconcile
    heartbeat: Heartbeat
    callbacks: CallbackNotices
    templates: TemplateCatalog
    gate: AccessGate
    phases: RootPhases
    intake: Intake
    clock: Callable[[], datetime]
    series: SeriesScheduler
    metrics: PrometheusMetrics = field(default_factory=PrometheusMetrics)
    completeness: CompletenessReports | None = None
    digest: DailyDigest | None = None  # with DIGEST_CHANNEL
    work: BackgroundWork = field(default_factory=BackgroundWork)
    ready: bool = False
    _loops: list[asyncio.Task[Any]] = field(default_factory=list, init=False, repr=False)

    def services(self) -> Services:
        """What the Slack listeners call."""
        return Services(
            schedule=self.schedule, manage=self.manage, templates=self.templates,
            gate=self.gate, intake=self.intake, directory=self.directory,
            push_domains=self.settings.push_domains, app_name=self.settings.app_name,
            spawn=lambda coro, name: self.work.spawn(coro, name=name),
            default_language=Lang(self.settings.default_language),
            metrics=self.metrics,
            home=ControlRoom(self.store, self.clock),
        )

    async def start(self) -> None:
        await self.store.migrate()
        # The first Chinese/English parse loads dateparser's data; do it before reporting ready.
        await asyncio.to_thread(warm_up)
        # What start-up loaded (dateparser's data, SQLAlchemy, both SDKs: ~140k objects) lives
        # as long as the bot; freezing it keeps full collections, which otherwise stall every
        # ack in a burst for ~80 ms, from scanning it again (measured in bench/ack_load.py).
        gc.collect()
        gc.freeze()
        self.ready = True
        log.info("recordbot ready (process %s)", self.worker.owner)

    def start_background(self, callbacks: bool = True) -> None:
        """Once ready: deliver the outbox; keep this process's leases alive; settle what a
        process that is gone left unconfirmed; fill the template cache; keep root messages
        true to their windows; and — when Tencent's callbacks are configured and heard — act
        on events left unhandled and run the live check.

        Without TENCENT_CALLBACK_KEY the bot hears of no push, so a live check would only ever
        (wrongly) say that streams are not live; it does not run then.
        """
        lease = self.worker.lease.total_seconds()
        self.keep_running(self.delivery.run(), name="outbox")
        self.keep_running(repeat(self.heartbeat.beat, lease / 3, "renewing leases"),
                          name="heartbeat")
        self.keep_running(repeat(self.reconcile.due, RECONCILE_INTERVAL, "reconciling"),
                          name="reconcile")
        self.work.spawn(self.templates.refresh(), name="templates")
        self.keep_running(repeat(self.phases.round, PHASE_INTERVAL, "refreshing root messages",
                                 paced=True), name="phases")
        self.keep_running(repeat(self.intake.forget_old, INTAKE_CLEANUP_INTERVAL,
                                 "trimming seen requests"), name="intake")
        if self.completeness is not None:
            interval = completeness_interval(self.settings.completeness_grace_seconds)
            self.keep_running(repeat(self.completeness.round, interval,
                                     "completeness reports"), name="completeness")
        if self.digest is not None:
            self.keep_running(repeat(self.digest.round, DIGEST_INTERVAL, "the daily digest"),
                              name="digest")
        self.keep_running(repeat(self.series.due, SCHEDULER_INTERVAL,
                                 "creating the planned parts of series"), name="series")
        if callbacks and self.settings.callback_key:
            self.keep_running(repeat(self._sweep_callbacks, CALLBACK_SWEEP_INTERVAL,
                                     "handling callbacks left unhandled"), name="callbacks")
            interval = live_check_interval(self.settings.stream_grace_seconds)
            self.keep_running(repeat(self.callbacks.check_live, interval, "the live check"),
                              name="live-check")

    async def _sweep_callbacks(self) -> int:
        # Those received a moment ago are being handled as they arrive.
        return await self.callbacks.handle_unhandled(self.clock() - timedelta(seconds=30))

    def on_callback(self, callback_id: int) -> None:
        """A newly kept callback event: act on it after Tencent got its answer."""
        self.work.spawn(self.callbacks.handle(callback_id), name=f"callback-{callback_id}")

    def keep_running(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a loop that lasts as long as the bot (e.g. the live check); ``close()`` cancels
        it before waiting for the work in flight."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._loops.append(task)
        return task

    async def close(self) -> None:
        self.ready = False
        await self.work.drain()
        # What the requests in flight stored goes out before the outbox stops (bounded: what
        # Slack does not take now stays stored for the next start, or another process).
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.delivery.deliver_due(), 10)
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        for task in loops:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.live.close()
        await self.store.close()


def build_runtime(
    settings: Settings,
    live: ConfigurableLiveApi | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Runtime:
    store = RecordingStore.from_url(settings.database_url)
    metrics = build_metrics()
    if live is None:
        live = build_live_api(settings, metrics)
    slack = build_client(settings.slack_bot_token, settings.slack_api_url)
    directory = SlackDirectory(slack, settings.default_timezone)
    gate = AccessGate(AccessPolicy(settings.access, directory), store)
    worker = Worker(worker_id(), timedelta(seconds=settings.lease_seconds))
    delivery = OutboxRelay(store, SlackSender(slack, clock, store), clock, worker)
    templates = TemplateCatalog(live)
    recheck = timedelta(seconds=settings.unknown_recheck_seconds)
    series = SeriesScheduler(live, store, clock, worker, delivery, recheck_after=recheck,
                             metrics=metrics)
    return Runtime(
        settings=settings,
        store=store,
        live=live,
        slack=slack,
        directory=directory,
        delivery=delivery,
        worker=worker,
        schedule=ScheduleRecording(live, store, gate, directory, clock, worker, delivery,
                                   templates, recheck_after=recheck, metrics=metrics,
                                   default_pad=timedelta(seconds=settings.default_pad_seconds),
                                   scheduler=series),
        manage=ManageRecordings(live, store, gate, clock, delivery, settings.admin_user_ids,
                                settings.push_domains),
        reconcile=Reconcile(live, store, clock, worker, delivery, retry_after=recheck),
        heartbeat=Heartbeat(store, clock, worker),
        callbacks=CallbackNotices(store, clock, timedelta(seconds=settings.stream_grace_seconds),
                                  parse_event, delivery),
        templates=templates,
        gate=gate,
        phases=RootPhases(store, clock, delivery),
        intake=Intake(store, clock),
        clock=clock,
        metrics=metrics,
        completeness=CompletenessReports(
            store, live, clock, timedelta(seconds=settings.completeness_grace_seconds),
            parse_event, delivery, callbacks=bool(settings.callback_key)),
        digest=build_digest(settings, store, slack, clock, worker),
        series=series,
    )


def build_digest(settings: Settings, store: RecordingStore, slack: AsyncWebClient,
                 clock: Callable[[], datetime], worker: Worker) -> DailyDigest | None:
    """The daily digest, when DIGEST_CHANNEL is set."""
    if not settings.digest_channel:
        return None
    hour, minute = (int(part) for part in settings.digest_time.split(":"))
    poster = SlackDigestPoster(slack, settings.digest_channel, settings.default_language)
    return DailyDigest(store, clock, poster, time(hour, minute),
                       settings.digest_timezone or settings.default_timezone, worker)


def build_metrics() -> PrometheusMetrics:
    """This bot's metrics, on a registry of its own; Tencent's error codes are labels only
    when the bot knows them (its error catalogue, and the codes of a lost answer)."""
    return PrometheusMetrics(known_codes() | UNKNOWN_OUTCOME_CODES)


def build_live_api(settings: Settings, metrics: Metrics = NO_METRICS) -> GuardedLiveApi:
    """The Live API as the bot calls it: the SDK behind the shared limit and retry policy."""
    sdk = TencentLiveApi(
        secret_id=settings.tencent_secret_id,
        secret_key=settings.tencent_secret_key,
        region=settings.tencent_region,
        endpoint=settings.live_endpoint,
        scheme=settings.live_scheme,
        timeout=settings.live_timeout,
        metrics=metrics,
    )
    # One 20/s budget for Create/Describe/Stop/Delete (in Redis when several bot processes
    # share the account), retries with jitter, and never a blind second CreateRecordTask.
    return GuardedLiveApi(
        sdk,
        SharedRateLimit(settings.redis_url, per_second=settings.tencent_rate_limit,
                        metrics=metrics),
        RetryPolicy(attempts=settings.tencent_attempts),
    )
