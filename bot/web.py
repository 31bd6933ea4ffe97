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

from bot.callback_web import callback_route
from bot.runtime import Runtime
from bot.slack.app import build_app, start_background
from bot.slack.callbacks import deliver_callback, start_callback_work


def create_web_app(rt: Runtime) -> Starlette:
    bolt_app = build_app(rt)
    handler = AsyncSlackRequestHandler(bolt_app)

    async def slack_events(request: Request) -> Response:
        with rt.work.acking():  # background work waits until the acks in flight are out
            return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ready": rt.ready}, status_code=200 if rt.ready else 503)

    def on_callback(callback_id: int) -> None:
        rt.work.spawn(deliver_callback(rt, bolt_app.client, callback_id),
                      name=f"callback-{callback_id}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await rt.start()
        start_background(rt, bolt_app)
        start_callback_work(rt, bolt_app.client)
        try:
            yield
        finally:
            await rt.close()

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            callback_route(rt, on_callback),
        ],
        lifespan=lifespan,
    )
