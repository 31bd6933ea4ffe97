"""The daily digest end to end: two bot processes on one PostgreSQL database with
DIGEST_CHANNEL set and a DIGEST_TIME already passed today post one digest between them, in
DEFAULT_LANGUAGE, listing tomorrow's recording and yesterday's completeness; a process started
later the same day posts nothing more.

Skipped, with the reason, where PostgreSQL or Redis is not reachable (as tests/e2e/test_replicas).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.recording.model import NewRecording, State
from bot.recording.report import CompletenessReport, Verdict
from bot.store import RecordingStore
from tests.e2e.conftest import CHANNEL, SlackClient, bot_env
from tests.e2e.test_manage import schedule
from tests.e2e.test_replicas import REDIS_URL, shared_db  # noqa: F401 (a fixture)
from tests.support.botproc import BotProcess

DIGEST = "C0DIGEST"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def after_midnight_margin() -> None:
    """"Tomorrow" for the request and for the digest must be the same day: not across
    Shanghai's midnight."""
    now = datetime.now(SHANGHAI)
    if now.hour == 23 and now.minute >= 58:
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(),
                                    SHANGHAI)
        time.sleep((midnight - now).total_seconds() + 5)


async def seed_yesterday(url: str) -> None:
    """A recording whose window ended yesterday (Tencent accepts no past window, so it is
    written as the bot would have left it), with its completeness report."""
    store = RecordingStore.from_url(url)
    try:
        today = datetime.combine(datetime.now(SHANGHAI).date(), datetime.min.time(), SHANGHAI)
        start = today - timedelta(hours=4)  # yesterday 20:00 → 22:00
        rec = await store.add(NewRecording(
            team_id="T0DIGEST", channel_id=CHANNEL, requester_id="U0BEIJING", source="command",
            raw_text="dgyesterday", timezone="Asia/Shanghai", start_time=start,
            end_time=start + timedelta(hours=2), stream_name="dgyesterday",
            domain_name="push.example.com", app_name="live", state=State.CREATED,
            task_id="1400000000-dgyesterday", root_ts="1.1"))
        report = CompletenessReport(start=rec.start_time, end=rec.end_time,
                                    verdict=Verdict.PARTIAL, covered_s=5400, planned_s=7200)
        assert await store.claim_report(rec.id, datetime.now(SHANGHAI), report)
    finally:
        await store.close()


def digests(slack) -> list[dict]:
    return slack.messages(DIGEST)


def test_two_processes_post_one_digest_in_the_default_language(live, slack, shared_db,  # noqa: F811
                                                              tmp_path: Path):
    after_midnight_margin()
    plain = bot_env(live, slack, tmp_path / "unused.db", DATABASE_URL=shared_db,
                    REDIS_URL=REDIS_URL)
    (tmp_path / "first").mkdir()
    first = BotProcess(plain, tmp_path / "first").start()
    try:
        client = SlackClient(first, slack)
        schedule(client, slack, "dgtomorrow", "tomorrow 8pm to 10pm")
        client.http.close()
    finally:
        first.stop()
    asyncio.run(seed_yesterday(shared_db))

    env = {**plain, "DIGEST_CHANNEL": DIGEST, "DIGEST_TIME": "00:00",
           "DIGEST_TIMEZONE": "Asia/Shanghai", "DEFAULT_LANGUAGE": "zh-CN"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    bots = [BotProcess(env, tmp_path / "a").start(), BotProcess(env, tmp_path / "b").start()]
    try:
        deadline = time.monotonic() + 20
        while not digests(slack) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # both processes' first round is over by now
        [msg] = digests(slack)
        text = str(msg["blocks"])
        assert "*录制日报*" in text and "`Asia/Shanghai`" in text
        assert "*明天，" in text and "`dgtomorrow`" in text and "20:00 → 22:00" in text
        assert "*昨天，" in text and "`dgyesterday`" in text and "发起人 <@U0BEIJING>" in text
        assert "录制时段的 75%" in text  # yesterday's completeness, as its report says
        assert "Tomorrow" not in text
    finally:
        for bot in bots:
            bot.stop()

    (tmp_path / "c").mkdir()
    later = BotProcess(env, tmp_path / "c").start()  # restarted the same day
    try:
        time.sleep(2)
        assert len(digests(slack)) == 1, later.logs()
    finally:
        later.stop()
