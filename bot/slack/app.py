"""The Bolt AsyncApp and the Web API client. One app serves HTTP mode and Socket Mode."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import listeners
from bot.slack.answers import Services

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"


def build_client(token: str, api_url: str | None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api_url or SLACK_API_URL)


def _ignore_unused_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment even when given a client (which we need
    # for SLACK_API_URL) and then warns that the token is unused; the client has the same one.
    return "will be unused" not in record.getMessage()


def build_app(client: AsyncWebClient, signing_secret: str, socket_mode: bool,
              services: Services) -> AsyncApp:
    bolt_log = logging.getLogger("slack_bolt.AsyncApp")
    bolt_log.addFilter(_ignore_unused_token_warning)
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # Socket Mode envelopes are authenticated by the xapp- connection, not signatures.
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=bolt_log,
    )

    @app.error
    async def on_error(error: Exception, body: dict) -> None:
        log.error("unhandled error in a listener: %s (%s)", type(error).__name__,
                  body.get("type") or body.get("command"), exc_info=error)

    listeners.register(app, services)
    return app
