"""`/record`: help, the form, or schedule inline. Ack first; the slow part runs after."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.command import (
    CancelTask,
    ListRecordings,
    OpenForm,
    Schedule,
    ShowHelp,
    StopTask,
    parse_command,
)
from bot.recording.service import RecordRequest
from bot.runtime import Runtime
from bot.slack.blocks import code, help_message, record_form
from bot.slack.deps import SlackDeps
from bot.slack.flow import allowed, list_for_user, manage_from_slack, schedule_from_slack

log = logging.getLogger(__name__)


def register(app: AsyncApp, rt: Runtime, deps: SlackDeps) -> None:
    settings = rt.settings

    @app.command("/record")
    async def record(ack: AsyncAck, body: dict, client: AsyncWebClient,
                     respond: AsyncRespond) -> None:
        command = parse_command(body.get("text", ""))
        if isinstance(command, ShowHelp):
            await ack(**help_message(command.reason, settings.push_domains, settings.app_name))
            return
        user_id, channel_id, team_id = body["user_id"], body["channel_id"], body.get("team_id", "")
        if isinstance(command, OpenForm):
            await ack()
            # The trigger expires 3 s after the command: look access and templates up together.
            access, templates = await asyncio.gather(
                allowed(rt, deps, team_id, user_id, channel_id, "open the form", respond),
                rt.templates.get(wait=1.0),
            )
            if not access:
                return
            form = record_form(body["channel_id"], settings.push_domains, settings.app_name,
                               templates)
            try:
                await client.views_open(trigger_id=body["trigger_id"], view=form)
            except SlackApiError as e:
                log.warning("views.open failed: %s", e.response.get("error"))
                await respond(
                    response_type="ephemeral",
                    text="I could not open the form (Slack said "
                    f"`{e.response.get('error')}`). Try `/record` again, or type the request "
                    "inline: `/record livetest tomorrow 8pm to 10pm`.",
                )
                return
            # Look the zone up now so the form's submission can be checked without waiting.
            rt.work.spawn(deps.zones.zone_for(user_id), name="zone-prefetch")
            return

        if isinstance(command, ListRecordings):
            await ack(text=":mag: Looking up recordings…")
            rt.work.spawn(list_for_user(rt, deps, team_id, user_id, channel_id, command.stream,
                                        0, respond), name="list")
            return
        if isinstance(command, (StopTask, CancelTask)):
            verb = "stop" if isinstance(command, StopTask) else "cancel"
            await ack(text=f":hourglass_flowing_sand: Asking Tencent to {verb} "
                           f"{code(command.task_id)}…")
            rt.work.spawn(manage_from_slack(rt, deps, client, verb, team_id, user_id, channel_id,
                                            respond, task_id=command.task_id), name=verb)
            return

        assert isinstance(command, Schedule)
        await ack(text=f":hourglass_flowing_sand: Scheduling {code(command.stream)}…")
        request = RecordRequest(
            team_id=team_id,
            channel_id=channel_id,
            user_id=user_id,
            stream=command.stream,
            when_text=command.when_text,
            domain=command.domain or settings.default_push_domain,
            app=command.app or settings.app_name,
            template_id=command.template_id,
            stream_type=1 if command.mixed else 0,
            raw_text=body.get("text", ""),
            source="command",
        )
        rt.work.spawn(schedule_from_slack(rt, deps, client, request, respond), name="schedule")
