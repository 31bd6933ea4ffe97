"""The part of a /record request that runs after the ack, shared by the command and the form."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.service import Plan, PlanError, RecordRequest, plan_recording
from bot.runtime import Runtime
from bot.slack.blocks import error_message, message
from bot.slack.presenter import Respond, SlackPresenter
from bot.slack.zones import UserZones

log = logging.getLogger(__name__)


async def schedule_from_slack(
    rt: Runtime,
    zones: UserZones,
    client: AsyncWebClient,
    request: RecordRequest,
    respond: Respond,
    plan: Plan | None = None,
) -> None:
    """Understand the request in the user's zone (unless already planned), then schedule it.

    Every path answers the user: a plan error, the outcome, or an internal error.
    """
    try:
        if plan is None:
            zone = await zones.zone_for(request.user_id)
            try:
                plan = plan_recording(request, rt.service.now_in(zone.zone), zone.note)
            except PlanError as e:
                await respond(response_type="ephemeral", **error_message(e.message))
                return
        await rt.service.schedule(plan, SlackPresenter(client, request.channel_id, respond))
    except Exception:
        log.exception("scheduling %s failed inside the bot", request.stream)
        text = (
            ":warning: The bot hit an internal error before it could confirm the outcome, so "
            "*a recording task may or may not exist.* The request is saved; an admin can find "
            "it in the bot's log and store."
        )
        try:
            await respond(response_type="ephemeral", **message([], text))
        except Exception:
            log.exception("could not tell the user about the internal error")
