"""Recording templates for the form's select, cached: Tencent allows 500 calls/s, but the form
must open within Slack's 3 s trigger window, so a slow answer falls back to a text field."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.recording.ports import LiveApi, LiveApiError, RecordTemplate

log = logging.getLogger(__name__)


class TemplateCatalog:
    def __init__(self, live: LiveApi, ttl_seconds: float = 600,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._live = live
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._templates: list[RecordTemplate] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, wait: float = 1.0) -> list[RecordTemplate] | None:
        """The templates, refreshed when stale; None when Tencent gave none within ``wait``."""
        fresh = self._templates is not None and self._monotonic() - self._fetched_at < self._ttl
        if fresh:
            return self._templates
        try:
            return await asyncio.wait_for(self.refresh(), wait)
        except TimeoutError:
            log.warning("record templates not available within %.1f s", wait)
            return self._templates  # stale beats nothing

    async def refresh(self) -> list[RecordTemplate] | None:
        async with self._lock:
            try:
                self._templates = await self._live.describe_record_templates()
                self._fetched_at = self._monotonic()
            except LiveApiError as e:
                log.warning("DescribeLiveRecordTemplates failed: %s", e.code)
            return self._templates
