"""The composition root: builds every adapter, hands each use case its ports, and runs the bot's
lifecycle (``start`` prepares the database and warms the time parser before the bot reports
ready; ``start_background`` begins the work nobody asked for; ``close`` waits for in-flight
requests and releases connections). Nothing here decides anything about a recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.jobs import PHASE_INTERVAL, live_check_interval, repeat
from bot.recording.access import AccessGate, AccessPolicy
from bot.recording.callbacks import CallbackNotices
from bot.recording.manage import ManageRecordings
from bot.recording.phases import RootPhases
from bot.recording.reconcile import Reconcile
from bot.recording.schedule import ScheduleRecording
from bot.recording.templates import TemplateCatalog
from bot.slack.answers import Services
from bot.slack.app import build_client
from bot.slack.directory import SlackDirectory
from bot.slack.notifier import SlackNotifier
from bot.store import RecordingStore
from bot.tencent.callbacks import parse_event
from bot.tencent.live_api import ConfigurableLiveApi, TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit
from bot.timeparse import warm_up
from bot.work import BackgroundWork

log = logging.getLogger(__name__)


class _Rechecks:
    """The ``Rechecks`` port: a background look-up after ``delay`` seconds."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt

    def later(self, recording_id: int) -> None:
        rt = self._rt
        rt.work.spawn(rt.reconcile.later(recording_id, rt.notifier,
                                         rt.settings.unknown_recheck_seconds), name="recheck")


@dataclass
class Runtime:
    settings: Settings
    store: RecordingStore
    live: ConfigurableLiveApi
    slack: AsyncWebClient
    directory: SlackDirectory
    notifier: SlackNotifier  # for what is said outside a request: rechecks, callbacks
    schedule: ScheduleRecording
    manage: ManageRecordings
    reconcile: Reconcile
    callbacks: CallbackNotices
    templates: TemplateCatalog
    gate: AccessGate
    phases: RootPhases
    clock: Callable[[], datetime]
    work: BackgroundWork = field(default_factory=BackgroundWork)
    ready: bool = False
    _loops: list[asyncio.Task[Any]] = field(default_factory=list, init=False, repr=False)

    def services(self) -> Services:
        """What the Slack listeners call."""
        return Services(
            schedule=self.schedule, manage=self.manage, templates=self.templates,
            gate=self.gate, directory=self.directory, push_domains=self.settings.push_domains,
            app_name=self.settings.app_name,
            spawn=lambda coro, name: self.work.spawn(coro, name=name),
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
        log.info("recordbot ready")

    def start_background(self, callbacks: bool = True) -> None:
        """Once ready: settle what a crash left unconfirmed, fill the template cache, and —
        when Tencent's callbacks are configured and heard — act on events kept before a stop
        and run the live check.

        Without TENCENT_CALLBACK_KEY the bot hears of no push, so a live check would only ever
        (wrongly) say that streams are not live; it does not run then.
        """
        self.work.spawn(self.reconcile.pending(self.notifier), name="reconcile")
        self.work.spawn(self.templates.refresh(), name="templates")
        self.keep_running(repeat(lambda: self.phases.round(self.notifier),
                                 PHASE_INTERVAL, "refreshing root messages"), name="phases")
        if callbacks and self.settings.callback_key:
            self.work.spawn(self.callbacks.handle_unhandled(self.notifier, self.clock()),
                            name="callbacks-unhandled")
            interval = live_check_interval(self.settings.stream_grace_seconds)
            self.keep_running(repeat(lambda: self.callbacks.check_live(self.notifier), interval,
                                     "the live check"), name="live-check")

    def on_callback(self, callback_id: int) -> None:
        """A newly kept callback event: act on it after Tencent got its answer."""
        self.work.spawn(self.callbacks.handle(callback_id, self.notifier),
                        name=f"callback-{callback_id}")

    def keep_running(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a loop that lasts as long as the bot (e.g. the live check); ``close()`` cancels
        it before waiting for the work in flight."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._loops.append(task)
        return task

    async def close(self) -> None:
        self.ready = False
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        for task in loops:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.work.drain()
        await self.live.close()
        await self.store.close()


def build_runtime(
    settings: Settings,
    live: ConfigurableLiveApi | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Runtime:
    store = RecordingStore.from_url(settings.database_url)
    if live is None:
        live = build_live_api(settings)
    slack = build_client(settings.slack_bot_token, settings.slack_api_url)
    directory = SlackDirectory(slack, settings.default_timezone)
    gate = AccessGate(AccessPolicy(settings.access, directory), store)
    rt = Runtime(
        settings=settings,
        store=store,
        live=live,
        slack=slack,
        directory=directory,
        notifier=SlackNotifier(slack, clock=clock),
        schedule=ScheduleRecording(live, store, gate, directory, clock),
        manage=ManageRecordings(live, store, gate, clock, settings.admin_user_ids,
                                settings.push_domains),
        reconcile=Reconcile(live, store, clock),
        callbacks=CallbackNotices(store, clock, timedelta(seconds=settings.stream_grace_seconds),
                                  parse_event),
        templates=TemplateCatalog(live),
        gate=gate,
        phases=RootPhases(store, clock),
        clock=clock,
    )
    rt.schedule.rechecks = _Rechecks(rt)
    rt.schedule.templates = rt.templates
    return rt


def build_live_api(settings: Settings) -> GuardedLiveApi:
    """The Live API as the bot calls it: the SDK behind the shared limit and retry policy."""
    sdk = TencentLiveApi(
        secret_id=settings.tencent_secret_id,
        secret_key=settings.tencent_secret_key,
        region=settings.tencent_region,
        endpoint=settings.live_endpoint,
        scheme=settings.live_scheme,
        timeout=settings.live_timeout,
    )
    # One 20/s budget for Create/Describe/Stop/Delete (in Redis when several bot processes
    # share the account), retries with jitter, and never a blind second CreateRecordTask.
    return GuardedLiveApi(
        sdk,
        SharedRateLimit(settings.redis_url, per_second=settings.tencent_rate_limit),
        RetryPolicy(attempts=settings.tencent_attempts),
    )
