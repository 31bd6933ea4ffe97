"""The scheduling form's submission: field errors keep the form open; a good one closes it and
does what the inline command does, in the channel where the form was opened."""

from __future__ import annotations

import json
import logging

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.model import RecordRequest, Source, StreamType
from bot.recording.plan import Field, PlanError, Problem
from bot.slack.answers import Services, schedule_and_answer
from bot.slack.blocks.form import REPEAT_WORDS
from bot.slack.blocks.problems import plan_problem_text
from bot.slack.context import Actor
from bot.slack.i18n import Lang, Tr, choose_language, written_in

log = logging.getLogger(__name__)

MAX_ERROR = 300  # Slack shows at most this much under a field

# A form submission is answered in its ack (field errors), within Slack's 3 s: bound the
# lookups that may go to Slack.
ZONE_LOOKUP_BUDGET = 1.5
ACCESS_CHECK_BUDGET = 1.0  # usergroups.users.list, when not cached


def _value(values: dict, block_id: str) -> str:
    element = values.get(block_id, {}).get("value", {})
    if element.get("type") == "conversations_select":
        return (element.get("selected_conversation") or "").strip()
    if element.get("type") in ("static_select", "radio_buttons"):
        return ((element.get("selected_option") or {}).get("value") or "").strip()
    if element.get("type") == "datepicker":
        return (element.get("selected_date") or "").strip()
    return (element.get("value") or "").strip()


class StaleForm(ValueError):
    """The form's hidden metadata is not what this bot puts there: an old or forged form."""


def _metadata(raw: object) -> dict:
    try:
        meta = json.loads(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("channel_id"), str) \
            or not (meta["channel_id"] or meta.get("pick") is True):
        raise StaleForm(str(raw)[:80])
    return meta


def _form_language(meta: dict, when: str, locale: str | None, default: Lang) -> Lang:
    """The phrase's language when it is clear; otherwise the form's own (it was opened in the
    language of its command, or of its user)."""
    if written_in(when) is not None:
        return choose_language(when, locale, default)
    try:
        return Lang(meta.get("lang"))
    except ValueError:
        return choose_language(None, locale, default)


def read_form(view: dict, body: dict, locale: str | None = None,
              default: Lang = Lang.EN) -> tuple[RecordRequest, tuple[PlanError, ...]]:
    """The submitted form as a request, and the problems of fields it could not read."""
    values = view["state"]["values"]
    meta = _metadata(view.get("private_metadata"))
    template_raw = _value(values, "template")
    template_id = None
    problems: tuple[PlanError, ...] = ()
    if template_raw and template_raw != "default":
        if template_raw.isascii() and template_raw.isdigit():
            template_id = int(template_raw)
        else:
            problems = (PlanError(Field.TEMPLATE, Problem.TEMPLATE_NOT_A_NUMBER, template_raw),)
    when = _value(values, "when")
    channel = meta["channel_id"] or _value(values, "channel")  # picked in the form
    if not channel:
        raise StaleForm("no channel")
    actor = Actor.of_interaction(body, channel_id=channel)
    repeat = None
    rule = REPEAT_WORDS.get(_value(values, "repeat"))
    if rule is not None:  # "every day|until 2026-12-31": the words around When (RecordRequest)
        until, count = _value(values, "repeat_until"), _value(values, "repeat_count")
        end = " ".join(w for w in (f"until {until}" if until else "",
                                   f"{count} times" if count else "") if w)
        repeat = f"{rule}|{end}"
    return RecordRequest(
        team_id=actor.team_id,
        channel_id=actor.channel_id,
        user_id=actor.user_id,
        stream=_value(values, "stream"),
        when_text=when,
        domain=_value(values, "domain"),
        app=_value(values, "app") or "live",
        template_id=template_id,
        stream_type=StreamType.MIXED if _value(values, "stream_type") == "1"
        else StreamType.LIVE_PUSH,
        raw_text=when,
        source=Source.MODAL,
        language=_form_language(meta, when, locale, default),
        repeat=repeat,
    ), problems


def _field_error(text: str) -> str:
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


async def submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient,
                 services: Services) -> None:
    user_id = (body.get("user") or {}).get("id", "")
    locale = services.directory.cached_locale(user_id)
    try:
        request, problems = read_form(view, body, locale, services.default_language)
    except StaleForm as e:
        log.info("stale form submitted: %s", e)
        tr = Tr.of(services.language_now(user_id))
        await ack(response_action="errors",
                  errors={"stream": tr._("This form is out of date. Close it and open a new "
                                         "one with `/record`; nothing was scheduled.")})
        return
    tr = Tr.of(request.language)
    try:
        plan = await services.schedule.check(request, problems=problems,
                                             access_budget=ACCESS_CHECK_BUDGET,
                                             zone_budget=ZONE_LOOKUP_BUDGET)
    except PlanError as e:  # every field at fault at once, each under its field
        await ack(response_action="errors",
                  errors={p.field.value: _field_error(plan_problem_text(tr, p)) for p in e.all})
        return
    await ack()

    async def tell_user(**msg: object) -> None:
        # No response_url for a form: a direct message from the bot reaches the user.
        msg.pop("response_type", None)
        msg.pop("replace_original", None)
        await client.chat_postMessage(channel=request.user_id, **msg)

    services.spawn(schedule_and_answer(services, client, request, tell_user, plan), "schedule")
