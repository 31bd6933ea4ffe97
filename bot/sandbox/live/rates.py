"""Calls per second per action, counted as Tencent counts them: across every client, when each
call arrives.

Tencent limits each API action on its own (CreateRecordTask 20/s, DescribeRecordTask 20/s, …)
and counts a call when it reaches its front end, whoever sent it. The emulator's throttle fault
answers RequestLimitExceeded on that count; this meter keeps the figure a test or a benchmark
wants afterwards: the most calls of each action that arrived within any one second.
"""

from __future__ import annotations

import threading
from collections import deque

#: The window Tencent's limits are stated over, in seconds.
WINDOW = 1.0


class CallRates:
    """The peak number of calls per action within any window of ``WINDOW`` seconds.

    The window is a moving one, as the throttle fault's: a call at ``t`` is counted with every
    call of its action that arrived after ``t - WINDOW``. Memory is bounded by the calls of the
    last window, however long the emulator runs (the request log may be bounded too).
    Thread-safe: the server thread counts while a test or benchmark reads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}
        self._peak: dict[str, int] = {}

    def count(self, action: str, at: float) -> None:
        """Count one call of ``action`` that arrived at ``at`` (seconds, the emulator's clock)."""
        with self._lock:
            recent = self._recent.setdefault(action, deque())
            recent.append(at)
            while recent and recent[0] <= at - WINDOW:
                recent.popleft()
            self._peak[action] = max(self._peak.get(action, 0), len(recent))

    def peaks(self) -> dict[str, int]:
        """Action → the most of its calls that arrived within one window; called actions only."""
        with self._lock:
            return dict(self._peak)

    def clear(self) -> None:
        with self._lock:
            self._recent.clear()
            self._peak.clear()
