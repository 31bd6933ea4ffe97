"""The daily digest on a clock the test moves: posted once at its time, by one of two
processes, caught up after downtime only while it is still that day, tried again when Slack
cannot take it, with tomorrow's recordings and how yesterday's went."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.recording.digest import RETRY, DailyDigest
from bot.recording.model import NewRecording, State
from bot.recording.outbox import TryLater
from bot.recording.ports import Worker
from bot.recording.report import CompletenessReport, Digest, Verdict
from tests.recording.fakes import Clock, MemoryStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Thursday 3 December 2026, 08:59 in Shanghai: a minute before the digest's 09:00.
BEFORE = datetime(2026, 12, 3, 8, 59, tzinfo=SHANGHAI)
AT = time(9, 0)


class Poster:
    def __init__(self) -> None:
        self.posted: list[Digest] = []
        self.fail = 0  # how many posts fail with TryLater first

    async def post(self, digest: Digest) -> None:
        if self.fail:
            self.fail -= 1
            raise TryLater("Slack is down")
        self.posted.append(digest)


def digest(clock: Clock, store: MemoryStore, poster: Poster, owner: str = "p1") -> DailyDigest:
    return DailyDigest(store, clock, poster, AT, "Asia/Shanghai", Worker(owner))


def world(now: datetime = BEFORE) -> tuple[Clock, MemoryStore, Poster]:
    clock = Clock(now.astimezone(UTC))
    return clock, MemoryStore(clock), Poster()


async def add(store: MemoryStore, stream: str, start: datetime, hours: float = 2,
              state: State = State.CREATED, **more) -> int:
    rec = await store.add(NewRecording(
        team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
        timezone="Asia/Shanghai", start_time=start, end_time=start + timedelta(hours=hours),
        stream_name=stream, domain_name="push.example.com", app_name="live", state=state,
        task_id=more.pop("task_id", f"T-{stream}" if state is not State.FAILED else None),
        **more))
    return rec.id


async def test_posted_once_at_its_time_and_not_again_that_day() -> None:
    clock, store, poster = world()
    job = digest(clock, store, poster)
    assert await job.round() is False and poster.posted == []  # 08:59
    clock.advance(timedelta(minutes=1))  # 09:00
    assert await job.round() is True
    for _ in range(3):
        clock.advance(timedelta(hours=4))  # 13:00, 17:00, 21:00: the same day
        assert await job.round() is False
    [posted] = poster.posted
    assert posted.day.isoformat() == "2026-12-03" and posted.zone == "Asia/Shanghai"
    clock.advance(timedelta(hours=3))  # 00:00 on Friday: not before 09:00
    assert await job.round() is False
    clock.advance(timedelta(hours=9))
    assert await job.round() is True
    assert [d.day.isoformat() for d in poster.posted] == ["2026-12-03", "2026-12-04"]


async def test_two_processes_post_it_once() -> None:
    clock, store, poster = world(BEFORE + timedelta(minutes=1))
    one, two = digest(clock, store, poster, "p1"), digest(clock, store, poster, "p2")
    assert [await one.round(), await two.round()] == [True, False]
    clock.advance(timedelta(minutes=30))
    assert [await two.round(), await one.round()] == [False, False]
    assert len(poster.posted) == 1


async def test_after_downtime_it_catches_up_the_same_day_only() -> None:
    # Down at 09:00; back at 15:00 the same day: posted then.
    clock, store, poster = world(BEFORE + timedelta(hours=6, minutes=1))  # 15:00
    assert await digest(clock, store, poster).round() is True
    assert [d.day.isoformat() for d in poster.posted] == ["2026-12-03"]
    # Then down from Thursday 16:00 until Saturday 08:00: Friday's is never posted (and
    # Saturday's waits for 09:00).
    clock.advance(timedelta(days=1, hours=17))  # Saturday 08:00
    job = digest(clock, store, poster, "p2")
    assert await job.round() is False
    clock.advance(timedelta(hours=1))
    assert await job.round() is True
    assert [d.day.isoformat() for d in poster.posted] == ["2026-12-03", "2026-12-05"]


async def test_slack_down_lets_the_day_go_and_it_is_posted_later_once() -> None:
    clock, store, poster = world(BEFORE + timedelta(minutes=1))
    poster.fail = 1
    one, two = digest(clock, store, poster, "p1"), digest(clock, store, poster, "p2")
    assert await one.round() is False
    assert await two.round() is False  # not before the retry
    clock.advance(RETRY)
    assert await two.round() is True
    assert await one.round() is False
    assert len(poster.posted) == 1


async def test_a_process_that_died_holding_the_day_is_taken_over() -> None:
    clock, store, poster = world(BEFORE + timedelta(minutes=1))
    assert await store.claim_digest("2026-12-03", "gone", clock() + timedelta(minutes=2),
                                    clock())
    job = digest(clock, store, poster)
    assert await job.round() is False
    clock.advance(timedelta(minutes=2))
    assert await job.round() is True and len(poster.posted) == 1


async def test_it_lists_tomorrows_recordings_and_how_yesterdays_went() -> None:
    clock, store, poster = world(BEFORE + timedelta(minutes=1))
    day = datetime(2026, 12, 3, tzinfo=SHANGHAI)
    yesterday, tomorrow = day - timedelta(days=1), day + timedelta(days=1)
    ok = await add(store, "ok", yesterday + timedelta(hours=20))
    report = CompletenessReport(
        start=yesterday + timedelta(hours=20), end=yesterday + timedelta(hours=22),
        verdict=Verdict.PARTIAL, files=(), covered_s=5400, planned_s=7200)
    await store.claim_report(ok, clock(), report)
    late = await add(store, "late", yesterday + timedelta(hours=23))  # ends today: not yet
    failed = await add(store, "refused", yesterday + timedelta(hours=10), state=State.FAILED,
                       error_code="InvalidParameter.InvalidTaskTime")
    await add(store, "today", day + timedelta(hours=20))
    first = await add(store, "first", tomorrow + timedelta(minutes=30))
    last = await add(store, "last", tomorrow + timedelta(hours=23, minutes=59), hours=1)
    await add(store, "later", tomorrow + timedelta(days=1))
    await add(store, "old", yesterday - timedelta(hours=3))  # ended the day before yesterday
    assert await digest(clock, store, poster).round() is True
    [posted] = poster.posted
    assert [r.id for r in posted.tomorrow] == [first, last]
    assert [r.id for r in posted.yesterday] == [ok]
    assert posted.yesterday[0].report == report
    assert [r.id for r in posted.failures] == [failed]
    assert late not in [r.id for r in posted.yesterday + posted.failures]


async def test_tomorrows_planned_parts_of_a_series_are_in_it() -> None:
    from bot.slack.blocks.digest import digest_message
    from bot.slack.i18n import EN

    clock, store, poster = world(BEFORE + timedelta(minutes=1))
    tomorrow = datetime(2026, 12, 4, tzinfo=SHANGHAI)
    planned = await add(store, "planned", tomorrow + timedelta(hours=20), state=State.PLANNED,
                        task_id=None)
    created = await add(store, "created", tomorrow + timedelta(hours=8))
    assert await digest(clock, store, poster).round() is True
    [posted] = poster.posted
    assert [r.id for r in posted.tomorrow] == [created, planned]
    said = str(digest_message(EN, posted)["blocks"])
    assert "`planned`" in said and "planned: its task is not created yet" in said
