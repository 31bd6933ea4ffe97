"""`/record list`: on now, upcoming, and ended in the last day, a page at a time."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.recording.model import Listed, Listing, TaskStatus
from bot.slack.blocks.text import code, mention, message, slack_date
from bot.slack.blocks.values import LIST_MORE_ACTION, page_value

LIST_PAGE_SIZE = 15
_LIST_ICON = {
    TaskStatus.IN_WINDOW: ":red_circle:", TaskStatus.SCHEDULED: ":calendar:",
    TaskStatus.UNCONFIRMED: ":warning:", TaskStatus.MISSING: ":grey_question:",
    TaskStatus.ENDED: ":white_check_mark:", TaskStatus.STOPPED: ":black_square_for_stop:",
    TaskStatus.CANCELLED: ":no_entry_sign:",
}


def _listed_line(item: Listed, zone: str) -> str:
    span = f"{slack_date(item.start, zone)} → {slack_date(item.end, zone)}"
    line = (f"{_LIST_ICON[item.status]} *{item.status}* · {code(item.stream)} on "
            f"{code(item.domain)}/{code(item.app)}\n{span}")
    if item.task_id:
        line += f" · TaskId {code(item.task_id)}"
    if item.requester_id:
        line += f" · by {mention(item.requester_id)}"
    if not item.from_bot:
        line += " · _created outside this bot_"
    if item.status is TaskStatus.MISSING:
        line += " · _Tencent no longer lists it (deleted elsewhere?)_"
    return line


def list_message(listing: Listing, zone: str, stream: str | None, page: int = 0) -> dict:
    """`/record list`: one block per recording, ≤ 50 blocks, with a button for the next page."""
    items = listing.items
    pages = max(1, -(-len(items) // LIST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * LIST_PAGE_SIZE:(page + 1) * LIST_PAGE_SIZE]
    scope = f" for {code(stream)}" if stream else ""
    head = (f"*Recordings{scope}* — on now, upcoming, and ended in the last day "
            f"({len(items)} in all; page {page + 1} of {pages})")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    if listing.tencent_error:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f":warning: Tencent could not be asked (`{listing.tencent_error}`); this shows "
                 "only the bot's own records, which may be out of date.")]))
    if not items:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="Nothing scheduled. Schedule one with `/record livetest tomorrow 8pm to 10pm`.")))
    for item in shown:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_listed_line(item, zone))))
    if page + 1 < pages:
        value = page_value(stream, page + 1)
        blocks.append(ActionsBlock(block_id="list_nav", elements=[
            ButtonElement(text=f"Next {LIST_PAGE_SIZE}", action_id=LIST_MORE_ACTION, value=value)
        ]))
    return message(blocks, f"{len(items)} recordings")
