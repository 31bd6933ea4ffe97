"""`recordbot` / `recordbot serve`: HTTP mode with uvicorn, or Socket Mode when SLACK_APP_TOKEN
is set. Both stop cleanly on SIGTERM, finishing requests in flight."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.config import Settings

log = logging.getLogger("recordbot")


def _serve_http(settings: Settings) -> None:
    import uvicorn

    from bot.http.app import create_web_app
    from bot.runtime import build_runtime

    app = create_web_app(build_runtime(settings))
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, lifespan="on",
        access_log=False, timeout_graceful_shutdown=30,
    )
    log.info("HTTP mode: Slack requests at http://%s:%d/slack/events", settings.host,
             settings.port)
    uvicorn.Server(config).run()


async def _serve_socket_mode(settings: Settings) -> None:
    from bot.http.callbacks import callback_listener
    from bot.http.slack_requests import GuardedSocketModeHandler
    from bot.runtime import build_runtime
    from bot.slack.app import build_app

    rt = build_runtime(settings)
    await rt.start()
    bolt_app = build_app(rt.slack, settings.slack_signing_secret, True, rt.services())
    try:
        callbacks = await callback_listener(rt)
    except OSError as e:
        log.error("cannot listen for Tencent's callbacks on %s:%s (%s)", settings.host,
                  settings.callback_port, e.strerror or e)
        await rt.close()
        raise SystemExit(2) from None
    # Without the listener the bot hears no callbacks: no sweep, no live check.
    rt.start_background(callbacks=callbacks is not None)
    # Bolt's handler, but an envelope Bolt cannot read is dropped in one log line.
    handler = GuardedSocketModeHandler(bolt_app, settings.slack_app_token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await handler.connect_async()
        log.info("Socket Mode: connected to Slack")
        await stop.wait()
    finally:
        log.info("stopping")
        await handler.close_async()
        if callbacks is not None:
            await callbacks.stop()
        await rt.close()


def serve(settings: Settings) -> None:
    if settings.socket_mode:
        asyncio.run(_serve_socket_mode(settings))
    else:
        _serve_http(settings)
