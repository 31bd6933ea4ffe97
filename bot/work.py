"""Background work that outlives the Slack ack, kept referenced and drained at shutdown.

A listener acks first and hands the slow part (users.info, Tencent, the database, posting) to
``BackgroundWork.spawn``; stopping the bot waits for what is in flight so no request is
dropped half-done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundWork:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str = "work") -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background %s failed", task.get_name(), exc_info=task.exception())

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 30) -> None:
        """Wait for in-flight work (bounded), so a stop does not cut a request in half."""
        if not self._tasks:
            return
        log.info("waiting for %d request(s) in flight", len(self._tasks))
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            log.error("stopping with %s unfinished", task.get_name())
            task.cancel()
