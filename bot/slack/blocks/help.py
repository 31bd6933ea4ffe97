"""`/record help`: usage and examples, in the reader's language (with examples in English and
Chinese: people type either); the usage line other messages end with."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from slack_sdk.models.blocks import Block

from bot.recording.command import MAX_TEXT, ShowHelp, UsageProblem
from bot.slack.blocks.text import code, context, message, section
from bot.slack.i18n import Lang, Mrkdwn, Tr

USAGE = "/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]"

EXAMPLE_EN = "/record livetest tomorrow 8pm to 10pm"
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def zh_examples(tr: Tr) -> tuple[str, str, str]:
    """Chinese time phrases as examples, in the reader's script: Traditional for zh-TW readers,
    Simplified for everyone else (English readers learn that Chinese works)."""
    return (str(tr.p_("example", "明天晚上8点到10点")),
            str(tr.p_("example", "今天20:00录90分钟")),
            str(tr.p_("example", "10分钟后开始，录一个小时")))


def zh_example(tr: Tr) -> str:
    return zh_examples(tr)[0]


def _zh_weekday(tr: Tr, day: date) -> str:
    """周四 / 週四, as Babel's Chinese locales abbreviate it (English readers see Simplified)."""
    script = tr if tr.lang.chinese else Tr.of(Lang.ZH_HANS)
    return format_date(day, "EEE", locale=script.locale)


def usage(tr: Tr) -> str:
    """Plain text (its <placeholders> are escaped wherever it is put)."""
    return str(tr._("/record <stream> <when> [domain=<push domain>] [app=<app>] "
                    "[template=<id>] [mixed]"))


def help_examples(tr: Tr, today: date) -> tuple[list[str], list[str]]:
    """Examples that each work when shown: days two and three ahead are inside Tencent's
    window whatever the reader's zone (a fixed date, or "next friday", would not be)."""
    soon, later = today + timedelta(days=2), today + timedelta(days=3)
    english = [
        EXAMPLE_EN,
        "/record livetest in 10 minutes for 2 hours",
        f"/record livetest {_WEEKDAYS_EN[soon.weekday()]} 14:00-16:30 domain=push.example.com",
        f"/record concert {later:%Y-%m-%d} 19:30 for 3h template=12345 mixed",
        "/record show every friday 20:00-22:00 for 6 weeks pad=5m",
    ]
    chinese = [
        "/record livetest " + zh_example(tr),
        "/record livetest " + str(tr.p_("example", "{weekday}下午2点到4点半",
                                        weekday=_zh_weekday(tr, soon))),
        "/record livetest " + str(tr.p_("example", "明晚8点 录两小时")),
        "/record show " + str(tr.p_("example", "每天晚上8点到10点，共10次")),
    ]
    return english, chinese


def usage_line(tr: Tr) -> Mrkdwn:
    zh = "/record livetest " + zh_example(tr)
    first, second = (zh, EXAMPLE_EN) if tr.lang.chinese else (EXAMPLE_EN, zh)
    return tr._("Usage: {usage} · e.g. {example} · {other} · `/record help` for more",
                usage=code(usage(tr)), example=code(first), other=code(second))


_OPTION_EXAMPLE = {"domain": "push.example.com", "app": "live", "template": "12345",
                   "stream": "livetest"}


