"""What a person is told when the bot does not do what they asked: a request it cannot use,
a refusal, a stop or cancel that the state or Tencent does not allow, an internal error."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.recording.access import Refusal, RefusalReason, is_group
from bot.recording.manage import (
    ManageResult,
    NoRecord,
    NotAllowed,
    NotFound,
    NotNow,
    Raced,
    Rejected,
    SeriesNotActive,
    StateProblem,
    Unclear,
)
from bot.recording.model import State, Verb
from bot.recording.plan import PlanError, Problem
from bot.recording.rules import MAX_APP, MAX_DOMAIN, MAX_STREAM, WindowRule, WindowRuleError
from bot.recording.series import MAX_OCCURRENCES, MAX_WINDOW
from bot.slack.blocks.help import usage_line, zh_example
from bot.slack.blocks.tencent_errors import advice_for
from bot.slack.blocks.text import (
    channel,
    code,
    context,
    escape,
    mention,
    message,
    section,
    simple_message,
)
from bot.slack.blocks.timephrases import parse_problem_text
from bot.slack.i18n import Mrkdwn, Tr
from bot.timeparse import TimeParseError


def _example(tr: Tr) -> Mrkdwn:
    return code(tr._("tomorrow 8pm to 10pm"))


def window_rule_text(tr: Tr, e: WindowRuleError) -> Mrkdwn:
    if e.rule is WindowRule.END_AFTER_START:
        return tr._("The end ({end}) is not after the start ({start}). A recording must end "
                    "after it starts — e.g. {example}.", end=tr.day_clock(e.end),
                    start=tr.day_clock(e.start), example=_example(tr))
    if e.rule is WindowRule.END_IN_FUTURE:
        soon = tr._("in 10 minutes for 1 hour")
        return tr._("That window ended already ({end}). Tencent only records windows that end "
                    "in the future — e.g. {example} or {other}.", end=tr.day_clock(e.end),
                    example=_example(tr), other=code(soon))
    # The bot's own limit. (Tencent's per-task rules — at most 24 h, starting within 6 days,
    # ending within 7 — are never shown: the bot makes a series instead, README "Series".)
    assert e.rule is WindowRule.MAX_LENGTH, e.rule
    shorter = tr._("Dec 24 10:00 to Dec 26 22:00")
    return tr._("That is {length}; the longest window the bot records is {limit} (as "
                "consecutive tasks of up to 24 h each). Shorten it — e.g. {example}.",
                length=tr.duration(e.duration), limit=tr.duration(MAX_WINDOW),
                example=code(shorter))


def plan_problem_text(tr: Tr, e: PlanError) -> Mrkdwn:
    """The problem with a request, in a sentence or two that say what would work."""
    p = e.problem
    if p is Problem.INVALID_STREAM:
        return tr._("{value} is not a valid stream name: use letters, digits, `_` and `-` (up "
                    "to {limit} characters), e.g. `livetest`.", value=code(e.value, 80),
                    limit=MAX_STREAM)
    if p is Problem.INVALID_APP:
        return tr._("{value} is not a valid app name: use letters, digits, `_` and `-` (up to "
                    "{limit} characters); the default is `live`.", value=code(e.value, 80),
                    limit=MAX_APP)
    if p is Problem.INVALID_DOMAIN:
        return tr._("{value} is not a push domain: a domain name such as "
                    "`12345.livepush.myqcloud.com` (letters, digits, `-` and dots; up to "
                    "{limit} characters).", value=code(e.value, 80), limit=MAX_DOMAIN)
    if p is Problem.NO_DOMAIN:
        return tr._("Choose the push domain to record from.")
    if p is Problem.TEMPLATE_NOT_A_NUMBER:
        return tr._("The template id is a number from the CSS console, e.g. 12345 — or leave "
                    "it empty for the default.")
    if p is Problem.TEMPLATE_UNKNOWN:
        templates = e.cause if isinstance(e.cause, tuple) else ()
        unnamed = tr._("unnamed")
        known = tr._(", ").join(
            f"{escape(t.name or unnamed, 60)} ({t.template_id})"
            for t in templates[:10]) or tr._("none")
        return tr._("There is no recording template {value} on this account. Its templates: "
                    "{known} — or leave `template=` out for Tencent's default (HLS, kept "
                    "permanently).", value=code(e.value, 20), known=Mrkdwn(known))
    if p is Problem.NO_WHEN:
        return tr._("Say when to record, with a start and an end — e.g. {example} or {other}.",
                    example=_example(tr), other=code(zh_example(tr)))
    if p is Problem.WHEN_NOT_UNDERSTOOD:
        assert isinstance(e.cause, TimeParseError)
        return parse_problem_text(tr, e.cause)
    if p is Problem.ONLY_A_START:
        assert e.window is not None
        for_two_hours = tr._("tomorrow 8pm for 2 hours")
        return tr._("I understood only a start ({start}), and a recording needs an end too. "
                    "Add one — e.g. {example}, {other} or {zh}.",
                    start=tr.day_clock(e.window.start), example=_example(tr),
                    other=code(for_two_hours), zh=code(zh_example(tr)))
    if p is Problem.WINDOW_RULE:
        assert isinstance(e.cause, WindowRuleError)
        return window_rule_text(tr, e.cause)
    if p is Problem.ACCESS_SLOW:
        return tr._("Slack was too slow to confirm your access (user groups); press Schedule "
                    "again.")
    if p is Problem.PAD_TOO_LONG:
        return tr._("The padding is at most 2 h on each side — e.g. {example}.",
                    example=code("pad=5m"))
    if p is Problem.SERIES_TOO_LONG:
        until = tr._("every day 8pm to 10pm until Dec 31")
        return tr._("That series holds more than {limit} recordings; give it an earlier end — "
                    "e.g. {example}.", limit=MAX_OCCURRENCES, example=code(until))
    if p is Problem.NOTHING_LEFT:
        return tr._("That series has no recording still to come.")
    assert isinstance(e.cause, Refusal)
    return refusal_text(tr, e.cause)


def plan_problem_message(tr: Tr, e: PlanError, show_usage: bool = True) -> dict:
    """Every problem of the request, one per line."""
    return error_message(tr, Mrkdwn("\n".join(plan_problem_text(tr, p) for p in e.all)),
                         show_usage)


def error_message(tr: Tr, problem: str, show_usage: bool = True) -> dict:
    """A request the bot will not carry out: why, that nothing was scheduled, and the usage."""
    nothing = tr._("*Nothing was scheduled.*")
    blocks: list[Block] = [section(f":warning: {problem}\n{nothing}")]
    if show_usage:
        blocks.append(context(usage_line(tr)))
    return message(blocks, f"{problem} {nothing}")


# ---- refusals ---------------------------------------------------------------------------------


def _who(tr: Tr, ids: tuple[str, ...]) -> Mrkdwn:
    return Mrkdwn(tr._(", ").join(f"<!subteam^{i}>" if is_group(i) else mention(i)
                                  for i in ids))


def refusal_text(tr: Tr, refusal: Refusal) -> Mrkdwn:
    hint = (escape(refusal.hint, 300) if refusal.hint
            else tr._("ask an admin of this bot to add you"))
    if refusal.reason is RefusalReason.CHANNEL:
        where = Mrkdwn(tr._(", ").join(channel(c) for c in refusal.allowed))
        return tr._(":no_entry: `/record` works only in {where}.", where=where)
    if refusal.reason is RefusalReason.PEOPLE:
        return tr._(":no_entry: You are not allowed to schedule recordings yet; allowed: {who} "
                    "— {hint}.", who=_who(tr, refusal.allowed), hint=hint)
    if refusal.reason is RefusalReason.CLOSED:
        return tr._(":no_entry: This bot is closed to everyone until an admin allows users or "
                    "groups (ACCESS_DENY_BY_DEFAULT is on) — {hint}.", hint=hint)
    return tr._(":no_entry: Recording on {domain} is limited to {who} — {hint}.",
                domain=code(refusal.domain or ""), who=_who(tr, refusal.allowed), hint=hint)


def refusal_message(tr: Tr, refusal: Refusal) -> dict:
    return simple_message(refusal_text(tr, refusal))


# ---- stop and cancel --------------------------------------------------------------------------


def _state_word(tr: Tr, state: State) -> Mrkdwn:
    if state is State.STOPPED:
        return tr.p_("state", "stopped")
    if state is State.CANCELLED:
        return tr.p_("state", "cancelled")
    return escape(str(state))


def series_problem_message(tr: Tr, result: object) -> dict:
    """A series cancel or skip that did not happen, said to the person who asked."""
    if isinstance(result, SeriesNotActive):
        text = tr._(":information_source: That is cancelled or over already.")
    elif isinstance(result, NotAllowed):
        text = tr._(":no_entry: Only the person who asked for this series or an admin listed "
                    "in ADMIN_USER_IDS may cancel it or skip one of its recordings.")
    else:
        text = tr._(":warning: I have no record of that series.")
    return simple_message(text)


def manage_problem_message(tr: Tr, result: ManageResult) -> dict:
    """A stop or cancel that did not happen, said to the person who asked."""
    stop = result.verb is Verb.STOP
    if isinstance(result, NoRecord):
        text = tr._(":warning: I have no record of that recording.")
    elif isinstance(result, NotFound):
        text = tr._(":warning: There is no recording task with TaskId {task_id}, so nothing was "
                    "done. Check the id: `/record list` shows the recordings with their "
                    "TaskIds, and each recording's thread shows its own.",
                    task_id=code(result.task_id, 80))
    elif isinstance(result, NotAllowed):
        if result.recording is None:
            text = (tr._(":no_entry: The bot did not schedule this task, so only an admin "
                         "listed in ADMIN_USER_IDS may stop it.") if stop else
                    tr._(":no_entry: The bot did not schedule this task, so only an admin "
                         "listed in ADMIN_USER_IDS may cancel it."))
        else:
            who = mention(result.recording.requester_id)
            text = (tr._(":no_entry: Only {who} (who asked for it) or an admin listed in "
                         "ADMIN_USER_IDS may stop this recording.", who=who) if stop else
                    tr._(":no_entry: Only {who} (who asked for it) or an admin listed in "
                         "ADMIN_USER_IDS may cancel this recording.", who=who))
    elif isinstance(result, NotNow):
        text = _not_now(tr, result)
    elif isinstance(result, Rejected):
        params = {"code": code(result.code), "message": escape(result.message, 500),
                  "request_id": code(result.request_id or "none"),
                  "hint": advice_for(tr, result.code).hint}
        text = (tr._(":x: Tencent refused to stop it: {code} — {message}\nRequestId "
                     "{request_id} · {hint}\n*The recording goes on as scheduled.*", **params)
                if stop else
                tr._(":x: Tencent refused to cancel it: {code} — {message}\nRequestId "
                     "{request_id} · {hint}\n*The task is still scheduled.*", **params))
    elif isinstance(result, Unclear):
        text = (tr._(":warning: No clear answer from Tencent ({code}), so the task may or may "
                     "not have been stopped. Check with `/record list` and try again if it is "
                     "still there.", code=code(result.code)) if stop else
                tr._(":warning: No clear answer from Tencent ({code}), so the task may or may "
                     "not have been cancelled. Check with `/record list` and try again if it "
                     "is still there.", code=code(result.code)))
    else:
        assert isinstance(result, Raced)
        text = tr._(":information_source: Already {state}.",
                    state=_state_word(tr, result.recording.state))
    return simple_message(text)


def _not_now(tr: Tr, result: NotNow) -> Mrkdwn:
    p = result.problem
    if p in (StateProblem.ALREADY_STOPPED, StateProblem.ALREADY_CANCELLED):
        return tr._(":information_source: This recording was already {state}.",
                    state=_state_word(tr, result.recording.state))
    if p is StateProblem.NO_TASK:
        return (tr._(":information_source: No recording task exists for this request, so "
                     "there is nothing to stop.") if result.verb is Verb.STOP else
                tr._(":information_source: No recording task exists for this request, so "
                     "there is nothing to cancel."))
    if p is StateProblem.ENDED:
        return tr._(":information_source: This recording's window has already ended.")
    if p is StateProblem.NOT_STARTED:
        return tr._(":information_source: It has not started yet, so there is nothing to "
                    "stop. Use *Cancel* to remove it.")
    return tr._(":information_source: It is already in its window, and Tencent's cancel "
                "(DeleteRecordTask) does not stop a running recording. Use *Stop recording* "
                "instead.")


# ---- the bot's own failures -------------------------------------------------------------------


def internal_error_message(tr: Tr, verb: Verb | None = None,
                           tencent_called: bool = True) -> dict:
    """The bot failed inside: say so, and what may or may not have happened — "may exist" only
    when Tencent was asked to create a task."""
    if verb is None and not tencent_called:
        return simple_message(tr._(
            ":warning: The bot hit an internal error before it asked Tencent, so *no "
            "recording task was created.* Try again in a minute; an admin can find the details "
            "in the bot's log."))
    if verb is None:
        return simple_message(tr._(
            ":warning: The bot hit an internal error before it could confirm the outcome, so "
            "*a recording task may or may not exist.* Check with `/record list` before trying "
            "again; an admin can find the details in the bot's log."))
    if verb is Verb.STOP:
        return simple_message(tr._(
            ":warning: The bot hit an internal error, so it cannot say whether the task was "
            "stopped. Check with `/record list`."))
    return simple_message(tr._(
        ":warning: The bot hit an internal error, so it cannot say whether the task was "
        "cancelled. Check with `/record list`."))


def list_failed_message(tr: Tr) -> dict:
    return simple_message(tr._(":warning: The bot could not list recordings (internal error); "
                               "try again in a minute."))
