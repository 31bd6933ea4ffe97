"""Bulk scheduling against Tencent's 20 requests/s: how close to the limit's floor, and no refusal.

    python bench/bulk.py [--recordings 200] [--margin SECONDS] [--workers N]

In this process: the Live API emulator answering RequestLimitExceeded to CreateRecordTask
calls beyond 20 within a second, and the bot's own service stack wired as ``bot/runtime.py``
wires it (``TencentLiveApi`` → ``GuardedLiveApi`` with the shared rate limit and retries, a
``RecordingStore`` on a temporary SQLite file, ``ScheduleRecording``), with a notifier that
shows nothing. N recordings (distinct streams, tomorrow 20:00-22:00) are planned with
``plan_recording`` and scheduled all at once, each through the whole use case (the overlap
check's DescribeRecordTask, then CreateRecordTask).

Prints the wall time ÷ the limit's floor (2 calls × N ÷ 20/s: 20 s for 200), the
RequestLimitExceeded answers in the emulator's request log, and whether every task exists
exactly once. Targets (issue 8): ≤ 1.1 and 0. Exit status 1 when one fails.

Two knobs measure what a design change would give (prototypes, not how the bot runs):

* ``--margin`` overrides ``SharedRateLimit``'s margin, which is added to every one-second
  window, so calls are spaced (1 + margin) ÷ 20 s apart;
* ``--workers N`` runs the schedules through N workers instead of all at once, as a bounded
  worker pool in the bot would: the first CreateRecordTask then waits for a few database
  writes, not for every request's duplicate check and insert ahead of it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from harness import exit_on_sigterm, verdict

from bot.config import Settings
from bot.recording.access import AccessGate, AccessPolicy, AccessRules
from bot.recording.model import (
    Plan,
    Recording,
    RecordRequest,
    State,
    UserZone,
    ZoneFallback,
)
from bot.recording.plan import plan_recording
from bot.recording.schedule import Scheduled, ScheduleRecording, ScheduleResult
from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.store import RecordingStore
from bot.tencent.live_api import TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit

LIMIT = 20  # Tencent's CreateRecordTask limit, requests per second
ZONE = "Asia/Shanghai"
WHEN = "tomorrow 8pm to 10pm"


class SilentNotifier:
    """Shows nothing: this benchmark is about the Tencent side."""

    async def announce(self, plan: Plan) -> str | None:
        return None

    async def reply(self, recording: Recording, message: object) -> None:
        pass


class OneZone:
    """Everyone is in ZONE."""

    async def zone_of(self, user_id: str) -> UserZone:
        return UserZone(ZoneInfo(ZONE), ZONE)

    def default_zone(self, fallback: ZoneFallback) -> UserZone:
        return UserZone(ZoneInfo(ZONE), ZONE, fallback)

    async def group_members(self, group_id: str) -> frozenset[str] | None:
        return None


def settings_default(name: str) -> object:
    """The bot's default for a setting (rate limit, attempts), so both run the same policy."""
    return {f.name: f.default for f in dataclasses.fields(Settings)}[name]


def peak_per_second(times: list[float]) -> int:
    """The most calls within any one second (a moving window, as the emulator counts)."""
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