def usage_problem_text(tr: Tr, h: ShowHelp) -> Mrkdwn | None:
    """Why help is shown instead of doing something; None when it was asked for."""
    p = h.problem
    if p is None:
        return None
    if p is UsageProblem.TOO_LONG:
        return tr._("That is {length} characters; `/record` takes at most {limit}.",
                    length=h.length, limit=MAX_TEXT)
    if p is UsageProblem.LIST_ARGS:
        return tr._("`/record list` takes at most a stream name, e.g. `/record list livetest`.")
    if p is UsageProblem.TASK_ID_NEEDED:
        return tr._("{command} takes the TaskId shown in the recording's thread, e.g. "
                    "{example} (`/record list` shows them).",
                    command=code(f"/record {h.verb}"),
                    example=code(f"/record {h.verb} UpTbk5RSVhRQ…"))
    if p is UsageProblem.OPTION_FIRST:
        return tr._("The first word must be the stream name, e.g. `/record livetest …`.")
    if p is UsageProblem.OPTION_NEEDS_VALUE:
        return tr._("{option} needs a value, e.g. {example}.", option=code(f"{h.key}="),
                    example=code(f"{h.key}={_OPTION_EXAMPLE[h.key]}"))
    if p is UsageProblem.TYPE_OPTION:
        return tr._("`type=` takes `mixed`; leave it out for a live push stream.")
    if p is UsageProblem.TEMPLATE_NOT_A_NUMBER:
        return tr._("{option} must be a number (the recording template id from the CSS "
                    "console).", option=code("template=" + h.value))
    if p is UsageProblem.TEMPLATE_NEGATIVE:
        return tr._("`template=` must be a positive number.")
    if p is UsageProblem.PAD_INVALID:
        return tr._("{option} is not a padding: use minutes, seconds or hours, at most 2 h — "
                    "e.g. {example}.", option=code("pad=" + h.value), example=code("pad=5m"))
    if p is UsageProblem.NO_WHEN:
        return tr._("Say when to record {stream}, with a start and an end.",
                    stream=code(h.stream))
    if p is UsageProblem.NO_STREAM:
        return tr._("The stream name is missing: `/record` reads its first word as the stream, "
                    "and {when} is when. Say which stream, e.g. {example}. (A stream really "
                    "named like a time takes `stream=`, e.g. {named}, or the form: `/record`.)",
                    when=code(h.when, 120), example=code("/record livetest " + h.when, 160),
                    named=code("/record stream=tomorrow tomorrow 8pm to 10pm"))
    suggestion = f"/record {h.suggestion}" + (f" {h.rest}" if h.rest else "")
    return tr._("{word} is not a command of `/record`. Did you mean {suggestion}? (To schedule "
                "a stream called {word}, say when: {example}.)", word=code(h.word),
                suggestion=code(suggestion),
                example=code("/record " + h.word + " tomorrow 8pm to 10pm"))


def help_message(tr: Tr, today: date, reason: str | None = None,
                 domains: tuple[str, ...] = (), app: str = "live") -> dict:
    english, chinese = help_examples(tr, today)
    en = "\n".join(f"• {code(e)}" for e in english)
    zh = "\n".join(f"• {code(e)}" for e in chinese)
    intro = tr._(
        "*`/record` schedules a Tencent Cloud Live recording* and answers in this channel: what "
        "it understood, then the TaskId (or Tencent's error) in the thread.\n"
        "*Usage:* {usage}\n"
        "`&lt;when&gt;` needs a start and an end: a range, or a start plus a duration; it is "
        "read in your Slack time zone unless you name one (`8pm CET`, `北京时间`). A window "
        "longer than 24 h, one further than 6 days ahead, or a repeat (`every friday "
        "20:00-22:00`, `weekdays 9-11am until Dec 31`, `每周五晚上8点到10点`) becomes a series: "
        "the bot creates each task as it comes within Tencent's reach. `pad=5m` starts each "
        "recording 5 minutes early and ends it 5 minutes late.\n"
        "`/record` alone (or `/record new`) opens a form.", usage=code(usage(tr)))
    domain = code(domains[0]) if domains else Mrkdwn("—")
    defaults = tr._("Defaults: domain {domain}, app {app}", domain=domain, app=code(app))
    if len(domains) > 1:
        defaults = tr._("{defaults}; other domains: {others}", defaults=defaults,
                        others=Mrkdwn(tr._(", ").join(code(d) for d in domains[1:])))
    examples_en = section(tr._("*Examples (English)*\n{examples}", examples=Mrkdwn(en)))
    examples_zh = section(tr._("*Examples (Chinese)*\n{examples}", examples=Mrkdwn(zh)))
    blocks: list[Block] = []
    if reason:
        blocks.append(section(f":warning: {reason}"))
    blocks += [section(intro),
               *((examples_zh, examples_en) if tr.lang.chinese else (examples_en, examples_zh)),
               context(defaults)]
    text = (reason + " " if reason else "") + tr._("Usage: {usage}", usage=usage(tr))
    return message(blocks, text)
