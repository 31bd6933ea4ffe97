"""The ASGI application for HTTP mode: Slack at POST /slack/events, Tencent Live's callbacks
at POST /tencent/callback, GET /healthz.

Served by uvicorn (see bot.cli), not Bolt's development server.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.http.callbacks import callback_route
from bot.runtime import Runtime
from bot.slack.app import build_app


def create_web_app(rt: Runtime) -> Starlette:
    settings = rt.settings
    bolt_app = build_app(rt.slack, settings.slack_signing_secret, settings.socket_mode,
                         rt.services())
    handler = AsyncSlackRequestHandler(bolt_app)

    async def slack_events(request: Request) -> Response:
        with rt.work.acking():  # background work waits until the acks in flight are out
            return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ready": rt.ready}, status_code=200 if rt.ready else 503)

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
            Route("/healthz", healthz, methods=["GET"]),
            callback_route(rt, rt.on_callback),
        ],
        lifespan=lifespan,
    )