async def run(count: int, db: Path, live: LiveEmulator, margin: float | None,
              workers: int | None) -> bool:
    secret_id, secret_key = live.default_credentials
    rate = int(settings_default("tencent_rate_limit"))  # type: ignore[call-overload]
    attempts = int(settings_default("tencent_attempts"))  # type: ignore[call-overload]
    limit = SharedRateLimit(None, per_second=rate,
                            **({} if margin is None else {"margin": margin}))
    api = GuardedLiveApi(
        TencentLiveApi(secret_id, secret_key, region="ap-guangzhou", endpoint=live.endpoint,
                       scheme="http", timeout=10),
        limit,
        RetryPolicy(attempts=attempts),
    )
    store = RecordingStore.from_url(f"sqlite+aiosqlite:///{db}")
    try:
        await store.migrate()
        gate = AccessGate(AccessPolicy(AccessRules(), None), store)
        service = ScheduleRecording(api, store, gate, OneZone(), lambda: datetime.now(UTC))
        now = datetime.now(ZoneInfo(ZONE))
        plans = [
            plan_recording(RecordRequest(
                team_id="T0BENCH", channel_id="C0BENCH", user_id="U0BENCH",
                stream=f"bulk{i:04d}", when_text=WHEN, domain="push.example.com", app="live",
                raw_text=WHEN,
            ), now)
            for i in range(count)
        ]
        notifier = SilentNotifier()
        started, started_at = time.perf_counter(), time.time()
        pool = asyncio.Semaphore(workers or count)

        async def schedule(plan: Plan) -> ScheduleResult:
            async with pool:
                return await service.run(plan.request, notifier, plan=plan)

        results = await asyncio.gather(*(schedule(plan) for plan in plans))
        outcomes = [r.outcome for r in results if isinstance(r, Scheduled)]
        wall = time.perf_counter() - started
        rows = await store.all()
    finally:
        await api.close()
        await store.close()

    requests = [r for r in live.requests if r.action == "CreateRecordTask"]
    answers = Counter(r.outcome for r in requests)
    limited = answers.get(Code.REQUEST_LIMIT_EXCEEDED, 0)
    tasks = Counter(t.stream_name for t in live.tasks)
    streams = {p.request.stream for p in plans}
    once = sum(1 for s in streams if tasks.get(s) == 1)
    created = sum(1 for o in outcomes if o.state is State.CREATED)
    stored = sum(1 for r in rows if r.state == State.CREATED.value and r.task_id)
    # Two calls per request under one 20/s budget: the overlap check, then the create.
    floor = 2 * count / LIMIT
    ratio = wall / floor

    changed = [f"margin {margin} s"] if margin is not None else []
    changed += [f"{workers} workers"] if workers else []
    print(f"bulk scheduling: {count} recordings at once through ScheduleRecording, emulator "
          f"throttling CreateRecordTask at {LIMIT}/s; the bot's limit {rate}/s, "
          f"{attempts} attempts" + (f"; prototype: {', '.join(changed)}" if changed else ""))
    print(f"{'wall time':<40}{wall:>9.2f} s")
    print(f"{'floor (2 calls × N ÷ 20/s)':<40}{floor:>9.2f} s")
    print(f"{'CreateRecordTask requests sent':<40}{len(requests):>9}")
    arrivals = sorted(r.received_at - started_at for r in requests)
    print(f"{'  answered':<40}{', '.join(f'{k} {v}' for k, v in sorted(answers.items()))}")
    print(f"{'  most in any one second':<40}{peak_per_second(arrivals):>9}")
    if len(arrivals) > 1:
        print(f"{'  first / last arrived after':<40}{arrivals[0]:>9.2f} s / {arrivals[-1]:.2f} s")
        spacing = (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1)
        print(f"{'  mean spacing':<40}{spacing * 1000:>9.1f} ms (the limit's is "
              f"{1000 / LIMIT:.0f} ms)")
    print(f"{'outcomes created':<40}{created:>9}")
    print(f"{'rows stored as created, with TaskId':<40}{stored:>9}")
    print(f"{'streams with exactly one task':<40}{once:>9}")
    print()
    checks = [
        ("wall ÷ floor <= 1.1", f"{ratio:.3f}", ratio <= 1.1),
        ("RequestLimitExceeded answers = 0", f"{limited}", limited == 0),
        (f"all {count} tasks exist exactly once", f"{once}/{count}",
         once == count and created == count and stored == count and len(live.tasks) == count),
    ]
    ok = True
    for label, value, passed in checks:
        print(f"target: {label:<42}{value:>10} {verdict(passed)}")
        ok &= passed
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recordings", type=int, default=200, help="recordings to schedule")
    parser.add_argument("--margin", type=float, metavar="SECONDS",
                        help="SharedRateLimit margin to try instead of the bot's default")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="prototype: schedule through N workers instead of all at once")
    args = parser.parse_args()
    if args.workers is not None and not 1 <= args.workers <= 1000:
        parser.error("--workers must be between 1 and 1000")
    if args.margin is not None and not 0 <= args.margin <= 1:
        parser.error("--margin must be between 0 and 1 second")
    if not 1 <= args.recordings <= 5000:
        parser.error("--recordings must be between 1 and 5000")
    exit_on_sigterm()
    try:
        with LiveEmulator() as live, \
                tempfile.TemporaryDirectory(prefix="recordbot-bulk-") as tmp:
            live.inject(Fault.throttle(LIMIT, action="CreateRecordTask"))
            ok = asyncio.run(run(args.recordings, Path(tmp) / "bulk.db", live, args.margin,
                                 args.workers))
    except KeyboardInterrupt:
        sys.exit("interrupted")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
