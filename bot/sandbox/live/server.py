"""The HTTP front end: routing, authentication, execution, faults, the request log, and test
controls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import parse_qsl

from aiohttp import web

from bot.sandbox.live.actions import ACTIONS, ActionSpec
from bot.sandbox.live.codes import (
    API_VERSION,
    DEFAULT_PAGE_SIZE,
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    JSON_CONTENT_TYPE,
    MAX_CLOCK_SKEW,
    SERVICE,
    SUPPORTED_REGIONS,
    ApiError,
    Clock,
    Code,
    Params,
)
from bot.sandbox.live.faults import Fault, _FaultPlan
from bot.sandbox.live.params import _INTEGER, decode_params
from bot.sandbox.live.rates import CallRates
from bot.sandbox.live.signing import canonical_request, parse_authorization, tc3_signature, utc_date
from bot.sandbox.live.state import DEFAULT_TEMPLATES, LiveState, RecordTask
from bot.sandbox.server import BackgroundServer


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator saw it, and how it answered.

    ``params`` are as sent: the JSON object of a POST, or the query of a GET (values are then
    strings). ``outcome`` is ``"OK"``, an error code, ``"HTTP <status>"``, ``"malformed"``,
    ``"dropped"`` or ``"client-gone"`` (a delayed request whose client had left).
    """

    action: str
    params: dict[str, Any]
    headers: dict[str, str]
    method: str
    body: bytes
    query: str
    verified: bool
    outcome: str
    content_type: str | None
    request_id: str
    received_at: float
    fault: Fault | None = None


@dataclass
class _Call:
    """A request being served: what was read off the wire, plus what was learnt on the way."""

    request: web.Request
    method: str
    headers: Mapping[str, str]
    query: str
    body: bytes
    params: dict[str, Any]
    params_error: str | None
    received_at: float
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    verified: bool = False
    epoch: int = 0  # which request log it belongs to: one cleared meanwhile drops it

    @property
    def action(self) -> str:
        return self.headers.get("X-TC-Action", "")


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str
    outcome: str


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------

_STOPPING_KEY: Final = web.AppKey("live_emulator_stopping", asyncio.Event)


