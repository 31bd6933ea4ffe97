"""`/record help`: usage and examples, in English and Chinese; the usage line other messages
end with."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack.blocks.text import code, message

USAGE = "/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]"

HELP_EXAMPLES_EN = [
    "/record livetest tomorrow 8pm to 10pm",
    "/record livetest in 10 minutes for 2 hours",
    "/record livetest next friday 14:00-16:30 domain=push.example.com",
    "/record concert 2026-12-03 19:30 for 3h template=12345 mixed",
]
HELP_EXAMPLES_ZH = [
    "/record livetest 明天晚上8点到10点",
    "/record livetest 下周五下午2点到4点半",
    "/record livetest 今晚8点 录两小时",
]


def usage_line() -> str:
    return (f"Usage: `{USAGE}` · e.g. `{HELP_EXAMPLES_EN[0]}` · `{HELP_EXAMPLES_ZH[0]}` · "
            "`/record help` for more")


def help_message(
    reason: str | None = None, domains: tuple[str, ...] = (), app: str = "live"
) -> dict:
    en = "\n".join(f"• `{e}`" for e in HELP_EXAMPLES_EN)
    zh = "\n".join(f"• `{e}`" for e in HELP_EXAMPLES_ZH)
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
