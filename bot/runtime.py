"""What the running bot holds: settings, store, Tencent client, service, background work.

Built once at start; ``start()`` prepares the database and warms the time parser before the
bot reports ready, ``close()`` waits for in-flight requests and releases connections.
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

from bot.config import Settings
from bot.recording.manage import RecordingManager
from bot.recording.notices import CallbackNotices
from bot.recording.service import RecordingService
from bot.recording.templates import TemplateCatalog
from bot.store import RecordingStore
from bot.tencent.live_api import LiveApi, TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit
from bot.timeparse import warm_up
from bot.work import BackgroundWork

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: RecordingStore
    live: LiveApi
    service: RecordingService
    manager: RecordingManager
    templates: TemplateCatalog
    notices: CallbackNotices
    work: BackgroundWork = field(default_factory=BackgroundWork)
    ready: bool = False
    _loops: list[asyncio.Task[Any]] = field(default_factory=list, init=False, repr=False)

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
    live: LiveApi | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Runtime:
    store = RecordingStore.from_url(settings.database_url)
    if live is None:
        live = build_live_api(settings)
    return Runtime(
        settings=settings,
        store=store,
        live=live,
        service=RecordingService(live, store, clock),
        manager=RecordingManager(live, store, clock, settings.admin_user_ids,
                                 settings.push_domains),
        templates=TemplateCatalog(live),
        notices=CallbackNotices(store, clock, timedelta(seconds=settings.stream_grace_seconds)),
    )


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
