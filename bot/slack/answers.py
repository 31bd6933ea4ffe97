"""The part of a Slack request that runs after its ack: call the use case, then answer with what
it returned. Shared by the command, the form and the buttons.

Every path answers the person: the result, or — when the bot itself fails — what may or may not
have happened. Nothing here decides anything about a recording; bot.recording does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.access import AccessGate, Refused
from bot.recording.home import ControlRoom
from bot.recording.intake import Intake
from bot.recording.manage import Done, ManageRecordings, SeriesDone, Skipped
from bot.recording.model import Plan, RecordRequest, Verb
from bot.recording.ports import NO_METRICS, Metrics
from bot.recording.schedule import (
    Confirm,
    Duplicate,
    Invalid,
    NeedsConfirmation,
    Overlapping,
    ScheduleFailed,
    ScheduleRecording,
)
from bot.recording.templates import TemplateCatalog
from bot.slack.blocks.listing import list_message
from bot.slack.blocks.outcome import (
    duplicate_message,
    long_overnight_message,
    managed_message,
    overlap_message,
)
from bot.slack.blocks.problems import (
    internal_error_message,
    list_failed_message,
    manage_problem_message,
    plan_problem_message,
    refusal_message,
    series_problem_message,
)
from bot.slack.blocks.series import occurrence_only_note, window_managed_message
from bot.slack.blocks.text import context
from bot.slack.context import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.i18n import Lang, Tr, choose_language

#: How long an answer waits for Slack to say a user's locale before using the default.
LOCALE_BUDGET = 1.0

Respond = Callable[..., Awaitable[object]]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What the listeners call: the use cases, the request defaults, and how to run the work
    that follows an ack."""

    schedule: ScheduleRecording
    manage: ManageRecordings
    templates: TemplateCatalog
    gate: AccessGate
    intake: Intake
    directory: SlackDirectory
    push_domains: tuple[str, ...]
    app_name: str
    spawn: Callable[[Coroutine[Any, Any, Any], str], object]
    default_language: Lang = Lang.EN
    metrics: Metrics = NO_METRICS
    home: ControlRoom | None = None  # App Home's overview

    @property
    def default_push_domain(self) -> str:
        return self.push_domains[0] if self.push_domains else ""

    def language_now(self, user_id: str, text: str | None = None) -> Lang:
        """The language to answer in without asking Slack (for an ack): the text's, or the
        user's locale if known already, or the default."""
        return choose_language(text, self.directory.cached_locale(user_id),
                               self.default_language)

    async def language(self, user_id: str, text: str | None = None,
                       budget: float = LOCALE_BUDGET) -> Lang:
        """The language to answer ``user_id`` in: the text's when it is clear (Chinese in the
        script their locale prefers), else their Slack locale, else DEFAULT_LANGUAGE."""
        try:
            locale = await asyncio.wait_for(self.directory.locale_of(user_id), budget)
        except TimeoutError:
            locale = None
        return choose_language(text, locale, self.default_language)


async def schedule_and_answer(services: Services, client: AsyncWebClient,
                              request: RecordRequest, respond: Respond,
                              plan: Plan | None = None,
                              confirmed: frozenset[Confirm] = frozenset()) -> None:
    tr = Tr.of(request.language)
    try:
        result = await services.schedule.run(request, plan=plan, confirmed=confirmed)
        if isinstance(result, Refused):
            await respond(response_type="ephemeral", replace_original=False,
                          **refusal_message(tr, result.refusal))
        elif isinstance(result, Invalid):
            await respond(response_type="ephemeral", **plan_problem_message(tr, result.error))
        elif isinstance(result, Duplicate):
            link = await _permalink(client, result.first.channel_id, result.first.root_ts)
            await respond(response_type="ephemeral", replace_original=False,
                          **duplicate_message(tr, result.first, link))
        elif isinstance(result, NeedsConfirmation):
            await respond(response_type="ephemeral", replace_original=bool(confirmed),
                          **long_overnight_message(result.plan, confirmed))
        elif isinstance(result, Overlapping):
            await respond(response_type="ephemeral",
                          replace_original=bool(confirmed) and (result.refused or
                                                                Confirm.OVERLAP not in confirmed),
                          **overlap_message(result.plan, result.tasks, refuse=result.refused,
                                            confirmed=confirmed))
        # Scheduled, SeriesStarted: the root message and its thread have said it all.
    except Exception as e:
        log.exception("scheduling %s failed inside the bot", request.stream)
        asked = e.tencent_asked if isinstance(e, ScheduleFailed) else True
        try:
            await respond(response_type="ephemeral",
                          **internal_error_message(tr, tencent_called=asked))
        except Exception:
            log.exception("could not tell the user about the internal error")


