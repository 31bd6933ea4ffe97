"""Buttons: Stop recording / Cancel on the root message (behind confirm dialogs), and paging
through `/record list`."""

from __future__ import annotations

import json

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.slack.blocks import CANCEL_ACTION, LIST_MORE_ACTION, STOP_ACTION
from bot.slack.flow import list_for_user, manage_from_slack
from bot.slack.zones import UserZones


def register(app: AsyncApp, rt: Runtime, zones: UserZones) -> None:
    async def manage(verb: str, ack: AsyncAck, body: dict, action: dict,
                     client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        try:
            recording_id = int(action.get("value", ""))
        except ValueError:
            await respond(response_type="ephemeral", replace_original=False,
                          text=":warning: That button is out of date; use `/record list`.")
            return
        team_id = (body.get("team") or {}).get("id", "")
        rt.work.spawn(manage_from_slack(rt, client, verb, team_id, body["user"]["id"], respond,
                                        recording_id=recording_id), name=verb)

    @app.action(STOP_ACTION)
    async def stop(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                   respond: AsyncRespond) -> None:
        await manage("stop", ack, body, action, client, respond)

    @app.action(CANCEL_ACTION)
    async def cancel(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                     respond: AsyncRespond) -> None:
        await manage("cancel", ack, body, action, client, respond)

    @app.action(LIST_MORE_ACTION)
    async def more(ack: AsyncAck, body: dict, action: dict, respond: AsyncRespond) -> None:
        await ack()
        try:
            wanted = json.loads(action.get("value") or "{}")
            stream, page = wanted.get("stream"), int(wanted.get("page", 0))
        except (ValueError, AttributeError):
            stream, page = None, 0
        team_id = (body.get("team") or {}).get("id", "")
        rt.work.spawn(list_for_user(rt, zones, team_id, body["user"]["id"], stream, page,
                                    respond, replace=True), name="list")
