"""The Bolt AsyncApp and the Web API client. One app serves HTTP mode and Socket Mode."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.ports import Surface
from bot.slack import listeners
from bot.slack.answers import Services

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"


def build_client(token: str, api_url: str | None) -> AsyncWebClient:
    """The Web API client, retrying what Slack asks to be retried: a 429 after its
    Retry-After, a 5xx, a dropped connection (twice each). What still fails is the caller's
    (the outbox tries a post again later)."""
    return AsyncWebClient(
        token=token, base_url=api_url or SLACK_API_URL,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2),
                        AsyncServerErrorRetryHandler(max_retry_count=2),
                        AsyncConnectionErrorRetryHandler(max_retry_count=2)],
    )


def request_key(body: dict) -> str | None:
    """What identifies one request from Slack across retries and replays: its trigger id
    (every command, button press and form submission has its own)."""
    trigger = body.get("trigger_id") if isinstance(body, dict) else None
    return f"trigger:{trigger}" if isinstance(trigger, str) and trigger else None


def surface_of(body: dict) -> Surface:
    """Which surface a request from Slack came from (for the operator's counts)."""
    if not isinstance(body, dict):
        return Surface.OTHER
    if body.get("command"):
        return Surface.COMMAND
    kind = body.get("type")
    if kind == "view_submission":
        return Surface.FORM
    if kind == "block_actions":
        return Surface.BUTTON
    return Surface.OTHER


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

    @app.middleware
    async def once(body: dict, next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        """A request taken in already (a retry, a replay, the same delivery on two
        processes) is acknowledged and not acted on again."""
        key = request_key(body)
        if key is not None and not await services.intake.first_sight(key):
            log.info("request %s seen already; acknowledged, not acted on again", key)
            services.metrics.request(surface_of(body), repeat=True)
            return BoltResponse(status=200, body="")
        services.metrics.request(surface_of(body))
        await next()
        return None

    @app.error
    async def on_error(error: Exception, body: dict) -> None:
        log.error("unhandled error in a listener: %s (%s)", type(error).__name__,
                  body.get("type") or body.get("command"), exc_info=error)

    listeners.register(app, services)
    return app
