"""The part of a /record request that runs after the ack, shared by the command and the form."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.service import (
    MAX_OVERLAPPING,
    Plan,
    PlanError,
    RecordRequest,
    plan_recording,
)
from bot.runtime import Runtime
from bot.slack.blocks import (
    action_done_message,
    error_message,
    list_message,
    overlap_message,
    reconciled_message,
    simple_message,
)
from bot.slack.deps import SlackDeps
from bot.slack.presenter import RecordingNotifier, Respond, SlackPresenter
from bot.store import AuditAction, State
from bot.tencent.live_api import LiveApiError

log = logging.getLogger(__name__)


async def allowed(rt: Runtime, deps: SlackDeps, team_id: str, user_id: str, channel_id: str,
                  what: str, respond: Respond, domain: str | None = None) -> bool:
    """The access policy's answer; a refusal is told to the user only, and audited."""
    decision = await deps.access.check(user_id, channel_id, domain)
    if decision.allowed:
        return True
    await rt.store.add_audit(None, team_id, user_id, AuditAction.DENIED,
                             f"{what} in {channel_id}" + (f" on {domain}" if domain else ""))
    await respond(response_type="ephemeral", replace_original=False,
                  **simple_message(decision.reason))
    return False


# A form submission is answered in its ack (field errors), within Slack's 3 s: bound the
# lookups that may go to Slack.
ZONE_LOOKUP_BUDGET = 1.5
ACCESS_CHECK_BUDGET = 1.0  # usergroups.users.list, when not cached


async def plan_form(rt: Runtime, deps: SlackDeps, request: RecordRequest) -> Plan:
    """Check a submitted form before its ack: access (audited), then the window in the user's
    zone. Raises PlanError naming the field to show the problem under."""
    if not request.domain:
        raise PlanError("domain", "Choose the push domain to record from.")
    try:
        decision = await asyncio.wait_for(
            deps.access.check(request.user_id, request.channel_id, request.domain),
            ACCESS_CHECK_BUDGET,
        )
    except TimeoutError:
        raise PlanError("domain", "Slack was too slow to confirm your access (user groups); "
                                  "press Schedule again.") from None
    if not decision.allowed:
        await rt.store.add_audit(None, request.team_id, request.user_id, AuditAction.DENIED,
                                 f"form on {request.domain}")
        raise PlanError("domain", decision.reason)
    try:
        zone = await asyncio.wait_for(deps.zones.zone_for(request.user_id), ZONE_LOOKUP_BUDGET)
    except TimeoutError:
        log.warning("users.info too slow for %s; using the default zone", request.user_id)
        zone = deps.zones.default_zone("Slack was slow to tell me your time zone")
    return plan_recording(request, rt.service.now_in(zone.zone), zone.note)


async def schedule_from_slack(
    rt: Runtime,
    deps: SlackDeps,
    client: AsyncWebClient,
    request: RecordRequest,
    respond: Respond,
    plan: Plan | None = None,
    overlap_confirmed: bool = False,
) -> None:
    """Check access, understand the request in the user's zone (unless already planned), look
    for overlapping tasks, then schedule it.

    Every path answers the user: a refusal, a plan error, an overlap question, the outcome, or
    an internal error.
    """
    try:
        if not await allowed(rt, deps, request.team_id, request.user_id, request.channel_id,
                             f"schedule {request.stream}", respond, request.domain):
            return
        if plan is None:
            zone = await deps.zones.zone_for(request.user_id)
            try:
                plan = plan_recording(request, rt.service.now_in(zone.zone), zone.note)
            except PlanError as e:
                await respond(response_type="ephemeral", **error_message(e.message))
                return
        presenter = SlackPresenter(client, request.channel_id, respond)
        first = await rt.service.recent_duplicate(plan)
        if first is not None:  # checked again under a lock when scheduling, for races
            await presenter.show_duplicate(plan, first)
            return
        if not await _overlap_ok(rt, plan, respond, overlap_confirmed):
            return
        outcome = await rt.service.schedule(plan, presenter)
        if outcome.state is State.UNKNOWN and outcome.recording_id is not None:
            rt.work.spawn(recheck_later(rt, client, outcome.recording_id,
                                        rt.settings.unknown_recheck_seconds), name="recheck")
    except Exception:
        log.exception("scheduling %s failed inside the bot", request.stream)
        text = (
            ":warning: The bot hit an internal error before it could confirm the outcome, so "
            "*a recording task may or may not exist.* Check with `/record list` before trying "
            "again; an admin can find the details in the bot's log."
        )
        try:
            await respond(response_type="ephemeral", **simple_message(text))
        except Exception:
            log.exception("could not tell the user about the internal error")


