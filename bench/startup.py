"""Start-up time and idle memory of the bot, beside a bare Bolt app's, in one run.

    python bench/startup.py [--runs 5] [--idle 3]

Starts the real bot (``python -m bot``, HTTP mode, against the Live API emulator and the Slack
fake in this process) and ``bench/bare_bolt.py`` alternately, ``--runs`` times each, after one
unmeasured start of each (so that both find the OS's file cache equally warm). For each start:

  * ready: process start → the first ``GET /readyz`` answered 200 (the bot reports ready once
    its database is migrated and its time parser warmed up, and its database answers; uvicorn
    listens only after the first two);
  * RSS: VmRSS from /proc/<pid>/status after ``--idle`` seconds of idling once ready, and
    VmHWM, the peak so far.

Prints the medians side by side and the bot ÷ bare ratios. The issue sets no target for these:
they are figures to watch. Exit status 1 only when a process does not become ready.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from harness import (
    USERS,
    bare_bolt_process,
    bot_env,
    exit_on_sigterm,
    status_kib,
    stop_quietly,
)

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from tests.support.botproc import BotProcess

POLL = 0.01  # seconds between /readyz polls


@dataclass(frozen=True)
class Start:
    ready: float  # seconds from process start to the first 200
    rss_kib: int
    hwm_kib: int


def health(url: str) -> int | None:
    """The status of GET /readyz, or None when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def start_once(proc: BotProcess, idle: float, timeout: float) -> Start:
    url = proc.url + "/readyz"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    urllib.request.install_opener(opener)  # loopback only, whatever the environment says
    started = time.perf_counter()
    proc.start(wait_ready=False)
    assert proc.proc is not None
    try:
        while True:
            elapsed = time.perf_counter() - started
            if proc.proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.proc.returncode}:\n{proc.logs()[-2000:]}")
            if elapsed > timeout:
                raise RuntimeError(f"not ready after {timeout:.0f} s:\n{proc.logs()[-2000:]}")
            if health(url) == 200:
                ready = time.perf_counter() - started
                break
            time.sleep(POLL)
        time.sleep(idle)
        rss = status_kib(proc.proc.pid, "VmRSS")
        hwm = status_kib(proc.proc.pid, "VmHWM")
    finally:
        stop_quietly(proc)
    return Start(ready, rss, hwm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured starts of each app")
    parser.add_argument("--idle", type=float, default=3.0,
                        help="seconds to idle after ready before reading RSS")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a start may take before it counts as failed")
    args = parser.parse_args()
    if not 1 <= args.runs <= 50:
        parser.error("--runs must be between 1 and 50")
    if not 0 <= args.idle <= 60:
        parser.error("--idle must be between 0 and 60 seconds")
    exit_on_sigterm()

    results: dict[str, list[Start]] = {"bot": [], "bare": []}
    with LiveEmulator() as live, SlackFake(bot_token="xoxb-bench", users=USERS) as slack, \
            tempfile.TemporaryDirectory(prefix="recordbot-startup-") as tmp:
        workdir = Path(tmp)
        env = bot_env(live, slack, workdir / "recordbot.db")

        def make(name: str) -> BotProcess:
            return BotProcess(env, workdir) if name == "bot" else bare_bolt_process(env, workdir)

        try:
            for name in ("bot", "bare"):  # unmeasured: file cache, .pyc, the first migration
                start_once(make(name), 0, args.timeout)
            for run in range(args.runs):
                for name in (("bot", "bare") if run % 2 == 0 else ("bare", "bot")):
                    results[name].append(start_once(make(name), args.idle, args.timeout))
        except RuntimeError as e:
            print(f"start-up failed: {e}", file=sys.stderr)
            sys.exit(1)
        except KeyboardInterrupt:
            sys.exit("interrupted; the processes started were stopped")

    def med(name: str, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in results[name])

    print(f"start-up and idle memory — median of {args.runs} starts each, alternating; RSS "
          f"after {args.idle:g} s idle")
    print(f"{'':<34}{'recordbot':>11}{'bare Bolt':>11}{'ratio':>8}")
    rows = [
        ("process start → /readyz 200", "ready", 1000, "ms"),
        ("RSS at idle (VmRSS)", "rss_kib", 1 / 1024, "MiB"),
        ("peak RSS so far (VmHWM)", "hwm_kib", 1 / 1024, "MiB"),
    ]
    for label, attr, scale, unit in rows:
        bot, bare = med("bot", attr), med("bare", attr)
        print(f"{label + f' ({unit})':<34}{bot * scale:>11.0f}{bare * scale:>11.0f}"
              f"{bot / bare:>7.2f}x")
    spread = [f"{s.ready * 1000:.0f}" for s in results["bot"]]
    print(f"  recordbot ready per start (ms): {', '.join(spread)}")
    print()
    print("no target for start-up or memory in issue 8: figures only")


if __name__ == "__main__":
    main()
