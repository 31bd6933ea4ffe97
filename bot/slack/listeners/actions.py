"""Buttons: Stop recording / Cancel on the root message (behind confirm dialogs), and paging
through `/record list`."""

from __future__ import annotations

import json

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.rules import WindowRuleError, check_window
from bot.runtime import Runtime
from bot.slack.blocks import (
    CANCEL_ACTION,
    LIST_MORE_ACTION,
    OVERLAP_CONFIRM_ACTION,
    STOP_ACTION,
    plan_from_value,
)
from bot.slack.deps import SlackDeps
from bot.slack.flow import list_for_user, manage_from_slack, schedule_from_slack


def register(app: AsyncApp, rt: Runtime, deps: SlackDeps) -> None:
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
        channel_id = (body.get("channel") or {}).get("id", "")
        rt.work.spawn(manage_from_slack(rt, deps, client, verb, team_id, body["user"]["id"],
                                        channel_id, respond, recording_id=recording_id),
                      name=verb)

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
        channel_id = (body.get("channel") or {}).get("id", "")
        rt.work.spawn(list_for_user(rt, deps, team_id, body["user"]["id"], channel_id, stream,
                                    page, respond, replace=True), name="list")

    @app.action(OVERLAP_CONFIRM_ACTION)
    async def schedule_anyway(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                              respond: AsyncRespond) -> None:
        await ack()
        try:
            plan = plan_from_value(action.get("value") or "")
        except (ValueError, KeyError, TypeError):
            await respond(response_type="ephemeral", replace_original=True,
                          text=":warning: That button is out of date; send `/record` again.")
            return
        if plan.request.user_id != body["user"]["id"]:
            await respond(response_type="ephemeral", replace_original=False,
                          text=":no_entry: Only the person who asked can confirm this.")
            return
        try:
            check_window(plan.start, plan.end, rt.service.clock())
        except WindowRuleError as e:
            await respond(response_type="ephemeral", replace_original=True,
                          text=f":warning: {e.message} Nothing was scheduled.")
            return
        await respond(response_type="ephemeral", replace_original=True,
                      text=":hourglass_flowing_sand: Scheduling it alongside the others…")
        rt.work.spawn(schedule_from_slack(rt, deps, client, plan.request, respond, plan,
                                          overlap_confirmed=True), name="schedule")
