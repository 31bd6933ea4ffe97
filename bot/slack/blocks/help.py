"""`/record help`: usage and examples, in English and Chinese; the usage line other messages
end with."""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.recording.command import MAX_TEXT, ShowHelp, UsageProblem
from bot.slack.blocks.text import code, message

USAGE = "/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]"

EXAMPLE_EN = "/record livetest tomorrow 8pm to 10pm"
EXAMPLE_ZH = "/record livetest 明天晚上8点到10点"
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def help_examples(today: date) -> tuple[list[str], list[str]]:
    """Examples that each work when shown: days two and three ahead are inside Tencent's
    window whatever the reader's zone (a fixed date, or "next friday", would not be)."""
    soon, later = today + timedelta(days=2), today + timedelta(days=3)
    english = [
        EXAMPLE_EN,
        "/record livetest in 10 minutes for 2 hours",
        f"/record livetest {_WEEKDAYS_EN[soon.weekday()]} 14:00-16:30 domain=push.example.com",
        f"/record concert {later:%Y-%m-%d} 19:30 for 3h template=12345 mixed",
    ]
    chinese = [
        EXAMPLE_ZH,
        f"/record livetest {_WEEKDAYS_ZH[soon.weekday()]}下午2点到4点半",
        "/record livetest 明晚8点 录两小时",
    ]
    return english, chinese


def usage_line() -> str:
    return (f"Usage: `{USAGE}` · e.g. `{EXAMPLE_EN}` · `{EXAMPLE_ZH}` · "
            "`/record help` for more")


_OPTION_EXAMPLE = {"domain": "push.example.com", "app": "live", "template": "12345",
                   "stream": "livetest"}


def usage_problem_text(h: ShowHelp) -> str | None:
    """Why help is shown instead of doing something; None when it was asked for."""
    p = h.problem
    if p is None:
        return None
    if p is UsageProblem.TOO_LONG:
        return f"That is {h.length} characters; `/record` takes at most {MAX_TEXT}."
    if p is UsageProblem.LIST_ARGS:
        return "`/record list` takes at most a stream name, e.g. `/record list livetest`."
    if p is UsageProblem.TASK_ID_NEEDED:
        return (f"`/record {h.verb}` takes the TaskId shown in the recording's thread, e.g. "
                f"`/record {h.verb} UpTbk5RSVhRQ…` (`/record list` shows them).")
    if p is UsageProblem.OPTION_FIRST:
        return "The first word must be the stream name, e.g. `/record livetest …`."
    if p is UsageProblem.OPTION_NEEDS_VALUE:
        return f"`{h.key}=` needs a value, e.g. `{h.key}={_OPTION_EXAMPLE[h.key]}`."
    if p is UsageProblem.TYPE_OPTION:
        return "`type=` takes `mixed`; leave it out for a live push stream."
    if p is UsageProblem.TEMPLATE_NOT_A_NUMBER:
        return (f"{code('template=' + h.value)} must be a number (the recording template id "
                "from the CSS console).")
    if p is UsageProblem.TEMPLATE_NEGATIVE:
        return "`template=` must be a positive number."
    if p is UsageProblem.NO_WHEN:
        return f"Say when to record {code(h.stream)}, with a start and an end."
    if p is UsageProblem.NO_STREAM:
        return (f"The stream name is missing: `/record` reads its first word as the stream, "
                f"and {code(h.when, 120)} is when. Say which stream, e.g. "
                f"{code('/record livetest ' + h.when, 160)}. (A stream really named like a "
                "time takes `stream=`, e.g. `/record stream=tomorrow tomorrow 8pm to 10pm`, "
                "or the form: `/record`.)")
    suggestion = f"/record {h.suggestion}" + (f" {h.rest}" if h.rest else "")
    return (f"{code(h.word)} is not a command of `/record`. Did you mean {code(suggestion)}? "
            f"(To schedule a stream called {code(h.word)}, say when: "
            f"{code('/record ' + h.word + ' tomorrow 8pm to 10pm')}.)")


def help_message(
    today: date, reason: str | None = None, domains: tuple[str, ...] = (), app: str = "live"
) -> dict:
    english, chinese = help_examples(today)
    en = "\n".join(f"• `{e}`" for e in english)
    zh = "\n".join(f"• `{e}`" for e in chinese)
    intro = (
        "*`/record` schedules a Tencent Cloud Live recording* and answers in this channel: "
        "what it understood, then the TaskId (or Tencent's error) in the thread.\n"
        f"*Usage:* `{USAGE}`\n"
        "`<when>` needs a start and an end: a range, or a start plus a duration; it is read in "
        "your Slack time zone unless you name one (`8pm CET`, `北京时间`). Tencent allows up "
        "to 24 h per recording, ending within 7 days.\n"
        "`/record` alone (or `/record new`) opens a form."
    )
    defaults = f"Defaults: domain {code(domains[0]) if domains else '—'}, app {code(app)}"
    if len(domains) > 1:
        defaults += "; other domains: " + ", ".join(code(d) for d in domains[1:])
    blocks: list[Block] = []
    if reason:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {reason}")))
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(text=MarkdownTextObject(text=f"*Examples*\n{en}")),
        SectionBlock(text=MarkdownTextObject(text=f"*示例（中文）*\n{zh}")),
        ContextBlock(elements=[MarkdownTextObject(text=defaults)]),
    ]
    text = (reason + " " if reason else "") + f"Usage: {USAGE}"
    return message(blocks, text)
