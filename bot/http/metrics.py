"""``GET /metrics``: the bot's metrics for Prometheus (bot.metrics), on PORT in HTTP mode and
on CALLBACK_PORT in Socket Mode.

The outbox backlog is read from the database at each scrape (one indexed count, bounded by
``DATABASE_TIMEOUT``), so every replica reports the same number; when the database does not
answer, the backlog is left out of that scrape rather than shown stale, and the rest is served.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.http.health import DATABASE_TIMEOUT
from bot.metrics import CONTENT_TYPE
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def metrics_route(rt: Runtime, timeout: float = DATABASE_TIMEOUT) -> Route:
    async def metrics(request: Request) -> Response:
        backlog: int | None = None
        if rt.ready:
            try:
                async with asyncio.timeout(timeout):
                    backlog = await rt.store.undelivered()
            except Exception as e:  # any driver's error: say so, serve the rest
                log.warning("/metrics: the outbox backlog could not be read (%s)",
                            type(e).__name__)
        rt.metrics.set_backlog(backlog)
        rt.metrics.set_ready(rt.ready)
        return Response(rt.metrics.render(), media_type=CONTENT_TYPE)

    return Route("/metrics", metrics, methods=["GET"])
