"""Fixtures: a fresh emulator per test, on a clock the test can shift, with no proxies."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.sandbox.live import JSON_CONTENT_TYPE, LiveEmulator

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                    "all_proxy")


class ShiftableClock:
    """Real time plus an offset: the SDK signs with real time, the emulator judges with this."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both SDK transports honour proxy variables; loopback traffic must not go through one."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> ShiftableClock:
    return ShiftableClock()


@pytest.fixture
def live(clock: ShiftableClock) -> Iterator[LiveEmulator]:
    """A running emulator; afterwards, every reply not altered by a fault must have carried
    ``Content-Type: application/json`` exactly (the SDK ignores error bodies otherwise)."""
    with LiveEmulator(clock=clock) as emulator:
        yield emulator
    for request in emulator.requests:
        if request.fault is None:
            assert request.content_type == JSON_CONTENT_TYPE, request
