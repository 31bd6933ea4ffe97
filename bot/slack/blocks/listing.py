"""`/record list`: on now, upcoming, and ended in the last day, a page at a time."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.recording.model import Listed, ListedSeries, Listing, SeriesKind, TaskStatus
from bot.slack.blocks.series import rule_words
from bot.slack.blocks.text import code, context, mention, message, section, slack_date
from bot.slack.blocks.values import LIST_MORE_ACTION, page_value
from bot.slack.i18n import Mrkdwn, Tr

LIST_PAGE_SIZE = 15
_LIST_ICON = {
    TaskStatus.IN_WINDOW: ":red_circle:", TaskStatus.SCHEDULED: ":calendar:",
    TaskStatus.UNCONFIRMED: ":warning:", TaskStatus.MISSING: ":grey_question:",
    TaskStatus.ENDED: ":white_check_mark:", TaskStatus.STOPPED: ":black_square_for_stop:",
    TaskStatus.CANCELLED: ":no_entry_sign:",
}


def status_word(tr: Tr, status: TaskStatus) -> Mrkdwn:
    if status is TaskStatus.IN_WINDOW:
        return tr.p_("list status", "in window")
    if status is TaskStatus.SCHEDULED:
        return tr.p_("list status", "scheduled")
    if status is TaskStatus.UNCONFIRMED:
        return tr.p_("list status", "unconfirmed")
    if status is TaskStatus.MISSING:
        return tr.p_("list status", "missing")
    if status is TaskStatus.ENDED:
        return tr.p_("list status", "ended")
    if status is TaskStatus.STOPPED:
        return tr.p_("list status", "stopped")
    return tr.p_("list status", "cancelled")


def _listed_line(tr: Tr, item: Listed, zone: str) -> str:
    span = f"{slack_date(item.start, zone, tr)} → {slack_date(item.end, zone, tr)}"
    line = tr._("{icon} *{status}* · {stream} on {domain}/{app}\n{span}",
                icon=Mrkdwn(_LIST_ICON[item.status]), status=status_word(tr, item.status),
                stream=code(item.stream), domain=code(item.domain), app=code(item.app),
                span=Mrkdwn(span))
    if item.task_id:
        line += " · " + tr._("TaskId {task_id}", task_id=code(item.task_id))
    if item.requester_id:
        line += " · " + tr._("by {who}", who=mention(item.requester_id))
    if not item.from_bot:
        line += " · " + tr._("_created outside this bot_")
    if item.status is TaskStatus.MISSING:
        line += " · " + tr._("_Tencent no longer lists it (deleted elsewhere?)_")
    return line


def series_line(tr: Tr, item: ListedSeries, zone: str) -> str:
    """A series, its rule in words and its next occurrence (`/record list`, App Home)."""
    start, end = slack_date(item.next_start, zone, tr), slack_date(item.next_end, zone, tr)
    span = Mrkdwn(f"{start} → {end}")
    series = item.series
    if series.kind is SeriesKind.REPEAT:
        rule = rule_words(tr, series)
    else:
        rule = tr._("one window of {length}", length=tr.duration(series.duration))
    return tr.n_(":repeat: *Series* · {stream} on {domain}/{app} · {rule}\nnext: {span} · {n} "
                 "to come · by {who}",
                 ":repeat: *Series* · {stream} on {domain}/{app} · {rule}\nnext: {span} · {n} "
                 "to come · by {who}", item.to_come,
                 stream=code(series.stream_name), domain=code(series.domain_name),
                 app=code(series.app_name), rule=rule, span=span,
                 who=mention(series.requester_id))


def list_message(tr: Tr, listing: Listing, zone: str, stream: str | None, page: int = 0) -> dict:
    """`/record list`: one block per recording, ≤ 50 blocks, with a button for the next page."""
    items = listing.items
    pages = max(1, -(-len(items) // LIST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * LIST_PAGE_SIZE:(page + 1) * LIST_PAGE_SIZE]
    # "in all" counts what the list shows: the series' lines as well as the recordings.
    params = {"count": len(items) + len(listing.series[:10]), "page": page + 1, "pages": pages}
    head = (tr._("*Recordings for {stream}* — on now, upcoming, and ended in the last day "
                 "({count} in all; page {page} of {pages})", stream=code(stream), **params)
            if stream else
            tr._("*Recordings* — on now, upcoming, and ended in the last day ({count} in all; "
                 "page {page} of {pages})", **params))
    blocks: list[Block] = [section(head)]
    if listing.tencent_error:
        blocks.append(context(tr._(
            ":warning: Tencent could not be asked ({code}); this shows only the bot's own "
            "records, which may be out of date.", code=code(listing.tencent_error))))
    if page == 0:
        for line in listing.series[:10]:
            blocks.append(section(series_line(tr, line, zone)))
    if not items and not listing.series:
        example = tr._("/record livetest tomorrow 8pm to 10pm")
        blocks.append(section(tr._("Nothing scheduled. Schedule one with {example}.",
                                   example=code(example))))
    for item in shown:
        blocks.append(section(_listed_line(tr, item, zone)))
    if page + 1 < pages:
        value = page_value(stream, page + 1)
        blocks.append(ActionsBlock(block_id="list_nav", elements=[
            ButtonElement(text=tr._("Next {count}", count=LIST_PAGE_SIZE),
                          action_id=LIST_MORE_ACTION, value=value)
        ]))
    return message(blocks, tr.n_("{n} recording", "{n} recordings", len(items)))
