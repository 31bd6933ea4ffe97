"""The outbox's Slack side: how one stored post about a recording reaches Slack — its root
message, a reply in its thread, its root brought up to date. Implements the outbox's
``Sender`` port (bot.recording.outbox decides when, how often and in what order).

Rate limits, server errors and dropped connections are retried by the Web client first
(bot.slack.app.build_client); what still fails now is ``TryLater``. When the bot may not post in
the channel (private channel, DM), what the requester must see goes to the command's
response_url instead, while it is valid, with how to invite the bot; otherwise a direct message
reaches them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.recording.events import Notice
from bot.recording.model import (
    Managed,
    Outcome,
    Pending,
    PostKind,
    Reconciled,
    Recording,
    SeriesCancelled,
)
from bot.recording.outbox import TryLater
from bot.recording.ports import Store
from bot.recording.report import CompletenessReport, Digest, RecordingWarning
from bot.recording.scheduler import PartNotice, PartWithdrawn
from bot.slack.blocks.digest import digest_message
from bot.slack.blocks.notices import notice_message
from bot.slack.blocks.outcome import (
    managed_message,
    managed_note,
    outcome_message,
    reconciled_message,
)
from bot.slack.blocks.report import report_message, warning_message
from bot.slack.blocks.root import RootView, root_message
from bot.slack.blocks.series import (
    part_notice_message,
    part_withdrawn_message,
    series_cancelled_message,
    series_cancelled_note,
    series_root_message,
)
from bot.slack.blocks.text import code
from bot.slack.i18n import Tr

log = logging.getLogger(__name__)

NOT_A_MEMBER = ("not_in_channel", "channel_not_found", "is_archived", "restricted_action")
#: Slack's answers that mean "later" rather than "never".
TRANSIENT = ("ratelimited", "service_unavailable", "fatal_error", "internal_error",
             "request_timeout", "team_added_to_org")
#: A response_url works for 30 minutes; after that the requester gets a direct message.
RESPONSE_URL_LIFE = timedelta(minutes=29)


def _transient(e: SlackApiError) -> bool:
    return str(e.response.get("error")) in TRANSIENT or e.response.status_code >= 500


class SlackSender:
    def __init__(self, client: AsyncWebClient, clock: Callable[[], datetime],
                 store: Store | None = None) -> None:
        self._client = client
        self._clock = clock
        self._store = store  # for the parts of a series: their root is the series'

    async def _series_root(self, rec: Recording) -> dict | None:
        """A series part's root message (the series'), or None for a recording alone."""
        if rec.series_id is None or self._store is None:
            return None
        series = await self._store.get_series(rec.series_id)
        parts = await self._store.series_parts(rec.series_id)
        if series is None or not parts:
            return None
        return series_root_message(series, parts, self._clock())

    async def send(self, recording: Recording, post: Pending) -> str | None:
        try:
            if post.kind is PostKind.ANNOUNCE:
                return await self._announce(recording, post)
            if post.kind is PostKind.REFRESH:
                await self._refresh(recording)
            else:
                await self._reply(recording, post)
            return None
        except SlackApiError as e:
            if _transient(e):
                raise TryLater(f"Slack said {e.response.get('error')} "
                               f"(HTTP {e.response.status_code})") from e
            raise
        except (ClientError, TimeoutError, OSError) as e:
            raise TryLater(f"{type(e).__name__}: {e}"[:200]) from e

    async def _announce(self, rec: Recording, post: Pending) -> str | None:
        if rec.root_ts:
            return None  # posted already (a retry after the answer was lost)
        msg = await self._series_root(rec) or root_message(RootView.from_row(rec),
                                                           self._clock())
        try:
            resp = await self._client.chat_postMessage(channel=rec.channel_id, **msg)
        except SlackApiError as e:
            if _transient(e):
                raise
            error = str(e.response.get("error"))
            log.warning("chat.postMessage failed in %s: %s", rec.channel_id, error)
            await self._private(rec, post, msg, invite_reason=error)
            return None
        return str(resp["ts"])

    async def _refresh(self, rec: Recording, note: str | None = None) -> None:
        """Show the recording's current state on its root (best effort: the thread has it)."""
        if not rec.root_ts:
            return
        msg = await self._series_root(rec) or root_message(RootView.from_row(rec, note),
                                                           self._clock())
        try:
            await self._client.chat_update(channel=rec.channel_id, ts=rec.root_ts, **msg)
        except SlackApiError as e:
            if _transient(e):
                raise
            log.warning("chat.update of %s failed: %s", rec.root_ts, e.response.get("error"))

    async def _reply(self, rec: Recording, post: Pending) -> None:
        message = post.message
        if rec.series_id is not None and not rec.root_ts and self._store is not None:
            series = await self._store.get_series(rec.series_id)
            if series is not None and not series.announced:
                raise TryLater("the series' root message is not posted yet")
        msg, note = _render(rec, message)
        if not isinstance(message, Outcome) and note is not None:
            await self._refresh(rec, note)
        if rec.root_ts:
            try:
                await self._client.chat_postMessage(channel=rec.channel_id,
                                                    thread_ts=rec.root_ts, **msg)
            except SlackApiError as e:
                if _transient(e):
                    raise
                log.warning("reply about recording %s failed: %s", rec.id,
                            e.response.get("error"))
                await self._private(rec, post, msg)
        else:
            await self._private(rec, post, msg)
        if isinstance(message, Outcome):  # the answer first, then the root shows the state
            await self._refresh(rec)

    async def _private(self, rec: Recording, post: Pending, msg: dict,
                       invite_reason: str | None = None) -> None:
        """To the requester alone: the response_url while it is valid, else a DM."""
        if invite_reason in NOT_A_MEMBER:
            note = Tr.of(rec.language)._(
                ":information_source: I can't post in this channel ({reason}). Invite me with "
                "`/invite @recordbot` to get the root message and thread here; until then I "
                "answer only to you.", reason=code(invite_reason))
            msg = {**msg, "text": note + "\n" + msg["text"],
                   "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": note}},
                              *msg["blocks"]]}
        if post.reply_to and self._clock() - post.created_at < RESPONSE_URL_LIFE:
            resp = await AsyncWebhookClient(post.reply_to).send(
                response_type="ephemeral", replace_original=False, **msg)
            if resp.status_code < 400:
                return
            if resp.status_code >= 500 or resp.status_code == 429:
                raise TryLater(f"the response_url answered {resp.status_code}")
            log.warning("the response_url answered %d; sending a direct message instead",
                        resp.status_code)
        await self._client.chat_postMessage(channel=rec.requester_id, **msg)


