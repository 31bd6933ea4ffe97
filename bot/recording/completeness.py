"""Did it record? The completeness report posted once a window has ended (plus a grace for
Tencent's file delay), and the warnings said while a window is still open.

What is known comes from the callback events the bot kept (bot.recording.callbacks): the
stream's pushes and breaks, the recording files of the task (each with its start, end,
duration, size, format and link), and the recording status events; and from
DescribeRecordTask, which says whether Tencent still has the task and when it was stopped.
Without callbacks the bot hears of no file, and the report says that it cannot know.

Each report and each warning is claimed in the store with its message (a compare-and-set on
the recording), so of several bot processes exactly one posts it, once; the outbox delivers it.
Slack-free: the report is data (bot.recording.report).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.recording.events import BREAK, PUSH, CallbackEvent, RecordFile, RecordStatus
from bot.recording.model import Post, PostKind, Recording, State, StoredEvent
from bot.recording.ports import Clock, EventReader, LiveApi, LiveApiError, Outbox, Store
from bot.recording.report import (
    CompletenessReport,
    Gap,
    GapCause,
    RecordingWarning,
    Verdict,
    WarningKind,
    Why,
)

log = logging.getLogger(__name__)

#: Uncovered stretches shorter than this (or than a twentieth of a short window) are not gaps:
#: a task starts recording a second or two after its window opens, and files are cut at whole
#: seconds.
GAP_TOLERANCE = timedelta(seconds=30)
#: Reports are written for windows that ended at most this long ago (not for old rows when
#: the feature first starts).
LOOKBACK = timedelta(days=2)
#: How far a file may end before a break and still be the file of the segment it closed.
SEGMENT_SLACK = timedelta(minutes=2)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class _Heard:
    """What the kept events say about one recording."""

    files: tuple[RecordFile, ...]
    file_times: tuple[datetime, ...]  # when each file's event arrived
    changes: tuple[tuple[datetime, int], ...]  # (time, PUSH | BREAK), in order
    statuses: tuple[tuple[datetime, str], ...]  # (time, record_event), in order


class CompletenessReports:
    def __init__(self, store: Store, live: LiveApi, clock: Clock, grace: timedelta,
                 read_event: EventReader, outbox: Outbox, callbacks: bool) -> None:
        self.store = store
        self.live = live
        self.clock = clock
        self.grace = grace
        self._read = read_event
        self.outbox = outbox
        self.callbacks = callbacks

    async def round(self) -> int:
        """One round of the job: the reports that are due, then (with callbacks) the
        warnings; how many threads were told."""
        told = len(await self.report_due())
        if self.callbacks:
            told += len(await self.warn_due())
        return told

    # ---- the report -----------------------------------------------------------------------

    async def report_due(self) -> list[tuple[Recording, CompletenessReport]]:
        now = self.clock()
        done = []
        for rec in await self.store.due_reports(now, self.grace, now - LOOKBACK):
            try:
                report = await self.report_for(rec)
            except Exception:
                log.exception("completeness report of recording %d failed; trying later",
                              rec.id)
                continue
            if not await self.store.claim_report(rec.id, now, report,
                                                 posts=[Post(PostKind.REPLY, report)]):
                continue  # another process reported it
            log.info("recording %d: completeness %s, %.1f %% of the window, %d file(s)",
                     rec.id, report.verdict, report.coverage, len(report.files))
            done.append((rec, report))
        if done:
            self.outbox.wake()
        return done

    async def report_for(self, rec: Recording) -> CompletenessReport:
        """What ``rec`` recorded against its window (which has ended)."""
        task_listed, stopped_at = await self._tencent(rec)
        if stopped_at is None and rec.state is State.STOPPED:
            stopped_at = rec.updated_at  # when the bot stopped it, near enough
        # The window Tencent was sent: whole seconds (rows stored before plans were cut to
        # the second may hold fractions, which would count as uncovered).
        start = rec.start_time.replace(microsecond=0)
        end = rec.end_time.replace(microsecond=0)
        if stopped_at is not None:
            stopped_at = min(max(stopped_at, start), end)
            end = stopped_at
        heard = await self._heard(rec, start, end)
        covered = _union([_clip(iv, start, end) for iv in map(_file_interval, heard.files)])
        covered_s = round(sum((b - a).total_seconds() for a, b in covered))
        planned_s = round((end - start).total_seconds())
        pushed = _pushed(heard.changes, await self._live_at(rec, start), start, end)
        pushed_s = round(sum((b - a).total_seconds() for a, b in pushed)) if \
            self.callbacks else None
        tolerance = min(GAP_TOLERANCE, (end - start) / 20)
        gaps = tuple(self._gap(a, b, pushed, heard.changes)
                     for a, b in _complement(covered, start, end) if b - a >= tolerance)
        events = {e for _, e in heard.statuses}
        if not heard.files:
            verdict = Verdict.NOTHING if self.callbacks else Verdict.UNKNOWN
        elif planned_s - covered_s <= tolerance.total_seconds():
            verdict = Verdict.COMPLETE
        else:
            verdict = Verdict.PARTIAL
        why = None
        if verdict is Verdict.NOTHING:
            if task_listed is False:
                why = Why.TASK_MISSING
            elif "record_start_failed" in events:
                why = Why.START_FAILED
            elif "record_error" in events:
                why = Why.RECORD_ERROR
            elif not pushed:
                why = Why.NEVER_PUSHED
            elif "record_ended" in events:
                why = Why.VOD_REFUSED
            else:
                why = Why.PUSHED_BRIEFLY
        elif verdict is Verdict.PARTIAL and "record_error" in events:
            why = Why.RECORD_ERROR
        elif verdict is Verdict.UNKNOWN and task_listed is False:
            why = Why.TASK_MISSING
        return CompletenessReport(
            start=start, end=end, verdict=verdict, files=heard.files, covered_s=covered_s,
            planned_s=planned_s, gaps=gaps if self.callbacks or heard.files else (), why=why,
            pushed_s=pushed_s, stopped_at=stopped_at, callbacks=self.callbacks,
            task_listed=task_listed)

    async def _tencent(self, rec: Recording) -> tuple[bool | None, datetime | None]:
        """Whether DescribeRecordTask lists the task, and when it was stopped (None, None
        when Tencent cannot be asked now: the report goes on without it)."""
        if not rec.task_id:
            return None, None
        try:
            tasks = await self.live.describe_record_tasks(
                int(rec.start_time.timestamp()) - 60, int(rec.end_time.timestamp()) + 60,
                stream_name=rec.stream_name)
        except LiveApiError as e:
            log.info("recording %d: DescribeRecordTask failed (%s); reporting without it",
                     rec.id, e.code)
            return None, None
        info = next((t for t in tasks if t.task_id == rec.task_id), None)
        if info is None:
            return False, None
        stopped = datetime.fromtimestamp(info.stopped, UTC) if info.stopped else None
        return True, stopped

    def _gap(self, a: datetime, b: datetime, pushed: list[Interval],
             changes: tuple[tuple[datetime, int], ...]) -> Gap:
        if not self.callbacks:
            return Gap(a, b, GapCause.UNKNOWN)
        live_s = sum((min(b, y) - max(a, x)).total_seconds() for x, y in pushed
                     if min(b, y) > max(a, x))
        if live_s >= (b - a).total_seconds() / 2:
            return Gap(a, b, GapCause.UNKNOWN)
        broke = any(kind == BREAK and a - GAP_TOLERANCE <= t <= b for t, kind in changes)
        return Gap(a, b, GapCause.BREAK if broke else GapCause.NOT_PUSHED)

    # ---- warnings while the window is open -------------------------------------------------

    async def warn_due(self) -> list[tuple[Recording, RecordingWarning]]:
        now = self.clock()
        told = []
        for rec in await self.store.due_warnings(now):
            warning = await self.warning_for(rec, now)
            if warning is None:
                continue
            if not await self.store.claim_warning(rec.id, now,
                                                  posts=[Post(PostKind.REPLY, warning)]):
                continue
            log.info("recording %d: warned (%s)", rec.id, warning.kind)
            told.append((rec, warning))
        if told:
            self.outbox.wake()
        return told

    async def warning_for(self, rec: Recording, now: datetime) -> RecordingWarning | None:
        """Whether ``rec``'s thread should hear, now, that nothing seems to be recorded: the
        stream is live but Tencent reported a record failure after its push (and no file
        came since), or a push session inside the window ended more than the grace ago and
        no file of it arrived."""
        start = rec.start_time
        heard = await self._heard(rec, start, now)
        changes = list(heard.changes)
        before = await self._live_at(rec, start)
        if before is not None:
            changes.insert(0, (before, PUSH))
        last_push = next((t for t, kind in reversed(changes) if kind == PUSH), None)
        live_now = bool(changes) and changes[-1][1] == PUSH
        if live_now and last_push is not None:
            for at, event in heard.statuses:
                if event in ("record_error", "record_start_failed") and at >= last_push \
                        and not any(t >= at for t in heard.file_times):
                    return RecordingWarning(WarningKind.LIVE_NOT_RECORDING, at, event)
        for at, kind in heard.changes:
            if kind != BREAK or at < start or at > now - self.grace:
                continue
            if not any(f.end is None or f.end >= at - SEGMENT_SLACK for f in heard.files):
                return RecordingWarning(WarningKind.NO_FILE_AFTER_BREAK, at)
        return None

    # ---- what the kept events say -----------------------------------------------------------

    async def _live_at(self, rec: Recording, at: datetime) -> datetime | None:
        """When the stream was pushed, if it was live at ``at`` (its latest change a push)."""
        latest = await self.store.latest_stream_change(rec.stream_name, rec.domain_name,
                                                       rec.app_name, at)
        if latest is None or latest.event_type != PUSH:
            return None
        return latest.event_time or latest.received_at

    async def _heard(self, rec: Recording, start: datetime, end: datetime) -> _Heard:
        rows = await self.store.recording_events(rec.task_id, rec.stream_name, rec.domain_name,
                                                 rec.app_name, start - GAP_TOLERANCE, end)
        files: dict[str, tuple[RecordFile, datetime]] = {}
        changes: list[tuple[datetime, int]] = []
        statuses: list[tuple[datetime, str]] = []
        for row in rows:
            event = self._event(row)
            if event is None:
                continue
            at = row.event_time or row.received_at
            detail = event.detail
            if isinstance(detail, RecordFile):
                if rec.task_id and event.task_id == rec.task_id:
                    key = detail.file_id or detail.video_url
                    files.setdefault(key, (detail, row.received_at))
            elif event.event_type in (PUSH, BREAK):
                if start - GAP_TOLERANCE <= at <= end:
                    changes.append((at, event.event_type))
            elif isinstance(detail, RecordStatus):
                mine = event.task_id == rec.task_id if event.task_id else True
                if mine and start - GAP_TOLERANCE <= at <= end:
                    statuses.append((at, detail.record_event))
        ordered = sorted(files.values(), key=lambda f: (_file_interval(f[0])[0], f[1]))
        return _Heard(tuple(f for f, _ in ordered), tuple(t for _, t in ordered),
                      tuple(sorted(changes)), tuple(sorted(statuses)))

    def _event(self, row: StoredEvent) -> CallbackEvent | None:
        try:
            return self._read(json.loads(row.payload))
        except Exception:  # a row this version cannot read: the report goes on without it
            log.warning("callback event %d could not be read back; left out", row.id)
            return None


# ---- intervals ------------------------------------------------------------------------------


def _file_interval(f: RecordFile) -> Interval:
    """A file's span: its start and end, or one of them and its duration."""
    length = timedelta(seconds=f.duration_s or 0)
    if f.start and f.end:
        return f.start, max(f.start, f.end)
    if f.start:
        return f.start, f.start + length
    if f.end:
        return f.end - length, f.end
    epoch = datetime.fromtimestamp(0, UTC)
    return epoch, epoch  # placed nowhere: it counts as a file, not as coverage


def _clip(iv: Interval, start: datetime, end: datetime) -> Interval:
    a, b = max(iv[0], start), min(iv[1], end)
    return (a, b) if b > a else (start, start)


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _complement(covered: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    gaps, at = [], start
    for a, b in covered:
        if a > at:
            gaps.append((at, a))
        at = max(at, b)
    if end > at:
        gaps.append((at, end))
    return gaps


def _pushed(changes: tuple[tuple[datetime, int], ...], live_since: datetime | None,
            start: datetime, end: datetime) -> list[Interval]:
    """The stretches of [start, end] the stream was pushed, from its pushes and breaks (and
    whether it was live when the window opened)."""
    spans: list[Interval] = []
    since = start if live_since is not None else None
    for at, kind in changes:
        at = min(max(at, start), end)
        if kind == PUSH and since is None:
            since = at
        elif kind == BREAK and since is not None:
            spans.append((since, at))
            since = None
    if since is not None:
        spans.append((since, end))
    return _union(spans)
