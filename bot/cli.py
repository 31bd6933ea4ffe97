"""`recordbot`: run the bot (HTTP mode or Socket Mode, chosen by SLACK_APP_TOKEN)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging

log = logging.getLogger("recordbot")


def _serve_http(settings: Settings) -> None:
    import uvicorn

    from bot.runtime import build_runtime
    from bot.web import create_web_app

    app = create_web_app(build_runtime(settings))
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, lifespan="on",
        access_log=False, timeout_graceful_shutdown=30,
    )
    log.info("HTTP mode: Slack requests at http://%s:%d/slack/events", settings.host,
             settings.port)
    uvicorn.Server(config).run()


async def _serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.runtime import build_runtime
    from bot.slack.app import build_app, start_background

    rt = build_runtime(settings)
    await rt.start()
    bolt_app = build_app(rt)
    start_background(rt, bolt_app)
    handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
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
        await rt.close()


def serve(settings: Settings) -> None:
    if settings.socket_mode:
        asyncio.run(_serve_socket_mode(settings))
    else:
        _serve_http(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="recordbot",
        description="Slack bot that schedules Tencent Cloud Live recordings. "
        "Settings come from the environment; see README.md.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot (the default)")
    args = parser.parse_args(argv)

    if args.command in (None, "serve"):
        try:
            settings = load_settings(os.environ)
        except ConfigError as e:
            print(e, file=sys.stderr)
            return 2
        configure_logging(settings.log_level, settings.secrets())
        serve(settings)
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