async def _overlap_ok(rt: Runtime, plan: Plan, respond: Respond, confirmed: bool) -> bool:
    """Tencent runs at most three overlapping tasks per stream: ask before adding a second or
    third, refuse a fourth. If Tencent cannot be asked, go ahead (the create will tell)."""
    try:
        overlaps = await rt.service.overlapping(plan)
    except LiveApiError as e:
        log.warning("overlap check skipped: %s", e.code)
        return True
    if len(overlaps) >= MAX_OVERLAPPING:
        await respond(response_type="ephemeral", replace_original=confirmed,
                      **overlap_message(plan, overlaps, refuse=True))
        return False
    if overlaps and not confirmed:
        await respond(response_type="ephemeral", replace_original=False,
                      **overlap_message(plan, overlaps, refuse=False))
        return False
    return True


async def list_for_user(rt: Runtime, deps: SlackDeps, team_id: str, user_id: str,
                        channel_id: str, stream: str | None, page: int, respond: Respond,
                        replace: bool = False) -> None:
    """`/record list [stream]`, answered only to the person who asked."""
    try:
        if not await allowed(rt, deps, team_id, user_id, channel_id, "list", respond):
            return
        listing = await rt.manager.list(team_id, stream)
        zone = await deps.zones.zone_for(user_id)
        msg = list_message(listing, zone.name, stream, page)
    except Exception:
        log.exception("listing recordings failed")
        msg = simple_message(":warning: The bot could not list recordings (internal error); "
                             "try again in a minute.")
    await respond(response_type="ephemeral", replace_original=replace, **msg)


async def manage_from_slack(rt: Runtime, deps: SlackDeps, client: AsyncWebClient, verb: str,
                            team_id: str, user_id: str, channel_id: str, respond: Respond,
                            task_id: str | None = None, recording_id: int | None = None) -> None:
    """Stop or cancel; refusals go to the actor only, a change to the recording's thread."""
    act = rt.manager.stop if verb == "stop" else rt.manager.cancel
    try:
        if not await allowed(rt, deps, team_id, user_id, channel_id, verb, respond):
            return
        result = await act(user_id=user_id, team_id=team_id, task_id=task_id,
                           recording_id=recording_id)
    except Exception:
        log.exception("%s failed inside the bot", verb)
        await respond(response_type="ephemeral", replace_original=False, **simple_message(
            f":warning: The bot hit an internal error, so it cannot say whether the task was "
            f"{'stopped' if verb == 'stop' else 'cancelled'}. Check with `/record list`."))
        return
    if not result.done:
        await respond(response_type="ephemeral", replace_original=False,
                      **simple_message(result.text))
        return
    row = result.recording
    now = rt.service.clock()
    zone = row.timezone if row else "UTC"
    done = action_done_message(verb, user_id, row.task_id if row else task_id, result.request_id,
                               now, zone)
    if row is None:  # a task the bot did not schedule (an admin acting by TaskId)
        await respond(response_type="ephemeral", replace_original=False, **done)
        return
    notifier = RecordingNotifier(client)
    past = "stopped" if verb == "stop" else "cancelled"
    await notifier.refresh_root(row, note=f"{past} by <@{user_id}>")
    await notifier.reply(row, done)
    if task_id:  # typed as a command, maybe elsewhere: confirm to the actor too
        await respond(response_type="ephemeral", replace_original=False, **done)


async def reconcile_pending(rt: Runtime, client: AsyncWebClient) -> int:
    """At start: settle rows a crash or timeout left accepted/unknown, and say so in threads."""
    settled = 0
    for row in await rt.store.pending():
        settled += await _reconcile_one(rt, client, row.id)
    if settled:
        log.info("reconciled %d request(s) left unconfirmed", settled)
    return settled


async def recheck_later(rt: Runtime, client: AsyncWebClient, recording_id: int,
                        delay: float, attempts: int = 3) -> None:
    """After an unknown outcome: look the task up on Tencent instead of retrying blindly."""
    for attempt in range(attempts):
        await asyncio.sleep(delay * 2**attempt)
        row = await rt.store.get(recording_id)
        if row is None or row.state not in (State.ACCEPTED, State.UNKNOWN):
            return
        if await _reconcile_one(rt, client, recording_id):
            return
    log.warning("recording %s still unconfirmed; it is checked again at the next start",
                recording_id)


async def _reconcile_one(rt: Runtime, client: AsyncWebClient, recording_id: int) -> int:
    row = await rt.store.get(recording_id)
    if row is None:
        return 0
    result = await rt.manager.reconcile(row)
    if result is None:
        return 0
    notifier = RecordingNotifier(client)
    await notifier.refresh_root(result.recording, note="checked with Tencent")
    await notifier.reply(result.recording,
                         reconciled_message(result.found.task_id if result.found else None))
    return 1