async def _permalink(client: AsyncWebClient, channel: str, ts: str | None) -> str | None:
    if not ts:
        return None
    try:
        resp = await client.chat_getPermalink(channel=channel, message_ts=ts)
        return resp.get("permalink")
    except SlackApiError as e:
        log.info("no permalink for %s: %s", ts, e.response.get("error"))
        return None


async def series_and_answer(services: Services, actor: Actor, respond: Respond,
                            series_id: int, occurrence: int | None = None) -> None:
    """Cancel a whole series (or long window), or skip one occurrence; what changed goes to
    its thread, a refusal to the actor only."""
    tr = Tr.of(await services.language(actor.user_id))
    try:
        if occurrence is None:
            result = await services.manage.cancel_series(
                series_id, user_id=actor.user_id, team_id=actor.team_id,
                channel_id=actor.channel_id)
        else:
            result = await services.manage.skip_occurrence(
                series_id, occurrence, user_id=actor.user_id, team_id=actor.team_id,
                channel_id=actor.channel_id)
    except Exception:
        log.exception("cancelling series %s failed inside the bot", series_id)
        await respond(response_type="ephemeral", replace_original=False,
                      **internal_error_message(tr, Verb.CANCEL))
        return
    if isinstance(result, Refused):
        await respond(response_type="ephemeral", replace_original=False,
                      **refusal_message(tr, result.refusal))
    elif not isinstance(result, SeriesDone | Skipped):
        await respond(response_type="ephemeral", replace_original=False,
                      **series_problem_message(tr, result))


async def list_and_answer(services: Services, actor: Actor, stream: str | None, page: int,
                          respond: Respond, replace: bool = False,
                          text: str | None = None) -> None:
    """`/record list [stream]`, answered only to the person who asked, in their language."""
    tr = Tr.of(await services.language(actor.user_id, text))
    try:
        listing = await services.manage.list(actor.team_id, actor.user_id, actor.channel_id,
                                             stream)
        if isinstance(listing, Refused):
            msg = refusal_message(tr, listing.refusal)
            replace = False
        else:
            zone = await services.directory.zone_of(actor.user_id)
            msg = list_message(tr, listing, zone.name, stream, page)
    except Exception:
        log.exception("listing recordings failed")
        msg = list_failed_message(tr)
    await respond(response_type="ephemeral", replace_original=replace, **msg)


async def manage_and_answer(services: Services, client: AsyncWebClient, verb: Verb,
                            actor: Actor, respond: Respond, task_id: str | None = None,
                            recording_id: int | None = None, text: str | None = None) -> None:
    """Stop or cancel; refusals go to the actor only, in their language; a change to the
    recording's thread, in the language of its request (and, typed as a command, maybe
    elsewhere, to the actor too)."""
    tr = Tr.of(await services.language(actor.user_id, text))
    try:
        result = await services.manage.act(
            verb, user_id=actor.user_id, team_id=actor.team_id,
            channel_id=actor.channel_id, task_id=task_id, recording_id=recording_id)
    except Exception:
        log.exception("%s failed inside the bot", verb)
        await respond(response_type="ephemeral", replace_original=False,
                      **internal_error_message(tr, verb))
        return
    if isinstance(result, Refused):
        await respond(response_type="ephemeral", replace_original=False,
                      **refusal_message(tr, result.refusal))
        return
    if isinstance(result, SeriesDone):  # a part of a long window: the whole window
        if task_id:  # typed: say so (a button's thread says it)
            await respond(response_type="ephemeral", replace_original=False,
                          **window_managed_message(tr, verb, task_id, result.summary))
        return
    if not isinstance(result, Done):
        await respond(response_type="ephemeral", replace_original=False,
                      **manage_problem_message(tr, result))
        return
    if result.recording is None or task_id:
        zone = result.recording.timezone if result.recording else "UTC"
        msg = managed_message(tr, result.managed, zone)
        if result.series is not None:  # one occurrence of a repeat: the rest goes on
            root = await _permalink(client, result.series.channel_id, result.series.root_ts)
            note = occurrence_only_note(tr, result.series, root)
            msg = {**msg, "blocks": [*msg["blocks"], context(note).to_dict()],
                   "text": f"{msg['text']}\n{note}"}
        await respond(response_type="ephemeral", replace_original=False, **msg)

