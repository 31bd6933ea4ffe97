"""`/record`: help, the form, list, stop, cancel, or schedule inline. Ack first; the slow part
runs after (bot.slack.answers)."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncAck, AsyncRespond
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
from bot.recording.model import RecordRequest, Source, StreamType, Verb
from bot.slack.answers import (
    Services,
    list_and_answer,
    manage_and_answer,
    schedule_and_answer,
)
from bot.slack.blocks.form import record_form
from bot.slack.blocks.help import help_message, usage_problem_text
from bot.slack.blocks.problems import refusal_message
from bot.slack.blocks.text import code
from bot.slack.context import Actor

log = logging.getLogger(__name__)


async def record(ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond,
                 services: Services) -> None:
    command = parse_command(body.get("text", ""))
    if isinstance(command, ShowHelp):
        today = services.schedule.clock().date()
        await ack(**help_message(today, usage_problem_text(command), services.push_domains,
                                 services.app_name))
        return
    actor = Actor.of_command(body)
    if isinstance(command, OpenForm):
        await ack()
        await open_form(services, client, actor, body.get("trigger_id", ""), respond)
        return
    if isinstance(command, ListRecordings):
        await ack(text=":mag: Looking up recordings…")
        services.spawn(list_and_answer(services, actor, command.stream, 0, respond), "list")
        return
    if isinstance(command, (StopTask, CancelTask)):
        verb = Verb.STOP if isinstance(command, StopTask) else Verb.CANCEL
        await ack(text=f":hourglass_flowing_sand: Asking Tencent to {verb} "
                       f"{code(command.task_id)}…")
        services.spawn(manage_and_answer(services, client, verb, actor, respond,
                                         task_id=command.task_id), str(verb))
        return
    assert isinstance(command, Schedule)
    await ack(text=f":hourglass_flowing_sand: Scheduling {code(command.stream)}…")
    request = RecordRequest(
        team_id=actor.team_id,
        channel_id=actor.channel_id,
        user_id=actor.user_id,
        stream=command.stream,
        when_text=command.when_text,
        domain=command.domain or services.default_push_domain,
        app=command.app or services.app_name,
        template_id=command.template_id,
        stream_type=StreamType.MIXED if command.mixed else StreamType.LIVE_PUSH,
        raw_text=body.get("text", ""),
        source=Source.COMMAND,
        reply_to=body.get("response_url") or None,
    )
    services.spawn(schedule_and_answer(services, client, request, respond), "schedule")


async def open_form(services: Services, client: AsyncWebClient, actor: Actor, trigger_id: str,
                    respond: AsyncRespond) -> None:
    # The trigger expires 3 s after the command: look access and templates up together.
    refusal, templates = await asyncio.gather(
        services.gate.refusal(actor.team_id, actor.user_id, actor.channel_id, "open the form"),
        services.templates.get(wait=1.0),
    )
    if refusal is not None:
        await respond(response_type="ephemeral", replace_original=False,
                      **refusal_message(refusal))
        return
    form = record_form(actor.channel_id, services.push_domains, services.app_name, templates)
    try:
        await client.views_open(trigger_id=trigger_id, view=form)
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
    services.spawn(services.directory.zone_of(actor.user_id), "zone-prefetch")
