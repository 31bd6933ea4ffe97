"""What a person is told when the bot does not do what they asked: a request it cannot use,
a refusal, a stop or cancel that the state or Tencent does not allow, an internal error."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.recording.access import Refusal, RefusalReason, is_group
from bot.recording.manage import (
    ManageResult,
    NoRecord,
    NotAllowed,
    NotFound,
    NotNow,
    Raced,
    Rejected,
    StateProblem,
    Unclear,
)
from bot.recording.model import Verb
from bot.recording.plan import PlanError, Problem
from bot.recording.rules import MAX_APP, MAX_DOMAIN, MAX_STREAM, WindowRule, WindowRuleError
from bot.slack.blocks.help import usage_line
from bot.slack.blocks.tencent_errors import advice_for
from bot.slack.blocks.text import code, escape, mention, message, simple_message
from bot.timeparse import format_duration

_EXAMPLE = "e.g. `tomorrow 8pm to 10pm`"


def _day_time(moment) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def window_rule_text(e: WindowRuleError) -> str:
    if e.rule is WindowRule.END_AFTER_START:
        return (f"The end ({_day_time(e.end)}) is not after the start ({_day_time(e.start)}). "
                f"A recording must end after it starts — {_EXAMPLE}.")
    if e.rule is WindowRule.END_IN_FUTURE:
        return (f"That window ended already ({_day_time(e.end)}). Tencent only records windows "
                "that end in the future — e.g. `tomorrow 8pm to 10pm` or `in 10 minutes for 1 "
                "hour`.")
    if e.rule is WindowRule.MAX_24H:
        return (f"That is {format_duration(e.duration, days=False)}; the longest single "
                "recording is 24 h. Shorten it, or split it into requests of up to 24 h each — "
                "e.g. `tomorrow 8am to 8pm`.")
    return (f"That ends {format_duration(e.end - e.now)} from now; Tencent only accepts "
            f"recordings that end within 7 days (before {_day_time(e.latest_end)}). Schedule "
            "it again closer to the date.")


def plan_problem_text(e: PlanError) -> str:
    """The problem with a request, in a sentence or two that say what would work."""
    p = e.problem
    if p is Problem.INVALID_STREAM:
        return (f"{code(e.value, 80)} is not a valid stream name: use letters, digits, `_` and "
                f"`-` (up to {MAX_STREAM} characters), e.g. `livetest`.")
    if p is Problem.INVALID_APP:
        return (f"{code(e.value, 80)} is not a valid app name: use letters, digits, `_` and `-` "
                f"(up to {MAX_APP} characters); the default is `live`.")
    if p is Problem.INVALID_DOMAIN:
        return (f"{code(e.value, 80)} is not a push domain: a domain name such as "
                "`12345.livepush.myqcloud.com` (letters, digits, `-` and dots; up to "
                f"{MAX_DOMAIN} characters).")
    if p is Problem.NO_DOMAIN:
        return "Choose the push domain to record from."
    if p is Problem.TEMPLATE_NOT_A_NUMBER:
        return ("The template id is a number from the CSS console, e.g. 12345 — or leave it "
                "empty for the default.")
    if p is Problem.TEMPLATE_UNKNOWN:
        templates = e.cause if isinstance(e.cause, tuple) else ()
        known = ", ".join(f"{escape(t.name or 'unnamed', 60)} ({t.template_id})"
                          for t in templates[:10]) or "none"
        return (f"There is no recording template {code(e.value, 20)} on this account. Its "
                f"templates: {known} — or leave `template=` out for Tencent's default (HLS, "
                "kept permanently).")
    if p is Problem.NO_WHEN:
        return ("Say when to record, with a start and an end — e.g. `tomorrow 8pm to 10pm` or "
                "`明天晚上8点到10点`.")
    if p is Problem.WHEN_NOT_UNDERSTOOD:
        return escape(str(e.cause), 1500)
    if p is Problem.ONLY_A_START:
        assert e.window is not None
        return (f"I understood only a start ({escape(e.window.description)}), and a recording "
                "needs an end too. Add one — e.g. `tomorrow 8pm to 10pm`, `tomorrow 8pm for 2 "
                "hours` or `明天晚上8点到10点`.")
    if p is Problem.WINDOW_RULE:
        assert isinstance(e.cause, WindowRuleError)
        return window_rule_text(e.cause)
    if p is Problem.ACCESS_SLOW:
        return ("Slack was too slow to confirm your access (user groups); press Schedule "
                "again.")
    assert isinstance(e.cause, Refusal)
    return refusal_text(e.cause)


def plan_problem_message(e: PlanError, show_usage: bool = True) -> dict:
    """Every problem of the request, one per line."""
    return error_message("\n".join(plan_problem_text(p) for p in e.all), show_usage)


def error_message(problem: str, show_usage: bool = True) -> dict:
    """A request the bot will not carry out: why, that nothing was scheduled, and the usage."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":warning: {problem}\n*Nothing was scheduled.*"))
    ]
    if show_usage:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=usage_line())]))
    return message(blocks, f"{problem} Nothing was scheduled.")


