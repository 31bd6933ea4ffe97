"""The use cases against in-memory ports, on a clock the test drives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recording.access import AccessGate, AccessPolicy, AccessRules
from bot.recording.manage import ManageRecordings
from bot.recording.model import RecordRequest
from bot.recording.ports import Worker
from bot.recording.reconcile import Reconcile
from bot.recording.schedule import ScheduleRecording
from bot.recording.templates import TemplateCatalog
from tests.recording.fakes import Clock, FakeDirectory, FakeLive, FakeOutbox, MemoryStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A Wednesday afternoon in Shanghai.
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI)


WORKER = Worker("test-process", timedelta(seconds=15))


@dataclass
class World:
    clock: Clock
    live: FakeLive
    store: MemoryStore
    directory: FakeDirectory
    outbox: FakeOutbox
    schedule: ScheduleRecording
    manage: ManageRecordings
    reconcile: Reconcile


def build_world(rules: AccessRules | None = None, now: datetime = NOW) -> World:
    clock = Clock(now)
    live = FakeLive(clock)
    store = MemoryStore(clock)
    directory = FakeDirectory({"U1": "Asia/Shanghai", "U2": "America/New_York"},
                              groups={"S0OPS": frozenset({"U1"})})
    gate = AccessGate(AccessPolicy(rules or AccessRules(admins=frozenset({"UADMIN"})),
                                   directory), store)
    outbox = FakeOutbox()
    return World(
        clock, live, store, directory, outbox,
        ScheduleRecording(live, store, gate, directory, clock, WORKER, outbox,
                          TemplateCatalog(live)),
        ManageRecordings(live, store, gate, clock, outbox, frozenset({"UADMIN"}),
                         ("push.example.com",)),
        Reconcile(live, store, clock, WORKER, outbox),
    )


@pytest.fixture
def world() -> World:
    return build_world()


def request(when: str = "tomorrow 8pm to 10pm", stream: str = "livetest", user: str = "U1",
            **fields: object) -> RecordRequest:
    values: dict = dict(team_id="T1", channel_id="C1", user_id=user, stream=stream,
                        when_text=when, domain="push.example.com", app="live",
                        raw_text=f"{stream} {when}")
    values.update(fields)
    return RecordRequest(**values)
