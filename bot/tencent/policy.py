"""How the bot calls Tencent Live: a shared rate limit, bounded retries, and no blind re-creates.

Why this layer exists:

* Tencent throttles each record-task API (Create/Describe/Stop/Delete) at 20 requests/s per
  account, counted when the calls arrive, and answers ``RequestLimitExceeded`` beyond that. A
  burst of ``/record`` commands, or several bot processes on one account, would otherwise hit
  it. ``SharedRateLimit`` keeps the whole bot under one budget for the four together (so each
  is under its own): in memory for one process, in Redis for several.
* Throttling and Tencent's internal errors are transient, so ``RetryPolicy`` retries them with
  capped exponential backoff and full jitter. We do not use the SDK's ``StandardRetryer``: after
  one failed attempt it keeps that error even when a later attempt succeeds (so it can create a
  task and still report failure), and it sleeps after the final attempt.
* CreateRecordTask has no idempotency token. When its answer is lost, retrying blindly could
  record the same stream twice, so ``GuardedLiveApi`` first asks DescribeRecordTask whether the
  task exists, and never creates again when it cannot find out.
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from bot.recording.ports import NO_METRICS, TASK_GONE_CODES, Metrics
from bot.tencent.live_api import (
    CallbackTemplate,
    CallbackTemplateSpec,
    ConfigurableLiveApi,
    CreatedTask,
    CreatedTemplate,
    LiveApiError,
    OutcomeUnknown,
    RecordTaskInfo,
    RecordTaskSpec,
    RecordTemplate,
    TencentRejected,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds around a task's window when looking it up after a lost CreateRecordTask answer.
LOOKUP_SLACK = 60

#: What a failing shared storage can raise; anything else is a bug and should surface.
_STORAGE_ERRORS = (RedisError, OSError, TimeoutError)

#: How often a caller that woke too late for its slot takes a new one before it goes anyway.
_LATE_RETRIES = 2

#: The lateness always tolerated (seconds), however small the margin: timer granularity.
_MIN_LATENESS = 0.005

_REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})


# Reserve the next free slot of the shared schedule, atomically (a script runs alone in Redis).
# A script of our own because no library reserves slots: ``limits`` (5.8) only counts calls in
# windows (fixed, moving, sliding counter), which lets a window's calls leave back to back; the
# GCRA limiters of other libraries answer "not yet, retry after x", so processes contending for
# a slot poll for it and every late wake-up pushes the whole schedule back.
# KEYS[1]: the schedule. ARGV[1]: the spacing between slots, ARGV[2]: the farthest ahead a
# slot may lie, both in microseconds. Returns the microseconds from now until the reserved
# slot. Redis's clock is the only one read, so the processes' clocks need not agree. A slot
# further ahead than ARGV[2] cannot come from waiting callers (each process holds one
# reservation at a time): Redis's clock stepped back, and the schedule starts again from now.
_RESERVE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local spacing, ahead = tonumber(ARGV[1]), tonumber(ARGV[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now or slot > now + ahead then slot = now end
local after = slot + spacing
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return slot - now
"""


# --------------------------------------------------------------------------------------------
# The shared rate limit
# --------------------------------------------------------------------------------------------


def redis_client_url(url: str) -> str:
    """The Redis URL, checked: ``redis://``, ``rediss://`` or ``unix://``.

    Anything else is a configuration mistake and raises ValueError (with any password
    redacted) rather than silently limiting in memory.
    """
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in _REDIS_SCHEMES:
        raise ValueError(
            f"the rate-limit storage must be a redis://, rediss:// or unix:// URL, "
            f"not {redact_url(url)!r}"
        )
    return url


