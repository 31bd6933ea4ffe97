"""Buttons: Stop recording / Cancel on the root message (behind confirm dialogs), paging
through `/record list`, and "Schedule anyway" when tasks overlap."""

from __future__ import annotations

from dataclasses import replace

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.model import Verb
from bot.recording.rules import WindowRuleError, check_not_over
from bot.slack.answers import (
    Services,
    list_and_answer,
    manage_and_answer,
    schedule_and_answer,
    series_and_answer,
)
from bot.slack.blocks.problems import window_rule_text
from bot.slack.blocks.values import (
    StaleValue,
    page_from_value,
    plan_from_value,
    recording_from_value,
    skip_from_value,
)
from bot.slack.context import Actor
from bot.slack.i18n import Tr
from bot.slack.listeners.home import direct, publish_home


def _from_home(body: dict) -> bool:
    view = body.get("view")
    return isinstance(view, dict) and view.get("type") == "home"


async def _manage(verb: Verb, ack: AsyncAck, body: dict, action: dict,
                  client: AsyncWebClient, respond: AsyncRespond, services: Services) -> None:
    await ack()
    if _from_home(body):  # no response_url there: answer by DM, then show the Home anew
        await _manage_from_home(verb, body, action, client, services)
        return
    try:
        recording_id = recording_from_value(action.get("value"))
    except StaleValue:
        tr = Tr.of(await services.language(Actor.of_interaction(body).user_id))
        await respond(response_type="ephemeral", replace_original=False,
                      text=tr._(":warning: That button is out of date; use `/record list`."))
        return
    services.spawn(manage_and_answer(services, client, verb, Actor.of_interaction(body),
                                     respond, recording_id=recording_id), str(verb))


async def _manage_from_home(verb: Verb, body: dict, action: dict, client: AsyncWebClient,
                            services: Services) -> None:
    actor = Actor.of_interaction(body)
    tell = direct(client, actor.user_id)
    try:
        recording_id = recording_from_value(action.get("value"))
    except StaleValue:
        tr = Tr.of(await services.language(actor.user_id))
        await tell(text=tr._(":warning: That button is out of date; use `/record list`."))
        return
    rec = await services.manage.store.get(recording_id)
    # The act is the root message's; its channel is the recording's (for channel rules).
    actor = Actor(actor.team_id, actor.user_id, rec.channel_id if rec else "")

    async def act_then_refresh() -> None:
        try:
            await manage_and_answer(services, client, verb, actor, tell,
                                    recording_id=recording_id)
        finally:  # the Home tab shows the state now, even when the answer could not be sent
            await publish_home(services, client, actor.user_id, actor.team_id)

    services.spawn(act_then_refresh(), str(verb))


async def stop(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
               respond: AsyncRespond, services: Services) -> None:
    await _manage(Verb.STOP, ack, body, action, client, respond, services)


async def cancel(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                 respond: AsyncRespond, services: Services) -> None:
    await _manage(Verb.CANCEL, ack, body, action, client, respond, services)


async def cancel_series(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                        respond: AsyncRespond, services: Services) -> None:
    """Cancel series (or Stop / Cancel on a long window): the whole of it. From App Home (no
    response_url there) a refusal comes by DM, and the Home tab is shown anew."""
    await ack()
    try:
        series_id = recording_from_value(action.get("value"))
    except StaleValue:
        series_id = 0  # no such series: answered as such
    actor = Actor.of_interaction(body)
    if not _from_home(body):
        services.spawn(series_and_answer(services, actor, respond, series_id), "cancel-series")
        return
    series = await services.manage.store.get_series(series_id) if series_id else None
    # The act is the series root's; its channel is the series' (for channel rules).
    actor = Actor(actor.team_id, actor.user_id, series.channel_id if series else "")

    async def cancel_then_refresh() -> None:
        try:
            await series_and_answer(services, actor, direct(client, actor.user_id), series_id)
        finally:  # the Home tab shows the state now, even when the answer could not be sent
            await publish_home(services, client, actor.user_id, actor.team_id)

    services.spawn(cancel_then_refresh(), "cancel-series")


async def skip_occurrence(ack: AsyncAck, body: dict, action: dict, respond: AsyncRespond,
                          services: Services) -> None:
    await ack()
    try:
        series_id, occurrence = skip_from_value(action.get("value"))
    except StaleValue:
        series_id, occurrence = 0, 0
    services.spawn(series_and_answer(services, Actor.of_interaction(body), respond, series_id,
                                     occurrence), "skip")


async def next_page(ack: AsyncAck, body: dict, action: dict, respond: AsyncRespond,
                    services: Services) -> None:
    await ack()
    stream, page = page_from_value(action.get("value"))
    services.spawn(list_and_answer(services, Actor.of_interaction(body), stream, page, respond,
                                   replace=True), "list")


async def schedule_anyway(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                          respond: AsyncRespond, services: Services) -> None:
    """ "Schedule anyway" (tasks overlap) or "Record 22 h" (a long overnight window): the plan
    the button carries, with what its requester has confirmed so far."""
    await ack()
    try:
        plan, confirmed = plan_from_value(action.get("value"))
    except StaleValue:
        tr = Tr.of(await services.language(Actor.of_interaction(body).user_id))
        await respond(response_type="ephemeral", replace_original=True,
                      text=tr._(":warning: That button is out of date; send `/record` again."))
        return
    presser = Actor.of_interaction(body).user_id
    if plan.request.user_id != presser:
        tr = Tr.of(await services.language(presser))
        await respond(response_type="ephemeral", replace_original=False,
                      text=tr._(":no_entry: Only the person who asked can confirm this."))
        return
    tr = Tr.of(plan.request.language)
    try:
        check_not_over(plan.start, plan.end, services.schedule.clock())
    except WindowRuleError as e:
        await respond(response_type="ephemeral", replace_original=True,
                      text=tr._(":warning: {problem} Nothing was scheduled.",
                                problem=window_rule_text(tr, e)))
        return
    await respond(response_type="ephemeral", replace_original=True,
                  text=tr._(":hourglass_flowing_sand: Scheduling it…"))
    request = replace(plan.request, reply_to=body.get("response_url") or None)
    services.spawn(schedule_and_answer(services, client, request, respond,
                                       replace(plan, request=request), confirmed), "schedule")
