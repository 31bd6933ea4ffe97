"""Cost that grows with history: a store holding years of one team's past recordings against an
empty one, measured in the same run, on SQLite and on PostgreSQL.

    python bench/history.py [--history 100000] [--rounds 25] [--backend sqlite|postgresql|both]

For each backend, two bots' use cases wired as ``bot/runtime.py`` wires them
(``build_runtime``: the store, the Tencent stack, the Slack client, the outbox), in this
process, against the Live API emulator and the Slack fake (also in this process): one on an
empty store, one on a store filled through the models (``tests/support/history.py``, bulk
inserts) with ``--history`` past recordings of one team — mostly created and ran, some stopped,
cancelled or refused, each with its delivered messages, its callback events and an audit
entry; every window ended at least two days ago, on the streams the new commands use. The
rate limit is raised to 1000/s in both, so that waiting for Tencent's 20/s does not hide what
the store costs. Each runs its background work as the bot does (``start_background``: the
outbox, leases, reconciliation, root messages' phases, the live check), on the same loop and
store as the requests.

Each round, alternately on one store then the other (the order swaps every round):

* a new command, as the command listener runs it (``ScheduleRecording.run``: access, plan, the
  duplicate check, the overlap check, the stored request and its root message, Tencent's
  create, the outcome and its reply delivered to Slack): the time to the answer;
* the same command again at once: the time to the duplicate notice;
* ``/record list`` (``ManageRecordings.list``);
* one round of the background work every process does (root messages' phases, the live check,
  leases, the outbox).

Prints the median of each per store and their ratio, then the plan of every hot query on the
filled store (``bot.store.repository.hot_queries``; SQLite's ``EXPLAIN QUERY PLAN``,
PostgreSQL's ``EXPLAIN`` after ANALYZE). Targets (issue 13): each of the four with the
history ≤ 1.2 × without, on each backend. (Before migration 0007, the list took 4.1 × on
SQLite and 2.2 × on PostgreSQL, the background round 11 × and 6.4 ×; the command and the
duplicate notice, whose check the start's index already bounded, 1.0 ×.) Exit status 1 when
one fails.

PostgreSQL: ``RECORDBOT_TEST_POSTGRES_URL`` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/
test); two databases of their own are created on that server and dropped afterwards. Without
it, only SQLite is measured (and said so).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from harness import exit_on_sigterm, verdict
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import load_settings
from bot.recording.model import NewRecording, RecordRequest
from bot.recording.schedule import Duplicate, Scheduled
from bot.runtime import Runtime, build_runtime
from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from bot.store.repository import hot_queries
from tests.support.history import APP, DOMAIN, TEAM, USERS, analyze, fill_history

TARGET = 1.2
ZONE = "Asia/Shanghai"
CHANNEL = "C0HISTORY"
STREAM = "livetest"  # the history's busiest stream
SLOT = timedelta(minutes=20)
SLACK_USERS = {user: {"tz": ZONE, "name": user.lower()} for user in USERS}
OPERATIONS = ("new command", "duplicate notice", "/record list", "background round")
TARGETED = OPERATIONS


@dataclass
class Side:
    """One store (empty or with history) and the use cases on it."""

    label: str
    rt: Runtime
    times: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})


def settings_env(live: LiveEmulator, slack: SlackFake, database_url: str) -> dict[str, str]:
    secret_id, secret_key = live.default_credentials
    return {
        "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": slack.api_url, "TENCENTCLOUD_SECRET_ID": secret_id,
        "TENCENTCLOUD_SECRET_KEY": secret_key, "TENCENTCLOUD_LIVE_ENDPOINT": live.url,
        "LIVE_PUSH_DOMAIN": DOMAIN, "DATABASE_URL": database_url,
        "DEFAULT_TIMEZONE": ZONE, "TENCENTCLOUD_RATE_LIMIT": "1000", "LOG_LEVEL": "WARNING",
        # Heard callbacks: the live check runs too, as it does in a bot configured for them.
        "TENCENT_CALLBACK_KEY": "bench-callback-key", "STREAM_GRACE_SECONDS": "5",
    }


def request(slot: int, first_day: datetime) -> RecordRequest:
    """The ``slot``-th new command: the history's stream and people, a window of its own."""
    start = first_day + SLOT * slot
    when = f"{start:%Y-%m-%d %H:%M} to {start + SLOT:%H:%M}"
    return RecordRequest(team_id=TEAM, channel_id=CHANNEL, user_id=USERS[slot % len(USERS)],
                         stream=STREAM, when_text=when, domain=DOMAIN, app=APP,
                         raw_text=f"{STREAM} {when}")


async def timed(side: Side, op: str, work: Callable[[], Awaitable[object]]) -> object:
    started = time.perf_counter()
    result = await work()
    side.times[op].append(time.perf_counter() - started)
    return result


async def background_round(rt: Runtime) -> None:
    await rt.phases.round()
    await rt.callbacks.check_live()
    await rt.reconcile.due()
    await rt.heartbeat.beat()
    await rt.delivery.deliver_due()


