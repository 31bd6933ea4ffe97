"""The scheduling form's submission: field errors keep the form open; a good one closes it and
does what the inline command does, in the channel where the form was opened."""

from __future__ import annotations

import json
import logging

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.service import PlanError, RecordRequest
from bot.runtime import Runtime
from bot.slack.blocks import FORM_CALLBACK_ID
from bot.slack.deps import SlackDeps
from bot.slack.flow import plan_form, schedule_from_slack

log = logging.getLogger(__name__)

MAX_ERROR = 300


def _value(values: dict, block_id: str) -> str:
    element = values.get(block_id, {}).get("value", {})
    if element.get("type") in ("static_select", "radio_buttons"):
        return ((element.get("selected_option") or {}).get("value") or "").strip()
    return (element.get("value") or "").strip()


def read_form(view: dict, body: dict) -> RecordRequest:
    """The submitted form as a request; raises PlanError for a field that cannot be used."""
    values = view["state"]["values"]
    meta = json.loads(view.get("private_metadata") or "{}")
    template_raw = _value(values, "template")
    template_id = None
    if template_raw and template_raw != "default":
        if not template_raw.isdigit():
            raise PlanError("template", "The template id is a number from the CSS console, "
                                        "e.g. 12345 — or leave it empty for the default.")
        template_id = int(template_raw)
    when = _value(values, "when")
    return RecordRequest(
        team_id=(body.get("team") or {}).get("id", ""),
        channel_id=meta.get("channel_id", ""),
        user_id=body["user"]["id"],
        stream=_value(values, "stream"),
        when_text=when,
        domain=_value(values, "domain"),
        app=_value(values, "app") or "live",
        template_id=template_id,
        stream_type=1 if _value(values, "stream_type") == "1" else 0,
        raw_text=when,
        source="modal",
    )


def register(app: AsyncApp, rt: Runtime, deps: SlackDeps) -> None:
    @app.view(FORM_CALLBACK_ID)
    async def submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
        try:
            request = read_form(view, body)
            plan = await plan_form(rt, deps, request)
        except PlanError as e:
            await ack(response_action="errors", errors={e.field: e.message[:MAX_ERROR]})
            return
        await ack()

        async def tell_user(**msg: object) -> None:
            # No response_url for a form: a direct message from the bot reaches the user.
            msg.pop("response_type", None)
            msg.pop("replace_original", None)
            await client.chat_postMessage(channel=request.user_id, **msg)

        work = schedule_from_slack(rt, deps, client, request, tell_user, plan)
        rt.work.spawn(work, name="schedule")

