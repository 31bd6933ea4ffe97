"""`/record`: help, the form, list, stop, cancel, or schedule inline. Ack first; the slow part
runs after (bot.slack.answers)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

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
from bot.slack.i18n import Lang, Tr

log = logging.getLogger(__name__)


async def record(ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond,
                 services: Services) -> None:
    text = body.get("text", "")
    command = parse_command(text)
    actor = Actor.of_command(body)
    # The ack goes first, in the language known now: the text's, or the user's cached locale.
    now_lang = services.language_now(actor.user_id, text)
    if isinstance(command, ShowHelp):
        await ack(**_help(services, Tr.of(now_lang), command))
        return
    if isinstance(command, OpenForm):
        await ack()
        await open_form(services, client, actor, body.get("trigger_id", ""), respond, text)
        return
    tr = Tr.of(now_lang)
    if isinstance(command, ListRecordings):
        await ack(text=tr._(":mag: Looking up recordings…"))
        services.spawn(list_and_answer(services, actor, command.stream, 0, respond, text=text),
                       "list")
        return
    if isinstance(command, (StopTask, CancelTask)):
        verb = Verb.STOP if isinstance(command, StopTask) else Verb.CANCEL
        ack_text = (tr._(":hourglass_flowing_sand: Asking Tencent to stop {task_id}…",
                         task_id=code(command.task_id)) if verb is Verb.STOP else
                    tr._(":hourglass_flowing_sand: Asking Tencent to cancel {task_id}…",
                         task_id=code(command.task_id)))
        await ack(text=ack_text)
        services.spawn(manage_and_answer(services, client, verb, actor, respond,
                                         task_id=command.task_id, text=text), str(verb))
        return
    assert isinstance(command, Schedule)
    await ack(text=tr._(":hourglass_flowing_sand: Scheduling {stream}…",
                        stream=code(command.stream)))
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
        raw_text=text,
        source=Source.COMMAND,
        reply_to=body.get("response_url") or None,
        language=now_lang,
        pad=command.pad,
    )
    services.spawn(_schedule(services, client, request, respond), "schedule")


async def _schedule(services: Services, client: AsyncWebClient, request: RecordRequest,
                    respond: AsyncRespond) -> None:
    """Schedule in the language settled now that Slack may be asked for the locale."""
    lang = await services.language(request.user_id, request.when_text)
    await schedule_and_answer(services, client, replace(request, language=lang), respond)


def _help(services: Services, tr: Tr, command: ShowHelp) -> dict:
    today = services.schedule.clock().date()
    return help_message(tr, today, usage_problem_text(tr, command), services.push_domains,
                        services.app_name)


async def open_form(services: Services, client: AsyncWebClient, actor: Actor, trigger_id: str,
                    respond: AsyncRespond, text: str = "", lang: Lang | None = None,
                    initial: dict | None = None) -> None:
    """Open the scheduling form, in the language of the command that asked for it (or the
    user's). The trigger expires 3 s after the command: access, templates and the locale are
    looked up together."""
    refusal, templates, chosen = await asyncio.gather(
        services.gate.refusal(actor.team_id, actor.user_id, actor.channel_id, "open the form"),
        services.templates.get(wait=1.0),
        services.language(actor.user_id, text, budget=0.8) if lang is None else _given(lang),
    )
    tr = Tr.of(chosen)
    if refusal is not None:
        await respond(response_type="ephemeral", replace_original=False,
                      **refusal_message(tr, refusal))
        return
    form = record_form(tr, actor.channel_id, services.push_domains, services.app_name,
                       templates, initial)
    try:
        await client.views_open(trigger_id=trigger_id, view=form)
    except SlackApiError as e:
        log.warning("views.open failed: %s", e.response.get("error"))
        example = tr._("/record livetest tomorrow 8pm to 10pm")
        await respond(
            response_type="ephemeral",
            text=tr._("I could not open the form (Slack said {error}). Try `/record` again, or "
                      "type the request inline: {example}.",
                      error=code(str(e.response.get("error"))),
                      example=code(example)),
        )
        return
    # Look the zone up now so the form's submission can be checked without waiting.
    services.spawn(services.directory.zone_of(actor.user_id), "zone-prefetch")


async def _given(lang: Lang) -> Lang:
    return lang
