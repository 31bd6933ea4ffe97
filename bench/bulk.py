"""Bulk scheduling through the bot, as users reach it, against Tencent's 20 requests/s: how close
to the limit's floor, and no refusal.

    python bench/bulk.py [--recordings 200] [--bot-script PATH]

Starts the real bot (``python -m bot``, HTTP mode, SQLite) as a subprocess against the Live API
emulator, which answers RequestLimitExceeded to every record-task action's calls beyond 20
within a second, and the Slack fake, both in this process. After a warm-up (a `/record help`
and one command per user, so the bot knows every user's zone as in steady use), N
Slack-signed ``/record bulkNNNN tomorrow 8pm to 10pm`` commands (distinct streams, from four
users) are sent at once to ``/slack/events``; each goes the whole way a user's does: the
signature, the ack, the duplicate check, the overlap check (DescribeRecordTask), the stored
request and its root message, CreateRecordTask, the outcome in the thread.

Prints the wall time (the burst → the last thread reply) ÷ the limit's floor (2 calls × N ÷
20/s: 20 s for 200), the RequestLimitExceeded answers in the emulator's request log, and
whether every task exists exactly once, each reported in its thread. Targets (issue 8):
≤ 1.1, 0, and all. Exit status 1 when one fails.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from ack_load import RawClient, burst, command_requests, thread_replies, warm_up
from harness import USERS as BENCH_USERS
from harness import bot_env, bot_process, exit_on_sigterm, stop_quietly, verdict

from bot.sandbox import SlackFake
from bot.sandbox.live import Code, Fault, LiveEmulator

LIMIT = 20  # Tencent's limit per record-task action, requests per second
ACTIONS = ("CreateRecordTask", "DescribeRecordTask")
TARGET = 1.1


def peak_per_second(times: list[float]) -> int:
    """The most calls within any one second (a moving window, as the emulator counts)."""
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


async def run(args: argparse.Namespace) -> bool:
    count = args.recordings
    with LiveEmulator() as live, SlackFake(bot_token="xoxb-bench", users=BENCH_USERS) as slack, \
            tempfile.TemporaryDirectory(prefix="recordbot-bulk-") as tmp:
        for action in ACTIONS:
            live.inject(Fault.throttle(LIMIT, action=action))
        workdir = Path(tmp)
        bot = bot_process(bot_env(live, slack, workdir / "recordbot.db"), workdir,
                          args.bot_script)
        try:
            bot.start(timeout=120)
            with httpx.Client(timeout=30, trust_env=False) as http:
                warm_up(http, bot, slack, 2)
            await asyncio.sleep(3)  # the warm-up commands are answered
            live.clear_requests()
            streams = [f"bulk{i:04d}" for i in range(count)]
            started_at = time.time()
            sent = await burst(RawClient(), bot, command_requests(slack, streams))
            floor = 2 * count / LIMIT
            threads, created = await thread_replies(slack, sent.acks, timeout=3 * floor + 30)
        except Exception:
            print("--- last lines of the bot's log ---", file=sys.stderr)
            print("\n".join(bot.logs().splitlines()[-20:]), file=sys.stderr)
            raise
        finally:
            stop_quietly(bot)
        requests = [r for r in live.requests if r.action in ACTIONS]
        tasks = Counter(t.stream_name for t in live.tasks if t.stream_name in set(streams))

    wall = max(threads.values(), default=float("nan"))
    ratio = wall / floor
    acked = sum(1 for s in sent.acks if s.status == 200)
    answers = Counter((r.action, r.outcome) for r in requests)
    limited = sum(n for (_, outcome), n in answers.items()
                  if outcome == Code.REQUEST_LIMIT_EXCEEDED)
    once = sum(1 for s in streams if tasks.get(s) == 1)

    print(f"bulk scheduling through the bot: {count} signed /record commands at once, the "
          f"emulator throttling {' and '.join(ACTIONS)} at {LIMIT}/s each")
    print(f"{'acked (200)':<44}{acked:>9}")
    print(f"{'wall time, burst → last thread reply':<44}{wall:>9.2f} s")
    print(f"{'floor (2 calls × N ÷ 20/s)':<44}{floor:>9.2f} s")
    for action in ACTIONS:
        arrivals = sorted(r.received_at - started_at for r in requests if r.action == action)
        outcomes = ", ".join(f"{o} {n}" for (a, o), n in sorted(answers.items()) if a == action)
        print(f"{action + ' requests':<44}{len(arrivals):>9}   ({outcomes})")
        print(f"{'  most in any one second':<44}{peak_per_second(arrivals):>9}")
        if arrivals:
            print(f"{'  first / last arrived after the burst':<44}{arrivals[0]:>9.2f} s / "
                  f"{arrivals[-1]:.2f} s")
    print(f"{'most calls of both in any one second':<44}"
          f"{peak_per_second([r.received_at for r in requests]):>9}")
    print(f"{'thread replies saying created':<44}{created:>9}")
    print(f"{'streams with exactly one task':<44}{once:>9}")
    print()
    checks = [
        (f"wall ÷ floor <= {TARGET}", f"{ratio:.3f}", ratio <= TARGET),
        ("RequestLimitExceeded answers = 0", f"{limited}", limited == 0),
        (f"all {count} tasks exist once, each told in its thread", f"{once}/{count}",
         once == count and created == count and len(threads) == count and acked == count),
    ]
    ok = True
    for label, value, passed in checks:
        print(f"target: {label:<50}{value:>10} {verdict(passed)}")
        ok &= passed
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recordings", type=int, default=200, help="commands sent at once")
    parser.add_argument("--bot-script", type=Path, metavar="PY",
                        help="start the bot with this script instead of `python -m bot` "
                        "(to measure a prototype of a design change)")
    args = parser.parse_args()
    if not 1 <= args.recordings <= 1000:
        parser.error("--recordings must be between 1 and 1000")
    if args.bot_script is not None and not args.bot_script.is_file():
        parser.error(f"--bot-script: no such file {args.bot_script}")
    exit_on_sigterm()
    try:
        ok = asyncio.run(run(args))
    except KeyboardInterrupt:
        sys.exit("interrupted; the bot was stopped")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