class LiveEmulator:
    """The Live API emulator: HTTP front end, test controls, and a loopback server handle.

    ``make_app()`` gives an aiohttp application to mount anywhere; ``start()`` (or ``with``)
    serves it on 127.0.0.1 from a background thread via ``BackgroundServer``. All controls are
    thread-safe, so tests can call them while the server thread answers the SDK.
    """

    def __init__(
        self,
        credentials: Mapping[str, str] | None = None,
        *,
        clock: Clock = time.time,
        page_size: int = DEFAULT_PAGE_SIZE,
        templates: Iterable[Mapping[str, Any]] = DEFAULT_TEMPLATES,
        port: int = 0,
        max_logged: int | None = None,
        signing_clock: Clock | None = None,
    ) -> None:
        """``max_logged`` bounds the request log (oldest entries go first) for long benchmarks;
        ``port`` 0 picks a free port at ``start()``. ``signing_clock`` is what the signature's
        timestamp is checked against (default ``clock``): the shell moves ``clock`` ahead to
        show a series being created, while the SDK still signs with the real time."""
        self._credentials = dict(credentials or {DEFAULT_SECRET_ID: DEFAULT_SECRET_KEY})
        self.clock = clock
        self.signing_clock = signing_clock or clock
        self.state = LiveState(templates)
        self.page_size = page_size
        self._faults = _FaultPlan()
        self._log: deque[RecordedRequest] = deque(maxlen=max_logged)
        self._answered = 0  # requests logged since the last clear, including any dropped
        self._rates = CallRates()
        self._log_changed = threading.Condition()
        self._delayed = 0
        self._epoch = 0  # bumped by clear_requests: a reply still held then is not logged
        self._requested_port = port
        self._server: BackgroundServer | None = None

    # ---- credentials ------------------------------------------------------------------------

    @property
    def default_credentials(self) -> tuple[str, str]:
        """The first (secret_id, secret_key) pair, for building an SDK Credential."""
        return next(iter(self._credentials.items()))

    # ---- state controls -----------------------------------------------------------------

    @property
    def tasks(self) -> list[RecordTask]:
        """Stored tasks that are not deleted, in creation order."""
        return self.state.tasks()

    def task(self, task_id: str) -> RecordTask | None:
        """A task by id, deleted or not."""
        return self.state.task(task_id)

    def add_task(self, task: RecordTask) -> RecordTask:
        """Seed a task without the CreateRecordTask rules (an empty task_id gets a fresh one)."""
        return self.state.add_task(task)

    @property
    def templates(self) -> list[dict[str, Any]]:
        """The record templates (``RecordTemplateInfo`` dicts, see ``record_template``); a copy,
        so assign the property to change them."""
        return self.state.templates

    @templates.setter
    def templates(self, templates: Iterable[Mapping[str, Any]]) -> None:
        self.state.templates = templates

    @property
    def callback_templates(self) -> list[dict[str, Any]]:
        """Callback templates made with CreateLiveCallbackTemplate, oldest first."""
        return self.state.callback_templates

    @property
    def callback_rules(self) -> list[dict[str, Any]]:
        """Callback rules made with CreateLiveCallbackRule, oldest first."""
        return self.state.callback_rules

    @property
    def page_size(self) -> int:
        """How many tasks one DescribeRecordTask page holds (Tencent has no page-size input)."""
        return self.state.page_size

    @page_size.setter
    def page_size(self, size: int) -> None:
        if size < 1:
            raise ValueError("page_size must be at least 1")
        self.state.page_size = size

    # ---- faults -------------------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        """Arm a fault; it applies to matching requests until used up or cleared."""
        self._faults.add(fault)
        return fault

    def fail_stream(
        self, stream: str, code: str, message: str, *, action: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Make calls about one stream answer an API error (Create, Describe, Stop, Delete)."""
        return self.inject(Fault.api_error(code, message, stream=stream, action=action,
                                           times=times))

    def clear_faults(self) -> None:
        """Disarm every fault and forget the call rates that throttling measured."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """Faults still armed, in injection order."""
        return self._faults.armed()

    # ---- the request log ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far (a request is logged once its reply is decided)."""
        with self._log_changed:
            return list(self._log)

    def calls(self, action: str) -> list[dict[str, Any]]:
        """The params of signature-verified calls of one action, oldest first."""
        return [r.params for r in self.requests if r.action == action and r.verified]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until ``count`` requests are logged: for replies that finish after the client
        gave up (delays, dropped connections)."""
        with self._log_changed:
            if not self._log_changed.wait_for(lambda: self._answered >= count, timeout):
                raise TimeoutError(f"{self._answered} requests logged, expected {count}")
            return list(self._log)

    def requests_in_flight(self) -> int:
        """Requests held back by a delay fault right now (received, not yet answered)."""
        with self._log_changed:
            return self._delayed

    def peak_calls_per_second(self) -> dict[str, int]:
        """Action → the most calls of it that arrived within any one second, from every client
        together, since the last ``clear_requests``: what Tencent's per-action limit (20/s)
        counts. A moving window, as ``Fault.throttle`` measures it; calls with an
        ``X-TC-Action`` the emulator knows, whatever their answer (a throttled or refused call
        still arrived). Kept apart from the request log, so a bounded log does not bound it."""
        return self._rates.peaks()

    def clear_requests(self) -> None:
        """Forget the request log and the calls per second."""
        with self._log_changed:
            self._log.clear()
            self._answered = 0
            self._epoch += 1
        self._rates.clear()

    def reset(self) -> None:
        """Forget tasks, callback templates and rules, faults and the request log (record
        templates and credentials stay)."""
        self.state.clear_tasks()
        self.state.clear_callback_config()
        self.clear_faults()
        self.clear_requests()

    # ---- the aiohttp application ----------------------------------------------------------

    def make_app(self) -> web.Application:
        """A fresh aiohttp application serving this emulator at ``/``.

        Any method is routed so that a wrong one gets Tencent's UnsupportedProtocol error
        rather than aiohttp's bare 405.
        """
        app = web.Application()
        app[EMULATOR_APP_KEY] = self
        app[_STOPPING_KEY] = asyncio.Event()
        app.router.add_route("*", "/", self._handle)
        app.on_shutdown.append(_wake_delays)
        return app

    # ---- the loopback server ---------------------------------------------------------------

    def start(self) -> LiveEmulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = BackgroundServer(self.make_app(), port=self._requested_port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LiveEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._server.port

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:PORT``, the form ``HttpProfile(endpoint=...)`` wants (no scheme)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    # ---- serving one request ---------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        call = await self._read(request)
        if call.action in ACTIONS:
            self._rates.count(call.action, call.received_at)
        try:
            spec, params = self._admit(call)
        except ApiError as err:
            return self._send(call, _error_reply(call, err))
        stream = self.state.stream_of(params)
        fault = self._faults.take(spec.name, stream, self.clock())
        if fault is None:
            return self._send(call, self._execute(call, spec, params))
        return await self._serve_with_fault(call, spec, params, fault)

    async def _read(self, request: web.Request) -> _Call:
        body = await request.read()
        query = request.rel_url.raw_query_string
        params, problem = _raw_params(request.method, body, query)
        return _Call(request, request.method, request.headers, query, body, params, problem,
                     received_at=self.clock(), epoch=self._epoch)

    def _admit(self, call: _Call) -> tuple[ActionSpec, Params]:
        """Everything that happens before an action runs: protocol, signature, version, action,
        region, then the parameters. (Tencent does not document its order; this one makes sure
        an unsigned request learns nothing about the API.)"""
        if call.method not in ("GET", "POST"):
            raise ApiError(Code.UNSUPPORTED_PROTOCOL, "Only GET and POST requests are supported.")
        self._authenticate(call)
        spec = _route(call.headers)
        if spec.needs_region:
            _check_region(call.headers.get("X-TC-Region"), spec.name)
        if call.params_error is not None:
            raise ApiError(Code.INVALID_PARAMETER, call.params_error)
        params = decode_params(spec.params, call.params, from_query=call.method == "GET")
        return spec, params

    def _authenticate(self, call: _Call) -> None:
        """TC3-HMAC-SHA256 verification (reference notes §3); sets ``call.verified``.

        Cheap structural checks come first so that each failure gets its own precise code.
        """
        auth = parse_authorization(call.headers.get("Authorization"))
        timestamp = _timestamp(call.headers.get("X-TC-Timestamp"))
        if abs(self.signing_clock() - timestamp) > MAX_CLOCK_SKEW:
            raise ApiError(
                Code.SIGNATURE_EXPIRE,
                "The signature expired: X-TC-Timestamp and the server time differ by more than "
                "five minutes.",
            )
        secret_key = self._credentials.get(auth.secret_id)
        if secret_key is None:
            raise ApiError(Code.SECRET_ID_NOT_FOUND, "The SecretId is not found.")
        if auth.date != utc_date(timestamp):
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                f"The credential scope date {auth.date} is not the UTC date of X-TC-Timestamp.",
            )
        if auth.service != SERVICE:
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                f"The credential scope service is {auth.service!r}; this API is {SERVICE!r}.",
            )
        payload = call.body
        if call.headers.get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD":
            payload = b"UNSIGNED-PAYLOAD"
        canonical = canonical_request(
            call.method, call.query, call.headers, auth.signed_headers, payload
        )
        expected = tc3_signature(secret_key, str(timestamp), auth.date, auth.service, canonical)
        if not hmac.compare_digest(expected.encode(), auth.signature.encode()):
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                "The provided credentials could not be validated; check the secret key and "
                "the signing method.",
            )
        call.verified = True

    def _execute(self, call: _Call, spec: ActionSpec, params: Params) -> _Reply:
        try:
            fields = spec.handler(self.state, params, int(self.clock()))
        except ApiError as err:
            return _error_reply(call, err)
        return _json_reply(call, fields, "OK")

    async def _serve_with_fault(
        self, call: _Call, spec: ActionSpec, params: Params, fault: Fault
    ) -> web.StreamResponse:
        """Apply a fault: maybe perform the action, wait, then answer (or not) as told."""
        reply = self._execute(call, spec, params) if fault.action_happens else None
        if fault.delay:
            with self._log_changed:
                self._delayed += 1
            try:
                await _sleep(call.request, fault.delay)
            finally:
                with self._log_changed:
                    self._delayed -= 1
        if fault.drop_connection:
            return self._drop(call, fault)
        if fault.replaces_reply:
            reply = _replacement_reply(call, fault)
        elif reply is None:
            # A delay that holds the action back: it happens only for a client still waiting.
            if _client_gone(call.request):
                return self._send(call, _Reply(0, b"", "", "client-gone"), fault)
            reply = self._execute(call, spec, params)
        if fault.content_type is not None:
            reply = replace(reply, content_type=fault.content_type)
        return self._send(call, reply, fault)

    def _drop(self, call: _Call, fault: Fault) -> web.StreamResponse:
        transport = call.request.transport
        if transport is not None:
            transport.abort()
        self._record(call, _Reply(0, b"", "", "dropped"), fault)
        return web.Response()  # never reaches the client; aiohttp needs a return value

    def _send(self, call: _Call, reply: _Reply, fault: Fault | None = None) -> web.Response:
        self._record(call, reply, fault)
        return web.Response(status=reply.status or 200, body=reply.body,
                            headers={"Content-Type": reply.content_type or JSON_CONTENT_TYPE})

    def _record(self, call: _Call, reply: _Reply, fault: Fault | None) -> None:
        entry = RecordedRequest(
            action=call.action,
            params=call.params,
            headers=dict(call.headers),
            method=call.method,
            body=call.body,
            query=call.query,
            verified=call.verified,
            outcome=reply.outcome,
            content_type=reply.content_type or None,
            request_id=call.request_id,
            received_at=call.received_at,
            fault=fault,
        )
        with self._log_changed:
            if call.epoch != self._epoch:
                return  # received before the log was cleared: it belongs to an earlier test
            self._log.append(entry)
            self._answered += 1
            self._log_changed.notify_all()


#: Where a mounted emulator application keeps its LiveEmulator.
EMULATOR_APP_KEY: Final = web.AppKey("live_emulator", LiveEmulator)


# ---- helpers of the request path ---------------------------------------------------------


def _raw_params(method: str, body: bytes, query: str) -> tuple[dict[str, Any], str | None]:
    """The parameters as sent, and why they cannot be used if they cannot.

    Read before authentication so that even a refused request is logged with what it carried.
    """
    if method == "GET":
        return dict(parse_qsl(query, keep_blank_values=True)), None
    if not body.strip():
        return {}, None
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}, "The request body is not valid JSON."
    if not isinstance(decoded, dict):
        return {}, "The request body must be a JSON object."
    return decoded, None


def _timestamp(value: str | None) -> int:
    if not value:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Timestamp`.")
    if not _INTEGER.fullmatch(value) or value.startswith("-"):
        raise ApiError(Code.INVALID_PARAMETER, "X-TC-Timestamp must be a Unix time in seconds.")
    return int(value)


def _route(headers: Mapping[str, str]) -> ActionSpec:
    version = headers.get("X-TC-Version")
    if not version:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Version`.")
    if version != API_VERSION:
        raise ApiError(Code.NO_SUCH_VERSION,
                       f"The API version `{version}` does not exist; the Live API is "
                       f"{API_VERSION}.")
    action = headers.get("X-TC-Action")
    if not action:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Action`.")
    spec = ACTIONS.get(action)
    if spec is None:
        raise ApiError(Code.INVALID_ACTION, f"The action `{action}` is not supported.")
    return spec


def _check_region(region: str | None, action: str) -> None:
    if not region:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Region`.")
    if region not in SUPPORTED_REGIONS:
        raise ApiError(Code.UNSUPPORTED_REGION,
                       f"The region `{region}` is not supported by {action}.")


def _json_reply(call: _Call, fields: Mapping[str, Any], outcome: str) -> _Reply:
    body = json.dumps({"Response": {**fields, "RequestId": call.request_id}}, ensure_ascii=False)
    return _Reply(200, body.encode(), JSON_CONTENT_TYPE, outcome)


def _error_reply(call: _Call, err: ApiError) -> _Reply:
    return _json_reply(call, {"Error": {"Code": err.code, "Message": err.message}}, err.code)


def _replacement_reply(call: _Call, fault: Fault) -> _Reply:
    """The reply a fault puts in place of the normal one (dropping is handled by the caller)."""
    if fault.http_status is not None:
        return _Reply(fault.http_status, fault.http_body.encode(), "text/html",
                      f"HTTP {fault.http_status}")
    if fault.error is not None:
        return _error_reply(call, ApiError(*fault.error))
    truncated = b'{"Response": {"RequestId": "' + call.request_id.encode()[:8]
    return _Reply(200, truncated, JSON_CONTENT_TYPE, "malformed")


async def _sleep(request: web.Request, seconds: float) -> None:
    """Sleep, but wake early when the server shuts down so that stop() never waits on a delay."""
    stopping = request.app[_STOPPING_KEY]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


async def _wake_delays(app: web.Application) -> None:
    app[_STOPPING_KEY].set()


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


# --------------------------------------------------------------------------------------------
# python -m bot.sandbox.live
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the emulator on 127.0.0.1 in the foreground, for manual use with the SDK or curl."""
    parser = argparse.ArgumentParser(
        description="Serve the Tencent Live API emulator on 127.0.0.1 (for manual use).")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret-id", default=DEFAULT_SECRET_ID)
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE,
                        help="tasks per DescribeRecordTask page")
    args = parser.parse_args(argv)
    emulator = LiveEmulator({args.secret_id: args.secret_key}, page_size=args.page_size)
    print(f"Live API emulator on http://127.0.0.1:{args.port} (SecretId {args.secret_id}); "
          f"HttpProfile(protocol='http', endpoint='127.0.0.1:{args.port}')", flush=True)
    web.run_app(emulator.make_app(), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