# ---- refusals ---------------------------------------------------------------------------------


def _who(ids: tuple[str, ...]) -> str:
    return ", ".join(f"<!subteam^{i}>" if is_group(i) else mention(i) for i in ids)


def refusal_text(refusal: Refusal) -> str:
    hint = escape(refusal.hint, 300)
    if refusal.reason is RefusalReason.CHANNEL:
        where = ", ".join(f"<#{c}>" for c in refusal.allowed)
        return f":no_entry: `/record` works only in {where}."
    if refusal.reason is RefusalReason.PEOPLE:
        return (":no_entry: You are not allowed to schedule recordings yet; allowed: "
                f"{_who(refusal.allowed)} — {hint}.")
    if refusal.reason is RefusalReason.CLOSED:
        return (":no_entry: This bot is closed to everyone until an admin allows users or "
                f"groups (ACCESS_DENY_BY_DEFAULT is on) — {hint}.")
    return (f":no_entry: Recording on {code(refusal.domain or '')} is limited to "
            f"{_who(refusal.allowed)} — {hint}.")


def refusal_message(refusal: Refusal) -> dict:
    return simple_message(refusal_text(refusal))


# ---- stop and cancel --------------------------------------------------------------------------

_PAST = {Verb.STOP: "stopped", Verb.CANCEL: "cancelled"}
_ADMINS = "an admin listed in ADMIN_USER_IDS"


def manage_problem_message(result: ManageResult) -> dict:
    """A stop or cancel that did not happen, said to the person who asked."""
    verb = result.verb
    if isinstance(result, NoRecord):
        text = ":warning: I have no record of that recording."
    elif isinstance(result, NotFound):
        text = (f":warning: There is no recording task with TaskId {code(result.task_id, 80)}, "
                "so nothing was done. Check the id: `/record list` shows the recordings with "
                "their TaskIds, and each recording's thread shows its own.")
    elif isinstance(result, NotAllowed):
        if result.recording is None:
            text = (f":no_entry: The bot did not schedule this task, so only {_ADMINS} may "
                    f"{verb} it.")
        else:
            text = (f":no_entry: Only {mention(result.recording.requester_id)} (who asked for "
                    f"it) or {_ADMINS} may {verb} this recording.")
    elif isinstance(result, NotNow):
        text = _not_now(result)
    elif isinstance(result, Rejected):
        unchanged = ("The recording goes on as scheduled." if verb is Verb.STOP
                     else "The task is still scheduled.")
        text = (f":x: Tencent refused to {verb} it: {code(result.code)} — "
                f"{escape(result.message, 500)}\nRequestId {code(result.request_id or 'none')} · "
                f"{advice_for(result.code).hint}\n*{unchanged}*")
    elif isinstance(result, Unclear):
        text = (f":warning: No clear answer from Tencent ({code(result.code)}), so the task may "
                f"or may not have been {_PAST[verb]}. Check with `/record list` and try again "
                "if it is still there.")
    else:
        assert isinstance(result, Raced)
        text = f":information_source: Already {result.recording.state}."
    return simple_message(text)


def _not_now(result: NotNow) -> str:
    p = result.problem
    if p in (StateProblem.ALREADY_STOPPED, StateProblem.ALREADY_CANCELLED):
        return f":information_source: This recording was already {result.recording.state}."
    if p is StateProblem.NO_TASK:
        return (":information_source: No recording task exists for this request, so there is "
                f"nothing to {result.verb}.")
    if p is StateProblem.ENDED:
        return ":information_source: This recording's window has already ended."
    if p is StateProblem.NOT_STARTED:
        return (":information_source: It has not started yet, so there is nothing to stop. "
                "Use *Cancel* to remove it.")
    return (":information_source: It is already in its window, and Tencent's cancel "
            "(DeleteRecordTask) does not stop a running recording. Use *Stop recording* "
            "instead.")


# ---- the bot's own failures -------------------------------------------------------------------


def internal_error_message(verb: Verb | None = None) -> dict:
    """The bot failed inside: say so, and what may or may not have happened."""
    if verb is None:
        return simple_message(
            ":warning: The bot hit an internal error before it could confirm the outcome, so "
            "*a recording task may or may not exist.* Check with `/record list` before trying "
            "again; an admin can find the details in the bot's log.")
    return simple_message(
        f":warning: The bot hit an internal error, so it cannot say whether the task was "
        f"{_PAST[verb]}. Check with `/record list`.")


def list_failed_message() -> dict:
    return simple_message(":warning: The bot could not list recordings (internal error); try "
                          "again in a minute.")
