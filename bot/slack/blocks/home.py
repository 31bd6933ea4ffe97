"""The App Home tab: the control room (bot.recording.home) in the reader's language, with
Stop / Cancel on each recording they may manage (the root message's buttons, same handlers),
the series still to come with Cancel series (the series root's button, same handler), and
"Schedule a recording", which opens the form."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.recording.home import Overview, Section, SeriesSection
from bot.recording.model import ListedSeries, Recording, Series, State, phase_at
from bot.recording.report import CompletenessReport
from bot.slack.blocks.listing import series_line
from bot.slack.blocks.report import report_summary
from bot.slack.blocks.root import manage_button
from bot.slack.blocks.series import cancel_series_button, planned_status
from bot.slack.blocks.text import code, context, mention, slack_date
from bot.slack.blocks.values import HOME_NEW_ACTION
from bot.slack.i18n import Mrkdwn, Tr

#: Recordings shown per group (yours, the team's) of a section; Slack allows 100 blocks.
PER_GROUP = 8


def _line(tr: Tr, rec: Recording, zone: str, ov: Overview, mine: bool) -> Mrkdwn:
    span = Mrkdwn(f"{slack_date(rec.start_time, zone, tr)} → {slack_date(rec.end_time, zone, tr)}")
    line = tr._("{stream} on {domain}/{app} · {span}", stream=code(rec.stream_name),
                domain=code(rec.domain_name), app=code(rec.app_name), span=span)
    if not mine:
        line = Mrkdwn(line + " · " + tr._("by {who}", who=mention(rec.requester_id)))
    if rec.state is State.FAILED:
        line = Mrkdwn(line + "\n" + tr._(":x: not scheduled: {code}",
                                         code=code(rec.error_code or "?")))
    elif rec.state is State.PLANNED:  # a series' part whose task is not created yet
        line = Mrkdwn(line + "\n" + planned_status(tr, rec, ov.now, zone))
    elif rec.state in (State.ACCEPTED, State.UNKNOWN):
        line = Mrkdwn(line + "\n" + tr._(":warning: unconfirmed: Tencent's answer never came"))
    elif isinstance(rec.report, CompletenessReport):
        line = Mrkdwn(line + "\n" + report_summary(tr, rec.report))
    elif rec.end_time <= ov.now or rec.state is State.STOPPED:
        word = tr.p_("list status", "stopped") if rec.state is State.STOPPED \
            else tr.p_("list status", "ended")
        line = Mrkdwn(line + "\n" + tr._("{status} · completeness report pending",
                                         status=word))
    if rec.root_ts and rec.channel_id:
        line = Mrkdwn(line + " · " + tr._("<#{channel}> thread",
                                          channel=Mrkdwn(rec.channel_id)))
    return line


def _group(tr: Tr, title: Mrkdwn, rows: tuple[Recording, ...], zone: str, ov: Overview,
           mine: bool, may_manage: Callable[[Recording], bool]) -> list[Block]:
    if not rows:
        return []
    blocks: list[Block] = [context(title)]
    for rec in rows[:PER_GROUP]:
        button = None
        if rec.state is State.CREATED and may_manage(rec):
            button = manage_button(tr, rec.id, rec.phase(ov.now))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_line(tr, rec, zone, ov, mine)),
                                   accessory=button))
    if len(rows) > PER_GROUP:
        blocks.append(context(tr.n_("…and {n} more: `/record list`",
                                    "…and {n} more: `/record list`", len(rows) - PER_GROUP)))
    return blocks


def _series_group(tr: Tr, title: Mrkdwn, lines: tuple[ListedSeries, ...], zone: str,
                  ov: Overview, may_cancel: Callable[[Series], bool]) -> list[Block]:
    if not lines:
        return []
    blocks: list[Block] = [context(title)]
    for item in lines[:PER_GROUP]:
        button = None
        if may_cancel(item.series):
            button = cancel_series_button(tr, item.series,
                                          phase_at(item.next_start, item.next_end, ov.now))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=series_line(tr, item, zone)),
                                   accessory=button))
    if len(lines) > PER_GROUP:
        blocks.append(context(tr.n_("…and {n} more: `/record list`",
                                    "…and {n} more: `/record list`", len(lines) - PER_GROUP)))
    return blocks


def _section(tr: Tr, head: Mrkdwn, empty: Mrkdwn, sec: Section, zone: str, ov: Overview,
             may_manage: Callable[[Recording], bool], series: SeriesSection | None = None,
             may_cancel: Callable[[Series], bool] = lambda s: False) -> list[Block]:
    series = series or SeriesSection()
    blocks: list[Block] = [HeaderBlock(text=head)]
    if not sec and not series:
        return [*blocks, context(empty)]
    blocks += _group(tr, tr._("*Yours*"), sec.mine, zone, ov, True, may_manage)
    blocks += _group(tr, tr._("*The team's*"), sec.team, zone, ov, False, may_manage)
    blocks += _series_group(tr, tr._("*Your series*"), series.mine, zone, ov, may_cancel)
    blocks += _series_group(tr, tr._("*The team's series*"), series.team, zone, ov, may_cancel)
    return blocks


def home_view(tr: Tr, ov: Overview, zone: str,
              may_manage: Callable[[Recording], bool],
              may_cancel: Callable[[Series], bool] = lambda s: False) -> View:
    """views.publish's view for one user; ``may_cancel``: whether they may cancel a series."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=tr._(
            ":clapper: *Recordings* — live now, the next 7 days, and the last 2 days. Times "
            "are in your time zone.")),
            accessory=ButtonElement(text=tr._("Schedule a recording"), action_id=HOME_NEW_ACTION,
                                    value="new", style="primary")),
        DividerBlock(),
    ]
    blocks += _section(tr, tr._(":red_circle: Live now"), tr._("Nothing is in its window now."),
                       ov.live, zone, ov, may_manage)
    blocks += _section(tr, tr._(":calendar: Upcoming"),
                       tr._("Nothing is scheduled for the next 7 days."), ov.upcoming, zone,
                       ov, may_manage, ov.series, may_cancel)
    blocks += _section(tr, tr._(":checkered_flag: Recently ended"),
                       tr._("Nothing ended in the last 2 days."), ov.ended, zone, ov,
                       may_manage)
    blocks += _section(tr, tr._(":x: Failures"), tr._("No failures in the last 2 days."),
                       ov.failures, zone, ov, may_manage)
    example = tr._("/record livetest tomorrow 8pm to 10pm")
    blocks += [DividerBlock(), context(tr._("Schedule from any channel with {example}; "
                                            "`/record help` shows more.",
                                            example=code(example)))]
    return View(type="home", blocks=blocks[:100])

