"""Misbehaviours tests inject: API errors, slowness, HTTP errors, bad bodies, dropped
connections, throttling.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Final

from bot.sandbox.live.actions import ACTIONS
from bot.sandbox.live.codes import Code

_DEFAULT_500_BODY: Final = "<html><body><h1>500 Internal Server Error</h1></body></html>"


@dataclass(frozen=True)
class Fault:
    """A misbehaviour to inject, for the requests it matches.

    Matching: ``action`` (None = every action) and ``stream`` (the call's StreamName, or the
    stream of the task a Stop/Delete names). A ``rate_limit`` fault matches only while that
    action is called more than ``rate_limit`` times within one second of the emulator clock.
    The first armed fault that matches, in injection order, applies; ``times`` limits how often
    (None = until cleared).

    Effect: at most one of ``error`` / ``http_status`` / ``malformed_body`` / ``drop_connection``
    replaces the reply; ``delay`` holds the reply back and ``content_type`` relabels it, either
    alone or with one of the others.

    ``takes_effect`` decides whether the action itself still happens (the task is created,
    stopped or deleted), because a client that saw a failure cannot know. None means: yes for a
    fault that only delays or relabels the reply, no for one that replaces it. With
    ``takes_effect=False`` a pure delay performs the action after the delay, and only if the
    client is still waiting.
    """

    action: str | None = None
    stream: str | None = None
    times: int | None = None
    error: tuple[str, str] | None = None
    http_status: int | None = None
    http_body: str = _DEFAULT_500_BODY
    malformed_body: bool = False
    drop_connection: bool = False
    delay: float = 0.0
    content_type: str | None = None
    rate_limit: float | None = None
    takes_effect: bool | None = None

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        if self.action is not None and self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")
        outcomes = [self.error is not None, self.http_status is not None, self.malformed_body,
                    self.drop_connection]
        if sum(outcomes) > 1:
            raise ValueError("a fault replaces the reply in at most one way")
        if self.http_status == 200:
            raise ValueError("http_status must not be 200; use error= for API errors")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    @property
    def replaces_reply(self) -> bool:
        return (self.error is not None or self.http_status is not None or self.malformed_body
                or self.drop_connection)

    @property
    def action_happens(self) -> bool:
        """Whether the action takes effect under this fault (``takes_effect`` resolved)."""
        return self.takes_effect if self.takes_effect is not None else not self.replaces_reply

    def matches(self, action: str, stream: str | None) -> bool:
        return (self.action in (None, action)) and (self.stream in (None, stream))

    # ---- the common cases -----------------------------------------------------------------

    @classmethod
    def api_error(cls, code: str, message: str, **kw: Any) -> Fault:
        """Answer a normal Tencent error envelope with this code and message."""
        return cls(error=(code, message), **kw)

    @classmethod
    def slow(cls, seconds: float, **kw: Any) -> Fault:
        """Answer normally, ``seconds`` late (the action happens up front unless told not to)."""
        return cls(delay=seconds, **kw)

    @classmethod
    def server_error(cls, status: int = 500, body: str = _DEFAULT_500_BODY, **kw: Any) -> Fault:
        """Answer a non-200 status; the SDK raises ServerNetworkError with the body."""
        return cls(http_status=status, http_body=body, **kw)

    @classmethod
    def malformed_json(cls, **kw: Any) -> Fault:
        """Answer 200 ``application/json`` whose body is cut off mid-JSON."""
        return cls(malformed_body=True, **kw)

    @classmethod
    def wrong_content_type(
        cls, content_type: str = "application/json; charset=utf-8", **kw: Any
    ) -> Fault:
        """Relabel the reply; the SDK then skips its error check and returns an empty model."""
        return cls(content_type=content_type, **kw)

    @classmethod
    def drop(cls, **kw: Any) -> Fault:
        """Close the connection without answering."""
        return cls(drop_connection=True, **kw)

    @classmethod
    def throttle(cls, per_second: float, **kw: Any) -> Fault:
        """Answer RequestLimitExceeded to calls beyond ``per_second`` per action."""
        kw.setdefault("error", (Code.REQUEST_LIMIT_EXCEEDED,
                                "Your request frequency exceeds the limit of this API."))
        return cls(rate_limit=per_second, **kw)


@dataclass
class _ArmedFault:
    fault: Fault
    remaining: int | None


class _FaultPlan:
    """The armed faults and the per-action call history that rate limits are measured on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_ArmedFault] = []
        self._calls: dict[str, deque[float]] = {}

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.append(_ArmedFault(fault, fault.times))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
            self._calls.clear()

    def armed(self) -> list[Fault]:
        with self._lock:
            return [a.fault for a in self._armed]

    def take(self, action: str, stream: str | None, now: float) -> Fault | None:
        """Count the call, then pick and use up the first matching fault."""
        with self._lock:
            rate = self._count_call(action, now)
            for armed in self._armed:
                fault = armed.fault
                if not fault.matches(action, stream):
                    continue
                if fault.rate_limit is not None and rate <= fault.rate_limit:
                    continue
                if armed.remaining is not None:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                return fault
            return None

    def _count_call(self, action: str, now: float) -> int:
        calls = self._calls.setdefault(action, deque())
        calls.append(now)
        while calls and calls[0] <= now - 1.0:
            calls.popleft()
        return len(calls)
