"""The Bolt AsyncApp, wired to the runtime. One app serves HTTP mode and Socket Mode."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.runtime import Runtime
from bot.slack import listeners
from bot.slack.deps import SlackDeps
from bot.slack.flow import reconcile_pending
from bot.slack.zones import UserZones

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"


def _ignore_unused_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment even when given a client (which we need
    # for SLACK_API_URL) and then warns that the token is unused; the client has the same one.
    return "will be unused" not in record.getMessage()


def build_app(rt: Runtime) -> AsyncApp:
    settings = rt.settings
    client = AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url or SLACK_API_URL
    )
    bolt_log = logging.getLogger("slack_bolt.AsyncApp")
    bolt_log.addFilter(_ignore_unused_token_warning)
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Socket Mode envelopes are authenticated by the xapp- connection, not signatures.
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        logger=bolt_log,
    )

    @app.error
    async def on_error(error: Exception, body: dict) -> None:
        log.error("unhandled error in a listener: %s (%s)", type(error).__name__,
                  body.get("type") or body.get("command"), exc_info=error)

    deps = SlackDeps(
        zones=UserZones(client, settings.default_timezone),
        access=AccessPolicy(settings.access, client),
    )
    listeners.register(app, rt, deps)
    return app


def start_background(rt: Runtime, app: AsyncApp) -> None:
    """Once ready: settle what a crash left unconfirmed, and fill the template cache."""
    rt.work.spawn(reconcile_pending(rt, app.client), name="reconcile")
    rt.work.spawn(rt.templates.refresh(), name="templates")