def redis_schedule_key(key: str) -> str:
    """Where the shared schedule of ``key`` lives in Redis: the time of its next free slot
    (Redis's clock, microseconds), expiring a second after that slot passes."""
    return f"recordbot:rate-limit:{key}:next-slot"


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, fit for logs and error messages."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class SharedRateLimit:
    """At most ``per_second`` calls a second, across every holder of ``key``, as Tencent counts
    them: when they arrive.

    Calls leave on one schedule of slots ``(1 + margin) / per_second`` apart (52.5 ms with the
    defaults, 19 a second): each call reserves the next free slot and sleeps until it. With
    ``storage_url`` None the schedule is this process's; with a Redis URL (``REDIS_URL``) it
    is one schedule in Redis for every bot process on the account, reserved by a short atomic
    script on Redis's clock (the generic cell rate algorithm with no burst). So however many
    processes there are, their calls together leave one at a time, evenly spaced, never in
    bursts.

    Why spacing rather than counting calls in a window: Tencent counts a call when it arrives,
    and calls that leave together arrive spread out (they queue in the SDK, the network and
    Tencent's front end). A shared window of ``per_second`` calls lets every process fill it
    in a fraction of a second and release the next window's calls back to back again, so
    the calls bunch up where queuing is worst, and a call delayed at the end of one bunch lands
    in the same Tencent second as the next bunch. Evenly spaced calls leave no bunch to queue
    behind, and for ``per_second + 1`` of them to arrive within one second, the ``per_second``
    gaps between them (``1 + margin`` seconds in all) would have to shrink by ``margin``
    seconds (50 ms with the defaults) on the way. That margin is shared: up to half of it for
    this process sending late (see ``acquire``), the rest for the network's jitter.

    Within a process callers leave in the order they asked (FIFO), and only the caller at the
    head of the queue holds a reservation, so a long queue costs one Redis round trip per call
    and nobody waits on a slot a process reserved and no longer needs.

    Redis failures do not stop recordings. A reservation that fails, or takes longer than
    ``storage_timeout`` seconds, logs a warning and this process falls back to a schedule of
    its own, in memory, for ``fallback_seconds``, then tries Redis again. Missing a scheduled
    recording costs more than briefly exceeding the rate: the worst case is each process at
    the full rate, Tencent answers RequestLimitExceeded, and the retries absorb it.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable so that tests of the in-memory
    schedule need not wait; the Redis schedule runs on Redis's clock.
    """

    def __init__(
        self,
        storage_url: str | None = None,
        per_second: int = 20,
        key: str = "tencent-live-record-tasks",
        *,
        storage_timeout: float = 1.0,
        fallback_seconds: float = 30.0,
        margin: float = 0.05,
        max_ahead: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        """``max_ahead``: a shared slot further ahead than this many seconds means Redis's
        clock stepped back, and the schedule starts again from now (waiting callers, one per
        process, are never that far ahead: 10 s is 190 processes at 20/s). ``metrics`` hears
        how long each ``acquire`` waited, in the queue and for the slot."""
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        if margin < 0 or storage_timeout <= 0 or max_ahead <= 0:
            raise ValueError("margin must not be negative, storage_timeout and max_ahead must "
                             "be positive")
        self._per_second = per_second
        self._key = key
        self._storage_timeout = storage_timeout
        self._fallback_seconds = fallback_seconds
        self._spacing = (1.0 + margin) / per_second
        # per_second + 1 slots span one second plus ``margin``: half of that for this
        # process waking late, half for the network.
        self._max_late = max(margin / 2, _MIN_LATENESS)
        self._clock = clock
        self._sleep = sleep
        self._metrics = metrics
        self._url = storage_url or None
        self._pool: redis.asyncio.ConnectionPool | None = None
        self._script: AsyncScript | None = None
        self._script_args = (round(self._spacing * 1e6), round(max_ahead * 1e6))
        if self._url:
            # Our own pool, so that close() can disconnect it, with socket timeouts so that an
            # unreachable Redis fails within storage_timeout instead of hanging a recording.
            self._pool = redis.asyncio.ConnectionPool.from_url(
                redis_client_url(self._url),
                socket_connect_timeout=storage_timeout,
                socket_timeout=storage_timeout,
                client_name="recordbot-rate-limit:" + re.sub(r"[^\w.:-]", "_", key),
            )
            client = redis.asyncio.Redis(connection_pool=self._pool)
            self._script = client.register_script(_RESERVE_SLOT)
        self._fallback_until = 0.0  # clock() before which Redis is not tried
        self._degraded = False
        self._turn = asyncio.Lock()  # FIFO: callers leave in the order they asked
        self._next_local = 0.0  # clock() of this process's next free slot

    @property
    def per_second(self) -> int:
        return self._per_second

    @property
    def spacing(self) -> float:
        """Seconds between two slots of the schedule."""
        return self._spacing

    @property
    def shared(self) -> bool:
        """Whether the schedule is (meant to be) in Redis, shared with other processes."""
        return self._script is not None

    @property
    def degraded(self) -> bool:
        """Whether Redis failed and this process is limiting itself in memory for now."""
        return self._degraded

    async def acquire(self) -> None:
        """Wait until a call may go out: reserve the next free slot, then sleep until it.

        One reservation and one ``sleep`` per call, never a polling loop; callers behind the
        head of the queue wait on the lock. A caller that wakes more than half the margin
        after its slot (this process's event loop was busy) does not go on that stale slot,
        since the call ``per_second`` slots later could then arrive within one second of it;
        it reserves the next free slot instead, twice at most, then goes.
        """
        asked = self._clock()
        try:
            await self._acquire()
        finally:
            self._metrics.rate_limit_wait(self._clock() - asked)

    async def _acquire(self) -> None:
        async with self._turn:
            for attempt in range(1 + _LATE_RETRIES):
                due = await self._reserve()
                pause = due - self._clock()
                if pause > 0:
                    await self._sleep(pause)
                late = self._clock() - due
                if late <= self._max_late:
                    return
                if attempt < _LATE_RETRIES:
                    log.debug("Tencent rate limit: woke %.0f ms after its slot; taking the "
                              "next free one", late * 1000)

    async def close(self) -> None:
        """Release the Redis connections; safe to call twice."""
        if self._pool is not None:
            await self._pool.disconnect()

    async def _reserve(self) -> float:
        """Reserve the next free slot for this call: its time on ``clock``."""
        if self._script is not None and self._clock() >= self._fallback_until:
            asked = self._clock()
            try:
                micros = await asyncio.wait_for(
                    self._script(keys=[redis_schedule_key(self._key)],
                                 args=self._script_args),
                    self._storage_timeout)
            except _STORAGE_ERRORS as err:
                self._fall_back(err)
            else:
                if self._degraded:
                    self._degraded = False
                    log.info("Tencent rate limit: Redis at %s works again; sharing the "
                             "limit with the other bot processes again",
                             redact_url(self._url or ""))
                # Redis read its clock somewhere in the round trip; take the middle, as NTP
                # does: a slow network is then not lateness, an event loop that sat on the
                # answer is half of it.
                due = (asked + self._clock()) / 2 + max(int(micros), 0) / 1e6
                # Should Redis fail next time, this process's own schedule goes on from here.
                self._next_local = max(self._next_local, due + self._spacing)
                return due
        slot = max(self._clock(), self._next_local)
        self._next_local = slot + self._spacing
        return slot

    def _fall_back(self, err: BaseException) -> None:
        self._fallback_until = self._clock() + self._fallback_seconds
        self._degraded = True
        log.warning(
            "Tencent rate limit: Redis at %s is unreachable (%s); limiting this process alone "
            "to %d/s in memory for %.0f s. Several bot processes may exceed Tencent's limit "
            "meanwhile; the retries absorb RequestLimitExceeded.",
            redact_url(self._url or ""), type(err).__name__, self.per_second,
            self._fallback_seconds,
        )


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a call gets and how long to wait between them.

    Full jitter: the wait before retry ``n`` (0-based) is uniform in
    ``[0, min(cap, base * 2**n))``, so that processes throttled together do not come back
    together. There is no wait after the final attempt: its error is raised at once.
    ``sleep`` and ``random`` are injectable so that tests neither wait nor guess.
    """

    attempts: int = 3
    base: float = 0.5
    cap: float = 4.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    random: Callable[[], float] = _random.random

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base < 0 or self.cap < 0:
            raise ValueError("base and cap must not be negative")

    def delays(self) -> list[float]:
        """The waits before attempts 2..attempts: ``attempts - 1`` values in ``[0, cap]``."""
        # The exponent is clamped: 2**64 times any sane base is past any sane cap, and an
        # unclamped float power overflows for n > 1023.
        return [
            self.random() * min(self.cap, self.base * 2.0 ** min(n, 64))
            for n in range(self.attempts - 1)
        ]


def is_retryable(err: LiveApiError) -> bool:
    """Whether trying again can help: throttling, Tencent's internal errors, or no answer.

    A rejection for any other reason (bad parameter, VOD not enabled, auth) would only be
    answered the same way again.
    """
    if isinstance(err, OutcomeUnknown):
        return True
    return (err.code.startswith(("RequestLimitExceeded", "InternalError"))
            or err.code == "LimitExceeded.RateLimitExceeded")


#: InternalError codes about the account's configuration, not a passing fault: never retried.
_CONFIG_ERRORS = frozenset({"InternalError.ConfOutLimit", "InternalError.RuleAlreadyExist",
                            "InternalError.ConfNotFound", "InternalError.ConfInUsed"})


def is_retryable_config_call(err: LiveApiError) -> bool:
    """``is_retryable`` for the callback configuration APIs, less their configuration errors
    (Tencent files "50 templates already" and "that rule exists" under InternalError)."""
    return is_retryable(err) and err.code not in _CONFIG_ERRORS


def is_task_gone(code: str) -> bool:
    """Whether Tencent's code means "there is no task with that TaskId"."""
    return code in TASK_GONE_CODES


# --------------------------------------------------------------------------------------------
# The guarded API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveredTask(CreatedTask):
    """A task CreateRecordTask made although its answer was lost, found by DescribeRecordTask.

    ``request_id`` is that of the lost CreateRecordTask when the failure carried one (the
    request that made the task, the one to quote to Tencent), else "".
    """

    found_by_lookup: bool = True


class GuardedLiveApi:
    """A ``LiveApi`` that rate-limits, retries, and looks before re-creating.

    Every attempt at Create/Describe/Stop/Delete, and every lookup, first takes a slot of the
    shared limit. DescribeLiveRecordTemplates has its own, far larger limit (500/s) and is only
    retried, so a template refresh never waits behind recordings.

    One slot per ``describe_record_tasks`` call, not per page: the inner API follows
    ScrollToken pages internally and the ``LiveApi`` protocol has no per-page hook. A listing
    of N pages thus sends N requests for one slot. Lookups for one stream fit on one page; only
    a large reconciliation undercounts, and a resulting RequestLimitExceeded is retried.

    Which failures are retried: see ``is_retryable``. Beyond that:

    * Create: a lost answer (``OutcomeUnknown``) is followed, after the backoff, by a
      DescribeRecordTask for the same stream and exact window. Found: it is returned as a
      ``RecoveredTask``. Not found: the create is retried (that counts as an attempt). The
      lookup itself failing: the ``OutcomeUnknown`` is raised, since creating again without
      knowing could record twice. A lost answer on the last attempt is also looked up once.
    * Delete: ``*TaskNotExist*`` on a retry after a lost answer means the lost attempt deleted
      the task, so it counts as success.
    * Stop is idempotent and retried plainly.

    When the attempts run out, the last error is raised unchanged.
    """

    def __init__(self, inner: ConfigurableLiveApi, limit: SharedRateLimit,
                 retry: RetryPolicy) -> None:
        self._inner = inner
        self._limit = limit
        self._retry = retry

    async def create_record_task(self, spec: RecordTaskSpec) -> CreatedTask:
        action = "CreateRecordTask"
        delays = self._retry.delays()
        error: LiveApiError | None = None
        unknown: OutcomeUnknown | None = None  # the latest lost answer; sticky until found
        for attempt in range(self._retry.attempts):
            if error is not None:
                await self._pause(action, attempt, error, delays[attempt - 1])
            if unknown is not None:
                found = await self._find_created(spec, unknown)
                if found is not None:
                    return found
            await self._limit.acquire()
            try:
                return await self._inner.create_record_task(spec)
            except OutcomeUnknown as err:
                error = unknown = err
            except TencentRejected as err:
                if not is_retryable(err):
                    raise
                error = err
        assert error is not None  # attempts >= 1, and each attempt returned or failed
        if error is unknown:
            found = await self._find_created(spec, unknown)
            if found is not None:
                return found
        raise error

    async def describe_record_tasks(
        self, start_time: int, end_time: int, stream_name: str | None = None,
        domain_name: str | None = None, app_name: str | None = None,
    ) -> list[RecordTaskInfo]:
        return await self._retrying("DescribeRecordTask", lambda: self._inner.describe_record_tasks(
            start_time, end_time, stream_name, domain_name, app_name))

    async def stop_record_task(self, task_id: str) -> str:
        return await self._retrying("StopRecordTask",
                                    lambda: self._inner.stop_record_task(task_id))

    async def delete_record_task(self, task_id: str) -> str:
        answer_lost = False

        async def once() -> str:
            nonlocal answer_lost
            try:
                return await self._inner.delete_record_task(task_id)
            except OutcomeUnknown:
                answer_lost = True
                raise
            except TencentRejected as err:
                if answer_lost and is_task_gone(err.code):
                    log.info("DeleteRecordTask %s: an earlier attempt whose answer was lost "
                             "deleted the task (%s now)", task_id, err.code)
                    return err.request_id or ""
                raise

        return await self._retrying("DeleteRecordTask", once)

    async def describe_record_templates(self) -> list[RecordTemplate]:
        return await self._retrying("DescribeLiveRecordTemplates",
                                    self._inner.describe_record_templates, limited=False)

    async def create_callback_template(self, spec: CallbackTemplateSpec) -> CreatedTemplate:
        """Retried on throttling and internal errors only. A lost answer (OutcomeUnknown) is
        raised, not retried: like CreateRecordTask this has no idempotency token, and the
        caller can look the template up by its name."""

        def retryable(err: LiveApiError) -> bool:
            return not isinstance(err, OutcomeUnknown) and is_retryable_config_call(err)

        return await self._retrying(
            "CreateLiveCallbackTemplate", lambda: self._inner.create_callback_template(spec),
            limited=False, retryable=retryable)

    async def create_callback_rule(self, domain_name: str, app_name: str,
                                   template_id: int) -> str:
        """Retried, also after a lost answer; ``*RuleAlreadyExist`` on such a retry means the
        lost attempt made the rule, so it counts as success."""
        answer_lost = False

        async def once() -> str:
            nonlocal answer_lost
            try:
                return await self._inner.create_callback_rule(domain_name, app_name,
                                                              template_id)
            except OutcomeUnknown:
                answer_lost = True
                raise
            except TencentRejected as err:
                if answer_lost and err.code.endswith("RuleAlreadyExist"):
                    log.info("CreateLiveCallbackRule %s/%s: an earlier attempt whose answer "
                             "was lost made the rule", domain_name, app_name)
                    return err.request_id or ""
                raise

        return await self._retrying("CreateLiveCallbackRule", once, limited=False,
                                    retryable=is_retryable_config_call)

    async def describe_callback_templates(self) -> list[CallbackTemplate]:
        return await self._retrying("DescribeLiveCallbackTemplates",
                                    self._inner.describe_callback_templates, limited=False)

    async def close(self) -> None:
        """Close the inner API and the limit (this object owns both once built)."""
        try:
            await self._inner.close()
        finally:
            await self._limit.close()

    async def _retrying(
        self, action: str, call: Callable[[], Awaitable[T]], *, limited: bool = True,
        retryable: Callable[[LiveApiError], bool] = is_retryable,
    ) -> T:
        delays = self._retry.delays()
        error: LiveApiError | None = None
        for attempt in range(self._retry.attempts):
            if error is not None:
                await self._pause(action, attempt, error, delays[attempt - 1])
            if limited:
                await self._limit.acquire()
            try:
                return await call()
            except LiveApiError as err:
                if not retryable(err):
                    raise
                error = err
        assert error is not None
        raise error

    async def _pause(self, action: str, attempt: int, error: LiveApiError, delay: float) -> None:
        """Log the failed attempt and wait before attempt number ``attempt`` (0-based)."""
        log.warning("Tencent %s attempt %d/%d failed with %s (RequestId %s); retrying in %.2f s",
                    action, attempt, self._retry.attempts, error.code, error.request_id or "-",
                    delay)
        await self._retry.sleep(delay)

    async def _find_created(
        self, spec: RecordTaskSpec, unknown: OutcomeUnknown
    ) -> RecoveredTask | None:
        """The task a lost CreateRecordTask made, None if the lookup shows there is none.

        Raises ``unknown`` itself (unchanged) when the lookup fails, because then nobody knows.
        One attempt only: nesting the retry loop here would multiply the attempts.
        """
        await self._limit.acquire()
        try:
            tasks = await self._inner.describe_record_tasks(
                spec.start_time - LOOKUP_SLACK, spec.end_time + LOOKUP_SLACK,
                spec.stream_name, spec.domain_name, spec.app_name)
        except LiveApiError as err:
            lookup_error: LiveApiError | None = err
        else:
            lookup_error = None
        if lookup_error is not None:
            log.warning("Tencent CreateRecordTask for %s: outcome unknown (%s) and the lookup "
                        "failed (%s); not creating again", spec.stream_name, unknown.code,
                        lookup_error.code)
            raise unknown
        for task in tasks:
            if _same_task(task, spec):
                log.warning("Tencent CreateRecordTask for %s: the answer was lost (%s) but the "
                            "task exists: %s", spec.stream_name, unknown.code, task.task_id)
                return RecoveredTask(task_id=task.task_id, request_id=unknown.request_id or "")
        log.info("Tencent CreateRecordTask for %s: the answer was lost (%s) and no such task "
                 "exists", spec.stream_name, unknown.code)
        return None


def _same_task(task: RecordTaskInfo, spec: RecordTaskSpec) -> bool:
    """Whether a listed task is the one ``spec`` asked for (a stopped one cannot be new)."""
    return (task.stream_name == spec.stream_name and task.domain_name == spec.domain_name
            and task.app_name == spec.app_name and task.start_time == spec.start_time
            and task.end_time == spec.end_time and not task.stopped)
