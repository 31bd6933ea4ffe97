"""Background work that outlives the Slack ack, kept referenced and drained at shutdown.

A listener acks first and hands the slow part (users.info, Tencent, the database, posting) to
``BackgroundWork.spawn``; stopping the bot waits for what is in flight so no request is
dropped half-done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)


class BackgroundWork:
    """Tracks the work, and lets Slack's acks go first.

    The work behind an ack runs on the same event loop as the acks still waiting in a burst;
    started at once it takes their CPU (bench/ack_load.py measured our p99 at 1.5–1.9x a bare
    Bolt app's). So while any Slack request is being answered (``acking``), new work waits —
    at most ``max_defer`` seconds, so it never starves. Tencent's 20/s paces it anyway.
    """

    def __init__(self, max_defer: float = 1.0) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._max_defer = max_defer
        self._acking = 0
        self._acks_done = asyncio.Event()
        self._acks_done.set()

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Wrap the handling of one Slack request (up to its ack)."""
        self._acking += 1
        self._acks_done.clear()
        try:
            yield
        finally:
            self._acking -= 1
            if not self._acking:
                self._acks_done.set()

    async def _after_acks(self, coro: Coroutine[Any, Any, Any]) -> Any:
        if self._acking:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acks_done.wait(), self._max_defer)
        return await coro

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str = "work") -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(self._after_acks(coro), name=name)
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