async def one_round(side: Side, slot: int, first_day: datetime) -> None:
    rt, req = side.rt, request(slot, first_day)
    result = await timed(side, "new command", lambda: rt.schedule.run(req))
    if not isinstance(result, Scheduled):
        raise RuntimeError(f"{side.label}: a new command was answered {result!r}")
    again = await timed(side, "duplicate notice", lambda: rt.schedule.run(req))
    if not isinstance(again, Duplicate):
        raise RuntimeError(f"{side.label}: the same command again was answered {again!r}")
    await timed(side, "/record list", lambda: rt.manage.list(TEAM, req.user_id, CHANNEL))
    await timed(side, "background round", lambda: background_round(rt))


async def measure(backend: str, urls: tuple[str, str], args: argparse.Namespace,
                  live: LiveEmulator, slack: SlackFake) -> tuple[dict[str, float], bool]:
    sides: list[Side] = []
    try:
        for label, url in zip(("empty", "history"), urls, strict=True):
            rt = build_runtime(load_settings(settings_env(live, slack, url)))
            sides.append(Side(label, rt))
            await rt.start()
            rt.start_background()  # as in the bot: its rounds share the loop and the store
        now = datetime.now(UTC)
        started = time.perf_counter()
        await fill_history(sides[1].rt.store.engine, args.history, now)
        await analyze(sides[1].rt.store.engine)
        await analyze(sides[0].rt.store.engine)
        print(f"{backend}: {args.history} past recordings of team {TEAM} stored in "
              f"{time.perf_counter() - started:.1f} s")
        # New windows from the day after tomorrow, Shanghai time; each store its own slots.
        first_day = (now.astimezone(ZoneInfo(ZONE)) + timedelta(days=2)).replace(
            hour=0, minute=0, second=0, microsecond=0)
        for side in sides:  # warm: first connections, users' zones, templates
            await one_round(side, 2 * args.rounds + sides.index(side), first_day)
            side.times = {op: [] for op in OPERATIONS}
        for rnd in range(args.rounds):
            order = sides if rnd % 2 == 0 else sides[::-1]
            for side in order:
                await one_round(side, 2 * rnd + sides.index(side), first_day)
        ratios = report(backend, sides)
        await print_plans(sides[1].rt, now)
    finally:
        for side in sides:
            await side.rt.close()
    return ratios, all(ratios[op] <= TARGET for op in TARGETED)


def report(backend: str, sides: list[Side]) -> dict[str, float]:
    empty, full = sides
    print(f"{'':<22}{'empty store':>14}{'with history':>14}{'ratio':>8}   (median, ms)")
    ratios = {}
    for op in OPERATIONS:
        a, b = statistics.median(empty.times[op]), statistics.median(full.times[op])
        ratios[op] = b / a
        print(f"{op:<22}{a * 1000:>14.1f}{b * 1000:>14.1f}{b / a:>8.2f}")
    return ratios


async def print_plans(rt: Runtime, now: datetime) -> None:
    start = now + timedelta(days=2)
    command = NewRecording(team_id=TEAM, channel_id=CHANNEL, requester_id=USERS[1],
                           source="command", raw_text=STREAM, timezone=ZONE, start_time=start,
                           end_time=start + SLOT, stream_name=STREAM, domain_name=DOMAIN,
                           app_name=APP)
    print("query plans with the history:")
    for name, query in hot_queries(command, now).items():
        print(f"  {name}")
        for step in await rt.store.explain(query):
            print(f"      {step}")
    print()


@contextmanager
def sqlite_urls() -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="recordbot-history-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'empty.db'}", f"sqlite:///{Path(tmp) / 'history.db'}"


@contextmanager
def postgres_urls(server: str) -> Iterator[tuple[str, str]]:
    """Two new databases on ``server``, dropped afterwards."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    names = [f"recordbot_history_{uuid.uuid4().hex[:8]}_{side}" for side in ("empty", "full")]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        base = make_url(server)
        yield tuple(base.set(database=name).render_as_string(hide_password=False)
                    for name in names)  # type: ignore[misc]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def run(args: argparse.Namespace) -> bool:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    server = os.environ.get("RECORDBOT_TEST_POSTGRES_URL")
    if "postgresql" in backends and not server:
        print("postgresql: skipped, RECORDBOT_TEST_POSTGRES_URL is not set")
        backends.remove("postgresql")
    results: dict[str, tuple[dict[str, float], bool]] = {}
    with LiveEmulator() as live, SlackFake(bot_token="xoxb-bench", users=SLACK_USERS) as slack:
        for backend in backends:
            urls = sqlite_urls() if backend == "sqlite" else postgres_urls(server or "")
            with urls as (empty, full):
                results[backend] = await measure(backend, (empty, full), args, live, slack)
            live.reset()
    ok = bool(results)
    for backend, (ratios, _) in results.items():
        for op in TARGETED:
            passed = ratios[op] <= TARGET
            label = f"{backend}: {op} with history ÷ empty <= {TARGET}"
            print(f"target: {label:<58}{ratios[op]:>7.2f}x {verdict(passed)}")
            ok &= passed
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, default=100_000,
                        help="past recordings in the filled store")
    parser.add_argument("--rounds", type=int, default=25,
                        help="measured rounds per store; medians are over them")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if not 1 <= args.history <= 1_000_000:
        parser.error("--history must be between 1 and 1,000,000")
    if not 3 <= args.rounds <= 60:  # 2 × (rounds + 1) windows of 20 min within the week
        parser.error("--rounds must be between 3 and 60")
    exit_on_sigterm()
    try:
        ok = asyncio.run(run(args))
    except KeyboardInterrupt:
        sys.exit("interrupted")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