def _render(rec: Recording, message: object) -> tuple[dict, str | None]:
    """A reply's message, and the note for the root when the reply changes the state."""
    tr = Tr.of(rec.language)
    if isinstance(message, Outcome):
        return outcome_message(rec, message), None
    if isinstance(message, Reconciled):
        return reconciled_message(tr, message.found_task_id), tr._("checked with Tencent")
    if isinstance(message, Managed):
        return managed_message(tr, message, rec.timezone), managed_note(tr, message)
    if isinstance(message, CompletenessReport):
        return report_message(rec, message), None
    if isinstance(message, RecordingWarning):
        return warning_message(rec, message), None
    if isinstance(message, PartNotice):
        return part_notice_message(rec, message), ""
    if isinstance(message, PartWithdrawn):
        return part_withdrawn_message(rec, message), ""
    if isinstance(message, SeriesCancelled):
        return (series_cancelled_message(tr, message, rec.timezone),
                series_cancelled_note(tr, message))
    notice: Notice = message  # type: ignore[assignment]
    return notice_message(rec, notice), None


class SlackDigestPoster:
    """The daily digest's Slack side (bot.recording.digest's ``DigestPoster``): one message in
    DIGEST_CHANNEL, in DEFAULT_LANGUAGE."""

    def __init__(self, client: AsyncWebClient, channel: str, lang: str) -> None:
        self._client = client
        self.channel = channel
        self.lang = lang

    async def post(self, digest: Digest) -> None:
        msg = digest_message(Tr.of(self.lang), digest)
        try:
            await self._client.chat_postMessage(channel=self.channel, **msg)
        except SlackApiError as e:
            if _transient(e):
                raise TryLater(f"Slack said {e.response.get('error')} "
                               f"(HTTP {e.response.status_code})") from e
            # Not something a retry mends (the bot is not in the channel, the id is wrong):
            # the day is given up, and the log says why.
            log.error("the daily digest could not be posted in DIGEST_CHANNEL %s: %s (invite "
                      "the bot with /invite, or check the channel id)", self.channel,
                      e.response.get("error"))
        except (ClientError, TimeoutError, OSError) as e:
            raise TryLater(f"{type(e).__name__}: {e}"[:200]) from e
