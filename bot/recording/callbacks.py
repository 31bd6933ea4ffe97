"""What Tencent's callbacks mean for the bot's recordings, and what to tell their threads.

``CallbackNotices.receive`` keeps an event (once, however often Tencent delivers it);
``handle`` works out which recordings it concerns and records that it was handled together with
the messages for their threads (the outbox delivers them); ``live_checks`` is the periodic
"is the stream live?" look at recordings whose window started a grace period ago. Slack-free:
notices are data (bot.recording.events), the Slack layer words them.

What is told, and why:

* recording file (100): always, in the thread of the recording with that TaskId (any state: a
  stopped recording has files too). One message per file.
* push (1) / break (0): in the threads of the scheduled recordings of that stream whose window
  holds the event's time. A push or break outside every window concerns nobody.
* recording status (332): only ``record_start_failed`` and ``record_error``, because they are
  news nobody else brings. The others stay quiet: a start is already told by the push, a
  pause and resume by the break and the push, and an end by the file that follows.
* nothing matched: the event is kept with what was looked for, and logged; nothing is posted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.recording.events import (
    BREAK,
    PUSH,
    CallbackEvent,
    FileReady,
    Notice,
    NotLiveYet,
    RecordFile,
    RecordingTrouble,
    RecordStatus,
    StreamChange,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import NewEvent, Post, PostKind, Recording
from bot.recording.ports import Clock, EventReader, Outbox, Store

log = logging.getLogger(__name__)

#: 332 record_event values worth a message; the rest are kept quietly (see the module doc).
LOUD_RECORD_EVENTS = frozenset({"record_start_failed", "record_error"})


@dataclass(frozen=True)
class Delivery:
    recording: Recording
    notice: Notice


@dataclass(frozen=True)
class Decision:
    """What one event leads to: the messages, and a line for the store (``outcome``)."""

    deliveries: list[Delivery] = field(default_factory=list)
    outcome: str = ""
    already_handled: bool = False

    @property
    def recording_id(self) -> int | None:
        return self.deliveries[0].recording.id if self.deliveries else None


# ---- the use case -----------------------------------------------------------------------------


class CallbackNotices:
    def __init__(self, store: Store, clock: Clock, grace: timedelta,
                 read_event: EventReader, outbox: Outbox) -> None:
        self.store = store
        self.clock = clock
        self.grace = grace
        self._read = read_event
        self.outbox = outbox

    async def receive(self, event: CallbackEvent, payload: str) -> int | None:
        """Keep one event; its id, or None when it is a redelivery of one already kept.
        ``payload`` is the JSON Tencent sent, as the adapter keeps it (without t and sign)."""
        now = self.clock()
        row = await self.store.add_callback(NewEvent(
            dedupe_key=event.dedupe_key,
            event_type=event.event_type,
            task_id=event.task_id,
            stream_name=event.stream,
            domain_name=event.domain.lower() if event.domain else None,
            app_name=event.app,
            # Without Tencent's time, the time it arrived is the best guess of when it happened.
            event_time=event.event_time or now,
            payload=payload,
            received_at=now,
        ))
        return None if row is None else row.id

    async def handle(self, callback_id: int) -> Decision:
        """Act on one kept event: record that it was handled together with the messages for
        the threads it concerns (once: of two processes, or a second call, only one stores
        them; the other finds it handled and does nothing)."""
        decision = await self.decide(callback_id)
        if decision.already_handled:
            return decision
        posts = [Post(PostKind.REPLY, d.notice, recording_id=d.recording.id)
                 for d in decision.deliveries]
        if not await self.store.mark_callback_handled(callback_id, self.clock(),
                                                      decision.recording_id, decision.outcome,
                                                      posts=posts):
            return Decision(already_handled=True)
        if posts:
            self.outbox.wake()
        log.info("callback event %d: %s", callback_id, decision.outcome)
        return decision

    async def handle_unhandled(self, received_before: datetime) -> int:
        """Act on events kept but not acted on: left from before a stop, or whose handling
        failed. Only those received before ``received_before``: later ones are being handled
        as they arrive."""
        rows = await self.store.unhandled_callbacks(received_before=received_before)
        for row in rows:
            try:
                await self.handle(row.id)
            except Exception:
                log.exception("callback event %d could not be handled", row.id)
        if rows:
            log.info("handled %d callback event(s) left unhandled", len(rows))
        return len(rows)

    async def check_live(self) -> int:
        """One round of the live check; how many threads are told."""
        return len(await self.live_checks())

    async def decide(self, callback_id: int) -> Decision:
        row = await self.store.get_callback(callback_id)
        if row is None or row.handled_at is not None:
            return Decision(already_handled=True)
        event = self._read(json.loads(row.payload))
        at = row.event_time or row.received_at
        if isinstance(event.detail, RecordFile):
            return await self._file(event, event.detail, callback_id)
        if isinstance(event.detail, StreamChange):
            return await self._stream_change(event, event.detail, at, callback_id)
        if isinstance(event.detail, RecordStatus):
            return await self._status(event, event.detail, at, callback_id)
        log.info("callback event %d: type %d is not one the bot acts on; kept",
                 callback_id, event.event_type)
        return Decision(outcome=f"ignored: event type {event.event_type}")


    async def live_checks(self) -> list[Delivery]:
        """Recordings whose window opened ``grace`` ago: is their stream live?

        Live means the newest push/break event Tencent sent for the stream up to now is a push.
        Then nothing is said if that push was inside the window (its own message told), and
        "live" is said if it came before the window opened (nobody told this thread). Not live
        and no break inside the window either: "not live yet". Each recording is checked once;
        the check is claimed in the store first, so two bot processes never both post.
        """
        now = self.clock()
        deliveries = []
        for rec in await self.store.due_live_checks(now, self.grace):
            notice = await self._live_notice(rec, now)
            posts = [] if notice is None else [Post(PostKind.REPLY, notice)]
            if not await self.store.claim_live_check(rec.id, now, posts=posts):
                continue
            if notice is not None:
                deliveries.append(Delivery(rec, notice))
        if deliveries:
            self.outbox.wake()
        return deliveries

    async def _live_notice(self, rec: Recording, now: datetime) -> Notice | None:
        """What the live check tells a recording's thread, if anything."""
        latest = await self.store.latest_stream_change(rec.stream_name, rec.domain_name,
                                                       rec.app_name, now)
        # Tencent's times are whole seconds; the window opens with its first second.
        in_window = latest is not None and latest.event_time is not None and (
            latest.event_time >= rec.start_time.replace(microsecond=0))
        if latest is not None and latest.event_type == PUSH:
            # Live: a push inside the window was told by its own message.
            return None if in_window else StreamLive(latest.event_time, before_window=True)
        if latest is None or not in_window:
            log.info("recording %d: no push of %s since its window opened at %s",
                     rec.id, rec.stream_name, rec.start_time.isoformat())
            return NotLiveYet(rec.start_time)
        return None  # a break inside the window: its own message told

    # ---- one event type each ----------------------------------------------------------

    async def _file(self, event: CallbackEvent, file: RecordFile, callback_id: int) -> Decision:
        rec = await self.store.by_task_id(event.task_id) if event.task_id else None
        if rec is None:
            log.warning("callback event %d: recording file for TaskId %s, which the bot did "
                        "not schedule; kept, nothing posted", callback_id, event.task_id or "-")
            return Decision(outcome=f"no recording with TaskId {event.task_id or '(none)'}")
        return Decision([Delivery(rec, FileReady(file))],
                         f"file posted to recording {rec.id}")

    async def _stream_change(self, event: CallbackEvent, change: StreamChange, at: datetime,
                             callback_id: int) -> Decision:
        assert event.stream and event.domain and event.app  # parse_event requires them
        recs = await self.store.recordings_in_window(event.stream, event.domain, event.app, at)
        what = "push" if event.event_type == PUSH else "break"
        if not recs:
            log.info("callback event %d: %s of %s/%s/%s, no recording in its window; kept",
                     callback_id, what, event.domain, event.app, event.stream)
            return Decision(outcome=f"{what}: no recording of the stream in its window")
        notice: Notice
        if event.event_type == BREAK:
            notice = StreamStopped(event.event_time, change.push_duration_ms, change.errcode,
                                   change.errmsg)
        else:
            notice = StreamLive(event.event_time)
        return Decision([Delivery(r, notice) for r in recs],
                        f"{what} posted to recording(s) {', '.join(str(r.id) for r in recs)}")

    async def _status(self, event: CallbackEvent, status: RecordStatus, at: datetime,
                      callback_id: int) -> Decision:
        recs: list[Recording] = []
        rec = await self.store.by_task_id(event.task_id) if event.task_id else None
        if rec is not None:
            recs = [rec]
        elif event.stream and event.domain and event.app:
            recs = await self.store.recordings_in_window(event.stream, event.domain, event.app,
                                                         at)
        if not recs:
            log.info("callback event %d: %s for %s, no matching recording; kept", callback_id,
                     status.record_event, event.task_id or event.stream or "-")
            return Decision(outcome=f"{status.record_event}: no matching recording")
        if status.record_event not in LOUD_RECORD_EVENTS:
            return Decision(outcome=f"quiet: {status.record_event} for recording {recs[0].id}")
        ids = ", ".join(str(r.id) for r in recs)
        return Decision([Delivery(r, RecordingTrouble(status.record_event)) for r in recs],
                        f"{status.record_event} posted to recording(s) {ids}")
