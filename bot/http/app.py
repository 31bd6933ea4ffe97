"""The ASGI application for HTTP mode: Slack at POST /slack/events, Tencent Live's callbacks
at POST /tencent/callback, GET /healthz (alive), GET /readyz (ready to serve) and GET /metrics
(Prometheus).

Served by uvicorn (see bot.cli), not Bolt's development server. A Slack request is read,
verified and checked here (bot.http.slack_requests) before Bolt sees it: a malformed or
unsigned one is answered 400/401/413 in one log line and never reaches a listener.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.http.callbacks import callback_route
from bot.http.health import health_routes
from bot.http.metrics import metrics_route
from bot.http.slack_requests import Refused, SlackVerifier, bolt_request, read_signed_request
from bot.runtime import Runtime
from bot.slack.app import build_app

log = logging.getLogger(__name__)


def create_web_app(rt: Runtime) -> Starlette:
    settings = rt.settings
    bolt_app = build_app(rt.slack, settings.slack_signing_secret, settings.socket_mode,
                         rt.services())
    verifier = SlackVerifier(settings.slack_signing_secret)

    async def slack_events(request: Request) -> Response:
        with rt.work.acking():  # background work waits until the acks in flight are out
            try:
                bolt = bolt_request(request, await read_signed_request(request, verifier))
            except Refused as e:
                size = request.headers.get("content-length", "")
                log.warning("Slack request refused with %d: %s (Content-Length %s, from %s)",
                            e.status, e.reason,
                            size if size.isdigit() and len(size) < 16 else "none",
                            request.client.host if request.client else "?")
                rt.metrics.slack_refused(e.status)
                return JSONResponse({"error": e.reason}, status_code=e.status)
            response = await bolt_app.async_dispatch(bolt)
            return to_starlette_response(response)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await rt.start()
        rt.start_background()
        try:
            yield
        finally:
            await rt.close()

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            *health_routes(rt),
            metrics_route(rt),
            callback_route(rt, rt.on_callback),
        ],
        lifespan=lifespan,
    )
