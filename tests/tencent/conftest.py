"""Fixtures: a fresh emulator per test, on a clock the test can shift, with no proxies; the
test Redis, when there is one."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio
from redis.exceptions import RedisError

from bot.sandbox.live import JSON_CONTENT_TYPE, LiveEmulator
from bot.tencent.live_api import TencentLiveApi
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit, redact_url
from tests.tencent.helpers import REGION, Build, Sleeps

#: The Redis the shared rate-limit tests use (each test on keys of its own).
REDIS_URL = (os.environ.get("RECORDBOT_TEST_REDIS_URL") or os.environ.get("REDIS_URL")
             or "redis://127.0.0.1:6379/0")

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


@pytest.fixture
async def redis_url() -> str:
    """``RECORDBOT_TEST_REDIS_URL`` (else ``REDIS_URL``, else the local default), or a skip
    that says why."""
    client = redis.asyncio.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        await asyncio.wait_for(client.ping(), 1.5)
    except (RedisError, OSError, TimeoutError) as err:
        pytest.skip(f"no Redis reachable at {redact_url(REDIS_URL)} ({type(err).__name__}); "
                    f"set RECORDBOT_TEST_REDIS_URL to run this test")
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def build(live: LiveEmulator, sleeps: Sleeps) -> AsyncIterator[Build]:
    """Makes GuardedLiveApi instances over real TencentLiveApi clients (backoff sleeps go to
    ``sleeps``); closes them afterwards."""
    made: list[GuardedLiveApi] = []

    def make(limit: SharedRateLimit | None = None, attempts: int = 3) -> GuardedLiveApi:
        inner = TencentLiveApi(*live.default_credentials, REGION, live.endpoint, "http", 5)
        api = GuardedLiveApi(inner, limit or SharedRateLimit(),
                             RetryPolicy(attempts=attempts, sleep=sleeps))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()
