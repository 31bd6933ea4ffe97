"""The completeness report and the open window's warnings, against in-memory ports on a clock
the test moves: what was recorded against what was planned, said once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.recording.completeness import CompletenessReports
from bot.recording.model import NewEvent, NewRecording, State
from bot.recording.ports import OutcomeUnknown, RecordTaskInfo
from bot.recording.report import (
    CompletenessReport,
    GapCause,
    RecordingWarning,
    Verdict,
    WarningKind,
    Why,
)
from bot.recording.schedule import Scheduled
from bot.tencent.callbacks import parse_event
from tests.recording.conftest import NOW, build_world, request
from tests.recording.fakes import Clock, FakeLive, FakeOutbox, MemoryStore

T0 = datetime(2026, 11, 26, 12, tzinfo=UTC)  # the window: 12:00 → 14:00 UTC
END = T0 + timedelta(hours=2)
GRACE = timedelta(minutes=5)
DOMAIN = "push.example.com"


class World:
    def __init__(self, now: datetime, callbacks: bool = True, shared=None) -> None:
        """``shared``: a scheduling world (tests/recording/conftest.py) whose clock, store and
        Tencent this one reports on."""
        self.clock = shared.clock if shared else Clock(now)
        self.store = shared.store if shared else MemoryStore(self.clock)
        self.live = shared.live if shared else FakeLive(self.clock)
        self.outbox = FakeOutbox()
        self.reports = CompletenessReports(self.store, self.live, self.clock, GRACE,
                                           parse_event, self.outbox, callbacks=callbacks)
        self._n = 0

    async def recording(self, stream: str = "show", state: State = State.CREATED):
        self._n += 1
        task_id = f"TASK{self._n}"
        rec = await self.store.add(NewRecording(
            team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
            timezone="Asia/Shanghai", start_time=T0, end_time=END, stream_name=stream,
            domain_name=DOMAIN, app_name="live", state=state, task_id=task_id,
            root_ts="1.1"))
        self.live.tasks[task_id] = RecordTaskInfo(task_id, stream, DOMAIN, "live",
                                                  int(T0.timestamp()), int(END.timestamp()),
                                                  0, 0)
        return rec

    async def event(self, payload: dict) -> None:
        event = parse_event(payload)
        await self.store.add_callback(NewEvent(
            dedupe_key=event.dedupe_key, event_type=event.event_type, task_id=event.task_id,
            stream_name=event.stream, domain_name=event.domain, app_name=event.app,
            event_time=event.event_time or self.clock(), payload=json.dumps(payload),
            received_at=self.clock()))

    async def push(self, stream: str, at: datetime, seq: str = "s1") -> None:
        await self.event({"event_type": 1, "app": DOMAIN, "appname": "live",
                          "stream_id": stream, "sequence": seq,
                          "event_time": int(at.timestamp())})

    async def brk(self, stream: str, at: datetime, pushed: timedelta, seq: str = "s1") -> None:
        await self.event({"event_type": 0, "app": DOMAIN, "appname": "live",
                          "stream_id": stream, "sequence": seq,
                          "event_time": int(at.timestamp()),
                          "push_duration": str(int(pushed.total_seconds() * 1000))})

    async def file(self, rec, file_id: str, start: datetime, end: datetime,
                   size: int = 100 * 2**20) -> None:
        await self.event({"event_type": 100, "app": DOMAIN, "appname": "live",
                          "stream_id": rec.stream_name, "task_id": rec.task_id,
                          "file_id": file_id, "file_format": "hls",
                          "start_time": int(start.timestamp()), "end_time": int(end.timestamp()),
                          "duration": int((end - start).total_seconds()), "file_size": size,
                          "video_url": f"https://vod.example.com/{file_id}.m3u8"})

    async def status(self, rec, record_event: str, at: datetime, seq: str) -> None:
        await self.event({"event_type": 332, "appname": "live", "domain": DOMAIN,
                          "stream_id": rec.stream_name, "session_id": rec.task_id,
                          "record_event": record_event, "seq": seq,
                          "event_time": int(at.timestamp())})

    def reports_posted(self) -> list[CompletenessReport]:
        return self.store.messages(CompletenessReport)


async def test_files_covering_the_whole_window_report_100_percent_once() -> None:
    w = World(END + GRACE + timedelta(seconds=1))
    rec = await w.recording()
    await w.push("show", T0 - timedelta(minutes=1))
    await w.file(rec, "a", T0, T0 + timedelta(hours=1))
    await w.file(rec, "b", T0 + timedelta(hours=1), END)
    assert await w.reports.round() == 1
    assert await w.reports.round() == 0  # once
    [report] = w.reports_posted()
    assert report.verdict is Verdict.COMPLETE and report.coverage == 100.0
    assert [f.file_id for f in report.files] == ["a", "b"]
    assert report.total_duration_s == 7200 and report.total_size == 200 * 2**20
    assert report.gaps == () and report.task_listed is True
    assert (await w.store.get(rec.id)).report == report


async def test_the_report_waits_for_the_grace_after_the_window() -> None:
    w = World(END + GRACE - timedelta(seconds=1))
    await w.recording()
    assert await w.reports.round() == 0
    w.clock.advance(timedelta(seconds=2))
    assert await w.reports.round() == 1


async def test_a_break_makes_a_gap_and_the_coverage_says_how_much() -> None:
    w = World(END + GRACE)
    rec = await w.recording()
    await w.push("show", T0, "s1")
    await w.brk("show", T0 + timedelta(minutes=30), timedelta(minutes=30), "s1")
    await w.push("show", T0 + timedelta(minutes=60), "s2")
    await w.file(rec, "a", T0, T0 + timedelta(minutes=30))
    await w.file(rec, "b", T0 + timedelta(minutes=60), END)
    await w.reports.round()
    [report] = w.reports_posted()
    assert report.verdict is Verdict.PARTIAL and report.coverage == 75.0
    [gap] = report.gaps
    assert (gap.start, gap.end, gap.cause) == (T0 + timedelta(minutes=30),
                                               T0 + timedelta(minutes=60), GapCause.BREAK)
    assert report.pushed_s == 90 * 60


async def test_a_window_without_a_push_reports_nothing_recorded_and_why() -> None:
    w = World(END + GRACE)
    await w.recording()
    await w.reports.round()
    [report] = w.reports_posted()
    assert report.verdict is Verdict.NOTHING and report.why is Why.NEVER_PUSHED
    assert report.coverage == 0.0 and report.pushed_s == 0
    [gap] = report.gaps
    assert gap.cause is GapCause.NOT_PUSHED and gap.seconds == 7200


async def test_nothing_recorded_says_the_likeliest_reason() -> None:
    w = World(END + GRACE)
    brief = await w.recording("brief")
    await w.push("brief", T0 + timedelta(minutes=10), "b1")
    await w.brk("brief", T0 + timedelta(minutes=12), timedelta(minutes=2), "b1")
    failed = await w.recording("failed")
    await w.push("failed", T0, "f1")
    await w.status(failed, "record_start_failed", T0 + timedelta(seconds=5), "1")
    refused = await w.recording("refused")
    await w.push("refused", T0, "r1")
    await w.status(refused, "record_ended", END, "2")
    gone = await w.recording("gone")
    del w.live.tasks[gone.task_id]
    await w.reports.round()
    why = {w.store.rows[p.recording_id].stream_name: p.message.why
           for p in w.store.outbox if isinstance(p.message, CompletenessReport)}
    assert why == {"brief": Why.PUSHED_BRIEFLY, "failed": Why.START_FAILED,
                   "refused": Why.VOD_REFUSED, "gone": Why.TASK_MISSING}
    assert next(p.message for p in w.store.outbox
                if p.recording_id == brief.id).pushed_s == 120


async def test_without_callbacks_the_report_says_it_cannot_know() -> None:
    w = World(END + GRACE, callbacks=False)
    await w.recording()
    await w.reports.round()
    [report] = w.reports_posted()
    assert report.verdict is Verdict.UNKNOWN and report.callbacks is False
    assert report.pushed_s is None and report.gaps == ()


async def test_a_stopped_recording_is_measured_until_its_stop_and_tencent_may_be_down() -> None:
    stop = T0 + timedelta(minutes=30)
    w = World(stop)
    rec = await w.recording(state=State.STOPPED)
    w.live.tasks[rec.task_id] = w.live.tasks[rec.task_id].__class__(
        rec.task_id, "show", DOMAIN, "live", int(T0.timestamp()), int(END.timestamp()), 0,
        int(stop.timestamp()))
    await w.store.update(rec.id)  # updated_at: now, so the grace counts from here
    await w.file(rec, "a", T0, stop)
    assert await w.reports.round() == 0  # within the grace of the stop
    w.clock.advance(GRACE + timedelta(seconds=1))
    w.live.fail["describe"] = OutcomeUnknown("ClientNetworkError", "down")
    await w.reports.round()
    [report] = w.reports_posted()
    # Tencent could not be asked: the bot's own stop time (its update) is used.
    assert report.task_listed is None and report.stopped_at is not None
    assert report.verdict is Verdict.COMPLETE


async def test_live_but_failing_is_warned_once_while_the_window_is_open() -> None:
    w = World(T0 + timedelta(minutes=10))
    rec = await w.recording()
    await w.push("show", T0 + timedelta(minutes=1))
    assert await w.reports.round() == 0
    await w.status(rec, "record_error", T0 + timedelta(minutes=2), "1")
    assert await w.reports.round() == 1
    assert await w.reports.round() == 0
    [warning] = w.store.messages(RecordingWarning)
    assert warning.kind is WarningKind.LIVE_NOT_RECORDING
    assert warning.record_event == "record_error"


async def test_no_file_long_after_a_break_is_warned() -> None:
    w = World(T0 + timedelta(minutes=18))
    await w.recording()
    await w.push("show", T0)
    await w.brk("show", T0 + timedelta(minutes=15), timedelta(minutes=15))
    assert await w.reports.round() == 0  # the file may still come
    w.clock.advance(GRACE + timedelta(seconds=1))
    assert await w.reports.round() == 1
    [warning] = w.store.messages(RecordingWarning)
    assert warning.kind is WarningKind.NO_FILE_AFTER_BREAK
    assert warning.since == T0 + timedelta(minutes=15)
    other = await w.recording("other")
    await w.push("other", T0)
    await w.brk("other", T0 + timedelta(minutes=15), timedelta(minutes=15))
    await w.file(other, "ok", T0, T0 + timedelta(minutes=15))
    assert await w.reports.round() == 0  # its file came: nothing to warn about


@pytest.mark.parametrize("fraction", [0, 0.3, 0.5, 0.7, 0.999])
async def test_a_window_scheduled_mid_second_is_measured_as_tencent_records_it(fraction) -> None:
    """``for 10 seconds`` at hh:mm:ss.7 used to be stored as ss.7 → ss+10.7 while Tencent was
    sent (and records) the whole seconds ss → ss+10: a break of 3 s in files covering 7 s
    came out as 60 % with a 0.7 s "gap" at the end, whenever the command arrived in the
    second half of a second. The stored window is now the one sent."""
    sched = build_world(now=NOW + timedelta(seconds=fraction))
    result = await sched.schedule.run(request("for 10 seconds"))
    assert isinstance(result, Scheduled), result
    rec = result.recording
    [task] = sched.live.tasks.values()
    assert rec.start_time.timestamp() == task.start_time
    assert rec.end_time.timestamp() == task.end_time == task.start_time + 10
    s = datetime.fromtimestamp(task.start_time, UTC)
    w = World(NOW, shared=sched)
    await w.push("livetest", s, "s1")
    await w.brk("livetest", s + timedelta(seconds=3), timedelta(seconds=3), "s1")
    await w.push("livetest", s + timedelta(seconds=6), "s2")
    await w.file(rec, "a", s, s + timedelta(seconds=3))
    await w.file(rec, "b", s + timedelta(seconds=6), s + timedelta(seconds=10))
    w.clock.advance(timedelta(seconds=10) + GRACE + timedelta(seconds=1))
    assert await w.reports.round() == 1
    [report] = w.reports_posted()
    assert (report.covered_s, report.planned_s, report.coverage) == (7, 10, 70.0)
    assert [(g.start - s, g.end - s, g.cause) for g in report.gaps] == [
        (timedelta(seconds=3), timedelta(seconds=6), GapCause.BREAK)]


async def test_a_row_stored_with_a_fraction_of_a_second_is_measured_in_whole_seconds() -> None:
    """Rows scheduled before that fix keep their fractions; the report measures them against
    the whole seconds Tencent was sent (int() of each end)."""
    w = World(END + GRACE + timedelta(seconds=1))
    rec = await w.store.add(NewRecording(
        team_id="T1", channel_id="C1", requester_id="U1", source="command", raw_text="x",
        timezone="Asia/Shanghai", start_time=T0 + timedelta(seconds=0.7),
        end_time=END + timedelta(seconds=0.7), stream_name="show", domain_name=DOMAIN,
        app_name="live", state=State.CREATED, task_id="TASK9", root_ts="1.1"))
    w.live.tasks["TASK9"] = RecordTaskInfo("TASK9", "show", DOMAIN, "live",
                                           int(T0.timestamp()), int(END.timestamp()), 0, 0)
    await w.push("show", T0)
    await w.file(rec, "a", T0, END)
    assert await w.reports.round() == 1
    [report] = w.reports_posted()
    assert (report.start, report.end) == (T0, END)
    assert report.verdict is Verdict.COMPLETE and report.gaps == ()
    assert (report.covered_s, report.planned_s) == (7200, 7200)
