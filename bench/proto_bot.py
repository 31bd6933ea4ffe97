"""Prototype of the design changes that issue 8 asks for, for measuring only.

    python bench/ack_load.py --bot-script bench/proto_bot.py
    PROTO_CHANGES=ack-first python bench/ack_load.py --bot-script bench/proto_bot.py

Runs the real bot (``bot.cli.main``, settings from the environment) with changes patched in
at start, which is why it lives in bench/ and is not how the bot runs. ``PROTO_CHANGES`` (a
comma-separated list, default all) picks them:

``ack-first``
    The ASGI app counts the Slack requests in flight on ``/slack/events``, and
    ``BackgroundWork.spawn`` starts its coroutine only once none is, or after ``MAX_DEFER``
    seconds at the latest so that it never starves. Why: after its ack, each ``/record`` goes
    on (users.info, parsing, the duplicate check in SQLite, the overlap check with Tencent) on
    the same event loop as the acks still waiting in a burst, and takes CPU from them. The work
    behind the ack is paced by Tencent's 20/s anyway; starting it a few hundred milliseconds
    later costs the thread reply nothing measurable.

``gc-freeze``
    ``gc.collect(); gc.freeze()`` once the runtime has started (after the time parser's
    warm-up). Why: the bot holds ~140 000 tracked objects after start-up (dateparser's data,
    SQLAlchemy, the SDKs), so each full collection takes ~80 ms; a burst allocates enough to
    trigger one, and it stalls every ack in flight. Frozen objects are never scanned again.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import Coroutine
from typing import Any

import bot.runtime
import bot.web
import bot.work
from bot.cli import main

MAX_DEFER = 1.0  # seconds a spawned job waits at most for the acks to be answered
CHANGES = {"ack-first", "gc-freeze"}


class AckGate:
    """Open when no Slack request is in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self._open: asyncio.Event | None = None

    @property
    def open(self) -> asyncio.Event:
        if self._open is None:  # created on the server's loop
            self._open = asyncio.Event()
            self._open.set()
        return self._open

    def enter(self) -> None:
        self.in_flight += 1
        self.open.clear()

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.open.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.open.wait(), timeout)


def patch_ack_first() -> None:
    gate = AckGate()
    create_web_app = bot.web.create_web_app
    spawn = bot.work.BackgroundWork.spawn

    def counting_web_app(rt: Any) -> Any:
        app = create_web_app(rt)

        async def counting(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope.get("path") != "/slack/events":
                await app(scope, receive, send)
                return
            gate.enter()
            try:
                await app(scope, receive, send)
            finally:
                gate.leave()

        return counting

    def spawn_after_the_acks(self: bot.work.BackgroundWork, coro: Coroutine[Any, Any, Any],
                             name: str = "work") -> asyncio.Task[Any]:
        async def after_the_acks() -> Any:
            await gate.wait(MAX_DEFER)
            return await coro

        return spawn(self, after_the_acks(), name)

    bot.web.create_web_app = counting_web_app
    bot.work.BackgroundWork.spawn = spawn_after_the_acks  # type: ignore[method-assign]


def patch_gc_freeze() -> None:
    start = bot.runtime.Runtime.start

    async def start_then_freeze(self: bot.runtime.Runtime) -> None:
        await start(self)
        gc.collect()
        gc.freeze()

    bot.runtime.Runtime.start = start_then_freeze  # type: ignore[method-assign]


def apply(changes: set[str]) -> None:
    unknown = changes - CHANGES
    if unknown:
        raise SystemExit(f"PROTO_CHANGES: unknown {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(sorted(CHANGES))}")
    if "ack-first" in changes:
        patch_ack_first()
    if "gc-freeze" in changes:
        patch_gc_freeze()


if __name__ == "__main__":
    wanted = os.environ.get("PROTO_CHANGES")
    apply(CHANGES if wanted is None else {c.strip() for c in wanted.split(",") if c.strip()})
    sys.exit(main())
