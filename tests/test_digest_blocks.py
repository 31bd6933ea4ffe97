"""The daily digest as Slack shows it (bot.slack.blocks.digest): tomorrow's recordings in the
digest's zone, yesterday's with their completeness, what was not scheduled, long lists cut."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.recording.model import Recording, State
from bot.recording.report import CompletenessReport, Digest, Verdict
from bot.slack.blocks.digest import PER_PART, digest_message
from bot.slack.i18n import Tr

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 3)


def rec(stream: str, start: datetime, hours: float = 2, state: State = State.CREATED,
        **more) -> Recording:
    return Recording(id=len(stream), team_id="T1", channel_id="C1", requester_id="U1",
                     source="command", raw_text=stream, timezone="Asia/Shanghai",
                     start_time=start, end_time=start + timedelta(hours=hours),
                     stream_name=stream, domain_name="push.example.com", app_name="live",
                     template_id=None, stream_type=0, state=state, created_at=start,
                     updated_at=start, **more)


def test_the_digest_lists_tomorrow_yesterday_with_coverage_and_failures():
    tomorrow = datetime(2026, 12, 4, 20, tzinfo=SHANGHAI)
    yesterday = datetime(2026, 12, 2, 20, tzinfo=SHANGHAI)
    report = CompletenessReport(start=yesterday, end=yesterday + timedelta(hours=2),
                                verdict=Verdict.PARTIAL, covered_s=5400, planned_s=7200)
    msg = digest_message(Tr.of("en"), Digest(
        DAY, "Asia/Shanghai",
        tomorrow=(rec("next", tomorrow), rec("overnight", tomorrow + timedelta(hours=3))),
        yesterday=(rec("done", yesterday, task_id="T", report=report),
                   rec("pending", yesterday, task_id="T2")),
        failures=(rec("refused", yesterday, state=State.FAILED,
                      error_code="InvalidParameter.InvalidTaskTime"),)))
    text = "\n".join(b["text"]["text"] for b in msg["blocks"] if b["type"] == "section")
    assert "*Recordings digest* for Thu 3 Dec (times in `Asia/Shanghai`)" in text
    assert "*Tomorrow, Fri 4 Dec*\n• `next` on `push.example.com`/`live` · 20:00 → 22:00 · " \
        "by <@U1>" in text
    assert "`overnight` on `push.example.com`/`live` · 23:00 → Sat 5 Dec 01:00" in text
    assert "*Yesterday, Wed 2 Dec*" in text
    assert "`done`" in text and ":warning: 75 % of the window · 0 files" in text
    assert "ended · completeness report pending" in text
    assert ":x: *Not scheduled yesterday*" in text
    assert ":x: not scheduled: `InvalidParameter.InvalidTaskTime`" in text
    assert msg["text"] == ("Recordings digest for Thu 3 Dec: 2 tomorrow, 2 ended yesterday, "
                           "1 not scheduled")


def test_an_empty_day_says_so_and_a_long_list_is_cut():
    start = datetime(2026, 12, 4, 8, tzinfo=SHANGHAI)
    many = tuple(rec(f"s{i:02}", start + timedelta(minutes=i)) for i in range(PER_PART + 3))
    msg = digest_message(Tr.of("en"), Digest(DAY, "Asia/Shanghai", many, (), ()))
    text = str(msg["blocks"])
    assert "`s14`" in text and "`s15`" not in text and "…and 3 more: `/record list`" in text
    assert "No recording ended yesterday." in text and "Not scheduled" not in text
    empty = str(digest_message(Tr.of("zh_TW"), Digest(DAY, "Asia/Shanghai", (), (), ()))
                ["blocks"])
    assert "明天沒有排程錄製。" in empty and "昨天沒有結束的錄製。" in empty
