"""Shows a recording in Slack: a root message in the channel, replies in its thread.

When the bot may not post in the channel (private channel, DM), everything goes to the
command's response_url instead, with how to invite the bot — nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.service import Outcome, Plan
from bot.slack.blocks import RootView, duplicate_message, outcome_message, root_message
from bot.store import Recording

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[object]]

NOT_A_MEMBER = ("not_in_channel", "channel_not_found", "is_archived", "restricted_action")


class SlackPresenter:
    def __init__(self, client: AsyncWebClient, channel_id: str, respond: Respond | None) -> None:
        self._client = client
        self._channel = channel_id
        self._respond = respond
        self._fallback_reason: str | None = None

    async def show_request(self, plan: Plan) -> str | None:
        msg = root_message(RootView.from_plan(plan))
        try:
            resp = await self._client.chat_postMessage(channel=self._channel, **msg)
            return str(resp["ts"])
        except SlackApiError as e:
            error = str(e.response.get("error"))
            log.warning("chat.postMessage failed in %s: %s", self._channel, error)
            self._fallback_reason = error
            await self._private(msg, first=True)
            return None

    async def show_outcome(
        self, plan: Plan, root: str | None, outcome: Outcome, recording_id: int
    ) -> None:
        msg = outcome_message(plan, outcome)
        if root:
            try:
                await self._client.chat_postMessage(channel=self._channel, thread_ts=root, **msg)
            except SlackApiError as e:
                log.warning("thread reply failed in %s: %s", self._channel, e.response.get("error"))
                await self._private(msg)
            view = RootView.from_plan(plan, state=outcome.state.value, task_id=outcome.task_id,
                                      recording_id=recording_id)
            await update_root(self._client, self._channel, root, view)
            return
        await self._private(msg)

    async def show_duplicate(self, plan: Plan, first: Recording) -> None:
        link = None
        if first.root_ts:
            try:
                resp = await self._client.chat_getPermalink(channel=first.channel_id,
                                                            message_ts=first.root_ts)
                link = resp.get("permalink")
            except SlackApiError as e:
                log.info("no permalink for %s: %s", first.root_ts, e.response.get("error"))
        await self._private(duplicate_message(first, link))

    async def _private(self, msg: dict, first: bool = False) -> None:
        if self._respond is None:
            log.error("no way to reach the user in %s; the outcome is only in the store",
                      self._channel)
            return
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
            await self._respond(response_type="ephemeral", replace_original=False, **msg)
        except Exception as e:
            log.error("response_url post failed: %s", type(e).__name__)


async def update_root(client: AsyncWebClient, channel: str, ts: str, view: RootView) -> None:
    """Show the recording's current state on its root message (best effort: the thread has it)."""
    try:
        await client.chat_update(channel=channel, ts=ts, **root_message(view))
    except SlackApiError as e:
        log.warning("chat.update of %s failed: %s", ts, e.response.get("error"))


class RecordingNotifier:
    """Posts about a stored recording: in its thread, or to its requester when it has none."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def refresh_root(self, row: Recording, note: str | None = None) -> None:
        if row.root_ts:
            await update_root(self._client, row.channel_id, row.root_ts,
                              RootView.from_row(row, note))

    async def reply(self, row: Recording, msg: dict) -> None:
        target = {"channel": row.channel_id, "thread_ts": row.root_ts} if row.root_ts else {
            "channel": row.requester_id}
        try:
            await self._client.chat_postMessage(**target, **msg)
        except SlackApiError as e:
            log.warning("reply about recording %s failed: %s", row.id, e.response.get("error"))
            if row.root_ts:  # the thread is unreachable: tell the requester directly
                await self._client.chat_postMessage(channel=row.requester_id, **msg)
