"""Shows a recording in Slack: a root message in the channel, replies in its thread. Implements
the use cases' ``Notifier`` port.

When the bot may not post in the channel (private channel, DM), what the requester must see
goes to the command's response_url instead (``respond``), with how to invite the bot; without
one, a direct message reaches them. Nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.events import Notice
from bot.recording.model import Managed, Outcome, Plan, Reconciled, Recording
from bot.recording.ports import ThreadMessage
from bot.slack.blocks.notices import notice_message
from bot.slack.blocks.outcome import (
    managed_message,
    managed_note,
    outcome_message,
    reconciled_message,
)
from bot.slack.blocks.root import RootView, root_message

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[object]]

NOT_A_MEMBER = ("not_in_channel", "channel_not_found", "is_archived", "restricted_action")


class SlackNotifier:
    """``channel`` and ``respond`` are those of the request being answered, if any."""

    def __init__(self, client: AsyncWebClient, channel_id: str | None = None,
                 respond: Respond | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._client = client
        self._clock = clock
        self._channel = channel_id
        self._respond = respond
        self._fallback_reason: str | None = None
        self._announced: Plan | None = None

    async def announce(self, plan: Plan) -> str | None:
        self._announced = plan
        msg = root_message(RootView.from_plan(plan), self._clock())
        channel = self._channel or plan.request.channel_id
        try:
            resp = await self._client.chat_postMessage(channel=channel, **msg)
            return str(resp["ts"])
        except SlackApiError as e:
            error = str(e.response.get("error"))
            log.warning("chat.postMessage failed in %s: %s", channel, error)
            self._fallback_reason = error
            await self._private(msg, plan.request.user_id, first=True)
            return None

    async def reply(self, recording: Recording, message: ThreadMessage) -> None:
        msg, note = self._render(recording, message)
        if isinstance(message, Outcome):  # the answer first, then the root shows the state
            await self._post(recording, msg)
            await self._refresh(recording)
            return
        if note is not None:
            await self._refresh(recording, note)
        await self._post(recording, msg)

    async def refresh(self, recording: Recording) -> None:
        await self._refresh(recording)

    async def _post(self, recording: Recording, msg: dict) -> None:
        if recording.root_ts:
            try:
                await self._client.chat_postMessage(channel=recording.channel_id,
                                                    thread_ts=recording.root_ts, **msg)
                return
            except SlackApiError as e:
                log.warning("reply about recording %s failed: %s", recording.id,
                            e.response.get("error"))
        await self._private(msg, recording.requester_id)

    async def _refresh(self, recording: Recording, note: str | None = None) -> None:
        """Show the recording's current state on its root message (best effort: the thread
        has it)."""
        if not recording.root_ts:
            return
        plan = self._announced
        if plan is not None and note is None:  # as announced, with the state it has now
            view = RootView.from_plan(plan, state=recording.state, task_id=recording.task_id,
                                      recording_id=recording.id)
        else:
            view = RootView.from_row(recording, note)
        try:
            await self._client.chat_update(channel=recording.channel_id, ts=recording.root_ts,
                                           **root_message(view, self._clock()))
        except SlackApiError as e:
            log.warning("chat.update of %s failed: %s", recording.root_ts,
                        e.response.get("error"))

    @staticmethod
    def _render(recording: Recording, message: ThreadMessage) -> tuple[dict, str | None]:
        """The reply, and the note for the root when the reply changes the state."""
        if isinstance(message, Outcome):
            return outcome_message(recording, message), None
        if isinstance(message, Reconciled):
            return reconciled_message(message.found_task_id), "checked with Tencent"
        if isinstance(message, Managed):
            return managed_message(message, recording.timezone), managed_note(message)
        notice: Notice = message
        return notice_message(recording, notice), None

    async def _private(self, msg: dict, user_id: str, first: bool = False) -> None:
        """To the requester alone: the response_url when there is one, else a DM."""
        if first and self._fallback_reason in NOT_A_MEMBER:
            note = (
                ":information_source: I can't post in this channel "
                f"(`{self._fallback_reason}`). Invite me with `/invite @recordbot` to get the "
                "root message and thread here; until then I answer only to you."
            )
            msg = {**msg, "text": note + "\n" + msg["text"],
                   "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": note}},
                              *msg["blocks"]]}
        try:
            if self._respond is not None:
                await self._respond(response_type="ephemeral", replace_original=False, **msg)
            else:
                await self._client.chat_postMessage(channel=user_id, **msg)
        except Exception as e:
            log.error("could not reach %s privately either (%s); the outcome is only in the "
                      "store", user_id, type(e).__name__)
