"""Several bot processes on one Redis, a burst from each: their Tencent calls together against
the 20/s limit, as Tencent counts them (per action, at arrival).

    python bench/replicas_rate.py [--replicas 2] [--schedules 50] [--creates-only]
                                  [--stalls MS] [--redis URL] [--no-before]

The Live API emulator runs in this process and answers RequestLimitExceeded beyond 20 calls
within a second to each of Create/Describe/Stop/DeleteRecordTask. Each replica is a process of
its own (this script with ``--replica``) running the bot's Tencent stack as ``bot/runtime.py``
builds it: ``TencentLiveApi`` (the real SDK, over HTTP) behind ``GuardedLiveApi`` with the
shared rate limit on one Redis key and the bot's retries. Once every replica is up (imports
done, one unlimited DescribeLiveRecordTemplates call made so its connection is warm), all are
told to go at once, and each schedules ``--schedules`` recordings at once the way the bot
does: a DescribeRecordTask (the overlap check), then a CreateRecordTask. ``--creates-only``
skips the DescribeRecordTask, so that the whole budget falls on one action. ``--stalls MS``
holds each replica's event loop for up to MS ms every 50-150 ms, as a busy bot's other work
(parsing, database writes, Slack answers) does.

Three runs of the same burst, in this order:

* one process alone, with every replica's schedules: the yardstick, measured in the same run;
* ``--replicas`` processes with the limit as it was before (a ``limits`` moving window in Redis
  and each process spacing its own calls; issue 13 measured 21–24 calls in one second and
  12–27 RequestLimitExceeded answers per run that way): ``--no-before`` skips it;
* ``--replicas`` processes with the shared limit as it is now: one schedule of slots in Redis.

For each it prints the most calls that arrived within any one second, per action and all
together, and within any half second (bunching); the headroom (how much sooner the closest
call over the limit could have arrived without being throttled: the jitter the run absorbed
with room to spare); the RequestLimitExceeded answers; and the wall time ÷ the floor (every
call ÷ 20/s, under one budget). Targets, for the run as it is now: the peak of every
action ≤ 20, no RequestLimitExceeded, wall ÷ floor ≤ 1.15, every task created exactly once;
its wall time ÷ the lone process's is printed beside them. Exit status 1 when one fails.

Redis: ``--redis``, else ``RECORDBOT_TEST_REDIS_URL``, else ``REDIS_URL``, else
redis://127.0.0.1:6379/0; each run uses a key of its own, deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio
from harness import exit_on_sigterm, verdict

from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.tencent.live_api import LiveApiError, RecordTaskSpec, TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit

LIMIT = 20  # Tencent's limit per record-task action, calls per second
ACTIONS = ("CreateRecordTask", "DescribeRecordTask", "StopRecordTask", "DeleteRecordTask")
DOMAIN, APP, REGION = "push.example.com", "live", "ap-guangzhou"
READY_TIMEOUT = 60.0
SECRET_ENV = ("BENCH_LIVE_SECRET_ID", "BENCH_LIVE_SECRET_KEY")


# --------------------------------------------------------------------------------------------
# A replica: python bench/replicas_rate.py --replica …
# --------------------------------------------------------------------------------------------


class MovingWindowLimit:
    """The limit as it was before one schedule of slots (before aed5a9e), for comparison only:
    a ``limits`` moving window of ``per_second`` calls in Redis, and each process spacing its
    own calls ``(1 + margin) / per_second`` apart; a caller finding the window full sleeps
    until it moves, plus ``margin``."""

    def __init__(self, url: str, per_second: int, key: str, margin: float = 0.05) -> None:
        from limits import RateLimitItemPerSecond
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import MovingWindowRateLimiter

        self._item = RateLimitItemPerSecond(per_second)
        self._key = key
        self._margin = margin
        self._pool = redis.asyncio.ConnectionPool.from_url(url)
        storage = RedisStorage("async+" + url, implementation="redispy",
                               connection_pool=self._pool)  # type: ignore[arg-type]
        self._window = MovingWindowRateLimiter(storage)
        self._turn = asyncio.Lock()
        self._spacing = (1 + margin) / per_second
        self._next_turn = 0.0

    async def acquire(self) -> None:
        async with self._turn:
            pause = self._next_turn - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            while not await self._window.hit(self._item, self._key):
                stats = await self._window.get_window_stats(self._item, self._key)
                await asyncio.sleep(max(stats.reset_time - time.time() + self._margin, 0.01))
            self._next_turn = time.monotonic() + self._spacing

    async def close(self) -> None:
        await self._pool.disconnect()


async def other_work(longest: float) -> None:
    """What else a bot's event loop does (parsing, database writes, Slack answers), as stalls:
    every 50-150 ms the loop is held for up to ``longest`` seconds."""
    while True:
        await asyncio.sleep(random.uniform(0.05, 0.15))
        time.sleep(random.uniform(0, longest))  # blocks the loop, as synchronous work does


async def replica(args: argparse.Namespace) -> None:
    """Build the stack, warm it, say ``ready``, wait for ``go``, burst, print the result."""
    secret_id, secret_key = (os.environ[name] for name in SECRET_ENV)
    sdk = TencentLiveApi(secret_id, secret_key, REGION, args.endpoint, "http", timeout=10)
    if args.limit == "before":
        limit: object = MovingWindowLimit(args.redis, LIMIT, args.key)
    else:
        limit = SharedRateLimit(args.redis, per_second=LIMIT, key=args.key)
    api = GuardedLiveApi(sdk, limit, RetryPolicy())  # type: ignore[arg-type]
    try:
        await api.describe_record_templates()  # imports and the connection; not limited
        print("ready", flush=True)
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "go":
            return
        started = time.time()
        busy = asyncio.create_task(other_work(args.stalls / 1000)) if args.stalls else None
        base = int(started) + 86400  # tomorrow, a window per stream

        async def schedule(n: int) -> str:
            spec = RecordTaskSpec(stream_name=f"{args.name}-{n:04d}", domain_name=DOMAIN,
                                  app_name=APP, start_time=base, end_time=base + 7200)
            try:
                if not args.creates_only:  # the overlap check
                    await api.describe_record_tasks(spec.start_time, spec.end_time,
                                                    spec.stream_name, DOMAIN, APP)
                await api.create_record_task(spec)
            except LiveApiError as err:
                return err.code
            return "created"

        outcomes = await asyncio.gather(*(schedule(n) for n in range(args.schedules)))
        finished = time.time()
        if busy is not None:
            busy.cancel()
    finally:
        await api.close()
    print(json.dumps({"started": started, "finished": finished,
                      "outcomes": dict(Counter(outcomes))}), flush=True)


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    processes: int
    schedules: int  # per process
    calls_per_schedule: int
    wall: float
    peaks: dict[str, int]
    peak_all: int
    half_peak: int  # the most calls (all actions) within any half second
    headroom: float  # the shortest span of LIMIT + 1 calls of one action, less one second
    throttled: int
    calls: int  # requests of the four actions, retries included
    tasks_once: int
    outcomes: Counter[str]

    @property
    def floor(self) -> float:
        return self.processes * self.schedules * self.calls_per_schedule / LIMIT

    @property
    def ratio(self) -> float:
        return self.wall / self.floor


def most_within(times: list[float], seconds: float = 1.0) -> int:
    """The most of ``times`` within any window of ``seconds`` (a moving window, as the
    emulator's)."""
    times, best, first = sorted(times), 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= seconds:
            first += 1
        best = max(best, last - first + 1)
    return best


def headroom(times: list[float]) -> float:
    """How much sooner than it did the closest call over the limit could have arrived before
    the limit was overrun: the shortest span of LIMIT + 1 consecutive arrivals, less one second
    (negative: overrun). Infinite when there are not that many calls."""
    times = sorted(times)
    spans = [b - a for a, b in zip(times, times[LIMIT:], strict=False)]
    return min(spans) - 1.0 if spans else float("inf")


class Replica:
    """A replica process, and the lines it prints, read by a thread (so waits can time out)."""

    def __init__(self, name: str, limit: str, schedules: int, options: list[str],
                 live: LiveEmulator, redis_url: str, key: str, log: Path) -> None:
        env = {**os.environ, **dict(zip(SECRET_ENV, live.default_credentials, strict=True))}
        for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                      "all_proxy"):
            env.pop(proxy, None)  # loopback traffic must not go through a proxy
        command = [sys.executable, str(Path(__file__).resolve()), "--replica", "--name", name,
                   "--limit", limit, "--schedules", str(schedules), "--endpoint",
                   live.endpoint, "--redis", redis_url, "--key", key, *options]
        self.log = log
        with log.open("w") as err:
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, text=True, env=env)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def line(self, timeout: float) -> str:
        """The next line it prints, or a RuntimeError with the end of its log."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"a replica gave no answer (exit status {self.proc.poll()}):\n"
                               f"{tail}")
        return line

    def say(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        """Let it finish closing, or end it."""
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def burst(label: str, limit: str, processes: int, schedules: int, args: argparse.Namespace,
          live: LiveEmulator, tmp: Path) -> Run:
    live.reset()
    for action in ACTIONS:
        live.inject(Fault.throttle(LIMIT, action=action))
    key = f"recordbot-bench-{uuid.uuid4().hex}"
    redis_url = args.redis
    options = ["--stalls", str(args.stalls)] + (["--creates-only"] if args.creates_only else [])
    replicas = [Replica(f"{limit}{processes}r{n}", limit, schedules, options, live, redis_url,
                        key, tmp / f"{limit}-{processes}-{n}.log") for n in range(processes)]
    calls_per_schedule = 1 if args.creates_only else 2
    try:
        for rep in replicas:
            if rep.line(READY_TIMEOUT) != "ready":
                raise RuntimeError(f"a replica did not get ready; see {rep.log}")
        live.clear_requests()  # the warm-up calls are not part of the burst
        for rep in replicas:
            rep.say("go")
        budget = 10 * processes * schedules * calls_per_schedule / LIMIT + 60
        results = [json.loads(rep.line(budget)) for rep in replicas]
    finally:
        for rep in replicas:
            rep.stop()
        asyncio.run(_forget(redis_url, key))
    requests = [r for r in live.requests if r.action in ACTIONS]
    tasks = Counter(t.stream_name for t in live.tasks)
    outcomes: Counter[str] = Counter()
    for result in results:
        outcomes.update(result["outcomes"])
    return Run(
        label=label, processes=processes, schedules=schedules,
        calls_per_schedule=calls_per_schedule,
        wall=max(r["finished"] for r in results) - min(r["started"] for r in results),
        peaks=live.peak_calls_per_second(),
        peak_all=most_within([r.received_at for r in requests]),
        half_peak=most_within([r.received_at for r in requests], 0.5),
        headroom=min(headroom([r.received_at for r in requests if r.action == action])
                     for action in ACTIONS),
        throttled=sum(1 for r in requests if r.outcome == Code.REQUEST_LIMIT_EXCEEDED),
        calls=len(requests),
        tasks_once=sum(1 for count in tasks.values() if count == 1),
        outcomes=outcomes,
    )


async def _forget(redis_url: str, key: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        async for name in client.scan_iter(match=f"*{key}*"):  # either limit's keys
            await client.delete(name)
    finally:
        await client.aclose()


async def _reachable(redis_url: str) -> str | None:
    client = redis.asyncio.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        await client.ping()
    except (OSError, redis.RedisError, TimeoutError) as err:
        return type(err).__name__
    finally:
        await client.aclose()
    return None


def room(seconds: float) -> str:
    return "-" if seconds == float("inf") else f"{seconds * 1000:.0f}ms"


def report(runs: list[Run], now: Run, alone: Run) -> bool:
    print(f"Tencent's limit: {LIMIT}/s per action, counted at arrival; the bot's budget "
          f"{LIMIT}/s for the four actions together")
    print(f"{'':<40}{'':>6}{'most calls in 1 s':^22}{'in ½ s':>7}{'head-':>7}")
    print(f"{'run':<40}{'calls':>6}{'Create':>8}{'Describe':>9}{'all':>5}{'all':>7}"
          f"{'room':>7}{'RLE':>5}{'wall s':>8}{'floor s':>8}{'÷ floor':>8}")
    for run in runs:
        print(f"{run.label:<40}{run.calls:>6}{run.peaks.get('CreateRecordTask', 0):>8}"
              f"{run.peaks.get('DescribeRecordTask', 0):>9}{run.peak_all:>5}"
              f"{run.half_peak:>7}{room(run.headroom):>7}{run.throttled:>5}"
              f"{run.wall:>8.2f}{run.floor:>8.2f}{run.ratio:>8.3f}")
    print(f"headroom: how much sooner the closest call over {LIMIT} in a second could have "
          f"arrived without a RequestLimitExceeded (network jitter it absorbs)")
    print()
    expected = now.processes * now.schedules
    worst = max(now.peaks.get(a, 0) for a in ACTIONS)
    print(f"{now.label}: wall time ÷ the lone process's {now.wall / alone.wall:.3f}; peak "
          f"÷ the lone process's {now.peak_all / max(alone.peak_all, 1):.2f}")
    checks = [
        (f"peak per action <= {LIMIT}/s", f"{worst}", worst <= LIMIT),
        ("RequestLimitExceeded answers = 0", f"{now.throttled}", now.throttled == 0),
        ("wall ÷ floor <= 1.15", f"{now.ratio:.3f}", now.ratio <= 1.15),
        (f"all {expected} tasks exist exactly once", f"{now.tasks_once}/{expected}",
         now.tasks_once == expected and now.outcomes == Counter(created=expected)),
    ]
    ok = True
    for label, value, passed in checks:
        print(f"target: {label:<42}{value:>10} {verdict(passed)}")
        ok &= passed
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="bot processes sharing Redis")
    parser.add_argument("--schedules", type=int, default=50,
                        help="recordings each replica schedules at once")
    parser.add_argument("--creates-only", action="store_true",
                        help="no DescribeRecordTask before each CreateRecordTask")
    parser.add_argument("--stalls", type=float, default=0, metavar="MS",
                        help="hold each replica's event loop up to MS ms every 50-150 ms, as "
                             "a busy bot's other work does")
    parser.add_argument("--redis", default=(os.environ.get("RECORDBOT_TEST_REDIS_URL")
                                            or os.environ.get("REDIS_URL")
                                            or "redis://127.0.0.1:6379/0"))
    parser.add_argument("--no-before", action="store_true",
                        help="skip the run with the limit as it was before")
    parser.add_argument("--replica", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--limit", choices=("now", "before"), default="now",
                        help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica:
        asyncio.run(replica(args))
        return
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas must be between 1 and 16")
    if not 1 <= args.schedules <= 1000:
        parser.error("--schedules must be between 1 and 1000")
    exit_on_sigterm()
    problem = asyncio.run(_reachable(args.redis))
    if problem is not None:
        sys.exit(f"no Redis reachable at {args.redis} ({problem}); start one or pass --redis")

    n, per = args.replicas, args.schedules
    try:
        with LiveEmulator() as live, \
                tempfile.TemporaryDirectory(prefix="recordbot-replicas-") as tmp:
            def run(label: str, limit: str, processes: int, schedules: int) -> Run:
                return burst(label, limit, processes, schedules, args, live, Path(tmp))

            alone = run("1 process alone (yardstick)", "now", 1, n * per)
            runs = [alone]
            if not args.no_before:
                runs.append(run(f"{n} replicas, before: moving window", "before", n, per))
            now = run(f"{n} replicas, now: one schedule in Redis", "now", n, per)
            runs.append(now)
    except KeyboardInterrupt:
        sys.exit("interrupted; the replicas started were stopped")
    except RuntimeError as err:
        sys.exit(str(err))
    calls = "a CreateRecordTask" if args.creates_only else ("a DescribeRecordTask, then a "
                                                             "CreateRecordTask")
    print(f"{n} replicas × {per} recordings at once ({calls} each), emulator throttling each "
          f"record-task action at {LIMIT}/s")
    sys.exit(0 if report(runs, now, alone) else 1)


if __name__ == "__main__":
    main()
