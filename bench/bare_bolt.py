"""The yardstick for the load benchmarks: a Bolt AsyncApp whose listeners only ack().

    SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=… PORT=3000 python bench/bare_bolt.py

Served as Bolt's Starlette adapter serves an app (Starlette + AsyncSlackRequestHandler +
uvicorn, the bot's uvicorn settings), with ``GET /healthz`` and ``GET /readyz`` (the harness
waits on the latter, as for the bot), so that "our time ÷ its time" measured in one run
cancels out the machine. It handles ``/record`` and the scheduling form's submission
(callback_id ``record_form``) and nothing else. It deliberately imports nothing from ``bot``.
"""

from __future__ import annotations

import os

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def create_web_app() -> Starlette:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"],
                            base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"))
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                   process_before_response=False)

    @app.command("/record")
    async def record(ack: AsyncAck) -> None:
        await ack()

    @app.view("record_form")
    async def submit(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ready": True})

    return Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", healthz, methods=["GET"]),  # no database: ready once it answers
    ])


def main() -> None:
    config = uvicorn.Config(
        create_web_app(), host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "3000")), log_config=None, lifespan="on",
        access_log=False, timeout_graceful_shutdown=30,
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
