"""What the load benchmarks share: the fakes' settings, the bare Bolt process, percentiles, RSS.

Not a benchmark itself. The bot runs exactly as the end-to-end tests run it
(``tests.support.botproc.BotProcess``: ``python -m bot`` on a loopback port), against the Live
API emulator and the Slack fake in the benchmark's own process.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.sandbox import SlackFake  # noqa: E402
from bot.sandbox.live import LiveEmulator  # noqa: E402
from tests.support.botproc import BotProcess, fakes_env  # noqa: E402

BARE_BOLT = Path(__file__).resolve().parent / "bare_bolt.py"

SIGNING_SECRET = "bench-signing-secret"
PUSH_DOMAIN = "push.example.com"
CHANNEL = "C0BENCH"
# Users with a Slack time zone, so the bot never falls back to the default zone.
USERS = {
    "U0SHANGHAI": {"tz": "Asia/Shanghai", "name": "mei"},
    "U0NEWYORK": {"tz": "America/New_York", "name": "sam"},
    "U0BERLIN": {"tz": "Europe/Berlin", "name": "jo"},
    "U0TOKYO": {"tz": "Asia/Tokyo", "name": "ken"},
}


def bot_env(live: LiveEmulator, slack: SlackFake, db: Path, **extra: str) -> dict[str, str]:
    """The bot's settings against the two fakes (as the end-to-end tests use them)."""
    return fakes_env(live, slack, db, SIGNING_SECRET, f"{PUSH_DOMAIN},backup.example.com",
                     **{"LOG_LEVEL": "INFO", **extra})


class ScriptProcess(BotProcess):
    """A Python script started and stopped like the bot (same env, port and log handling):
    ``bench/bare_bolt.py``, or a prototype of a design change that starts the bot itself."""

    def __init__(self, script: Path, env: dict[str, str], workdir: Path) -> None:
        super().__init__(env, workdir)
        self.script = script

    def start(self, wait_ready: bool = True, timeout: float = 60) -> ScriptProcess:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(self.script)], cwd=self.workdir, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        if wait_ready:
            self.wait_healthy(timeout)
        return self


def bare_bolt_process(env: dict[str, str], workdir: Path) -> ScriptProcess:
    return ScriptProcess(BARE_BOLT, env, workdir)


def bot_process(env: dict[str, str], workdir: Path, script: Path | None = None) -> BotProcess:
    """The bot as ``python -m bot``, or as started by a prototype script."""
    return BotProcess(env, workdir) if script is None else ScriptProcess(script.resolve(), env,
                                                                          workdir)


def stop_quietly(proc: BotProcess | None) -> None:
    """Stop a process we started, whatever state the benchmark is in."""
    if proc is None or proc.proc is None:
        return
    try:
        proc.stop()
    except Exception:  # a second Ctrl-C, a closed log: make sure it is gone anyway
        if proc.proc.poll() is None:
            proc.proc.kill()


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that ``finally`` blocks stop the subprocesses."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): p99 of 100 samples is the 99th smallest."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def status_kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc/<pid>/status, in KiB (VmRSS, VmHWM…)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far, from /proc/<pid>/stat (10 ms ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU used by this process, every thread included (the load client and the fakes)."""
    times = os.times()
    return times.user + times.system


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
