"""The ``Metrics`` port (bot.recording.ports) in Prometheus's terms, served at ``GET /metrics``
(bot.http.metrics).

Each bot object has a registry of its own rather than prometheus-client's global one, so that
several bots in one process (tests, the shell) do not share or collide over their series.

Labels come from small fixed sets only — the surface, the outcome and a reason the use case
picks from its own enums, the Live API action, the callback's event type, and Tencent's error
code bounded by ``bounded_code`` — never a user, channel, stream, task or request id, so
that the number of series stays the same however much the bot is used.

The outbox backlog is not counted by this process: it is read from the database when
/metrics is asked (``set_backlog``), so every replica reports the same, true number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.recording.events import BREAK, PUSH, RECORD_FILE, RECORD_STATUS
from bot.recording.ports import CallbackResult, ScheduleOutcome, Surface

#: The text format Prometheus scrapes.
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

#: What any label value outside its known set becomes.
OTHER: Final = "other"

#: Seconds: a Live API call is tens of ms when well, up to TENCENTCLOUD_TIMEOUT (10) when not.
CALL_BUCKETS: Final = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Seconds: a slot is free at once when idle; a burst of N calls queues N/20 s.
WAIT_BUCKETS: Final = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                       30.0)

EVENT_NAMES: Final = {PUSH: "push", BREAK: "break", RECORD_FILE: "record_file",
                      RECORD_STATUS: "record_status"}

#: The reasons the use case gives for outcomes other than Tencent's (its own fixed set).
_CODED = frozenset({ScheduleOutcome.TENCENT_ERROR, ScheduleOutcome.UNKNOWN})


def bounded_code(code: str | None, known: frozenset[str]) -> str:
    """Tencent's error code as a label: itself when known, else its nearest known family
    (``A.B`` of ``A.B.C``, then ``A``), else "other". Tencent's codes are a documented set,
    but an answer could carry anything, and each new value would be a new series."""
    while code:
        if code in known:
            return code
        code = code.rpartition(".")[0]
    return OTHER


class _Backlog(Collector):
    """The outbox backlog as last read from the database (absent until read, and when the
    database could not be read: an alert on ``absent()`` then tells, a stale number would
    not)."""

    def __init__(self) -> None:
        self.value: int | None = None

    def describe(self) -> Iterable[Metric]:
        return [self._family()]

    def collect(self) -> Iterator[Metric]:
        if self.value is not None:
            family = self._family()
            family.add_metric([], self.value)
            yield family

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "recordbot_outbox_backlog",
            "Messages stored for Slack and not delivered yet, all replicas together (read "
            "from the database at each scrape)")


class PrometheusMetrics:
    """The ``Metrics`` port, plus what only the HTTP adapter reports (refused Slack
    requests) and the backlog read at scrape time."""

    def __init__(self, known_codes: Iterable[str] = (), *, process: bool = True) -> None:
        # No ``*_created`` series (the time each series began): noise for a long-running bot.
        # prometheus-client sets this for the process; the bot is the process.
        disable_created_metrics()
        self.registry = CollectorRegistry(auto_describe=True)
        self._known = frozenset(known_codes)
        r = self.registry
        self._requests = Counter(
            "recordbot_requests", "Requests that reached the bot, by surface (a Slack request "
            "after its signature was checked; every Tencent callback)", ["surface"], registry=r)
        self._repeats = Counter(
            "recordbot_repeated_requests", "Slack requests taken in before (a retry, a replay, "
            "the same delivery on another replica): acknowledged, not acted on again",
            ["surface"], registry=r)
        self._refused = Counter(
            "recordbot_slack_refused_requests", "Requests to /slack/events answered 400, 401 "
            "or 413 before any listener saw them", ["status"], registry=r)
        self._scheduled = Counter(
            "recordbot_schedule_outcomes", "How requests to schedule a recording ended",
            ["outcome", "reason"], registry=r)
        self._calls = Histogram(
            "recordbot_tencent_call_duration_seconds", "Live API requests (every attempt and "
            "page) and how long each took to answer, by action", ["action"],
            buckets=CALL_BUCKETS, registry=r)
        self._errors = Counter(
            "recordbot_tencent_call_errors", "Live API requests that failed, by action and "
            "error code (codes the bot does not know are their family or \"other\")",
            ["action", "code"], registry=r)
        self._waits = Histogram(
            "recordbot_tencent_rate_limit_wait_seconds", "How long Live API calls waited for "
            "a slot of the rate limit shared by every replica", buckets=WAIT_BUCKETS,
            registry=r)
        self._callbacks = Counter(
            "recordbot_tencent_callbacks", "Tencent callbacks by event type and what became of "
            "them", ["event", "result"], registry=r)
        self._ready = Gauge("recordbot_ready", "1 while this process is ready to serve (as "
                            "/readyz says before asking the database), else 0", registry=r)
        for surface in Surface:  # every surface from 0, so that rate() sees the first one
            self._requests.labels(surface.value)
        self._scheduled.labels(ScheduleOutcome.CREATED.value, "")
        self._backlog = _Backlog()
        r.register(self._backlog)
        if process:
            ProcessCollector(registry=r)
            PlatformCollector(registry=r)

    # ---- the port ----------------------------------------------------------------------------

    def request(self, surface: Surface, *, repeat: bool = False) -> None:
        label = Surface(surface).value
        self._requests.labels(label).inc()
        if repeat:
            self._repeats.labels(label).inc()

    def scheduled(self, outcome: ScheduleOutcome, reason: str = "") -> None:
        outcome = ScheduleOutcome(outcome)
        if outcome in _CODED:
            reason = bounded_code(reason, self._known)
        self._scheduled.labels(outcome.value, reason).inc()

    def tencent_call(self, action: str, seconds: float, error_code: str | None) -> None:
        self._calls.labels(action).observe(max(seconds, 0.0))
        if error_code is not None:
            self._errors.labels(action, bounded_code(error_code, self._known)).inc()

    def rate_limit_wait(self, seconds: float) -> None:
        self._waits.observe(max(seconds, 0.0))

    def callback(self, event_type: int | None, result: CallbackResult) -> None:
        event = "unreadable" if event_type is None else EVENT_NAMES.get(event_type, OTHER)
        self._callbacks.labels(event, CallbackResult(result).value).inc()

    # ---- the HTTP adapter's ------------------------------------------------------------------

    def slack_refused(self, status: int) -> None:
        self._refused.labels(str(status) if status in (400, 401, 413) else OTHER).inc()

    def set_ready(self, ready: bool) -> None:
        self._ready.set(1 if ready else 0)

    def set_backlog(self, undelivered: int | None) -> None:
        """What the database says now; None when it could not be read."""
        self._backlog.value = undelivered

    def render(self) -> bytes:
        return generate_latest(self.registry)
