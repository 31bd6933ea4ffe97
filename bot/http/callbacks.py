"""``POST /tencent/callback``: where Tencent Live reports pushes, breaks and recordings.

Small and fast on purpose. Tencent redelivers whatever is not answered 200 within ~20 s, so
the handler only verifies the sign, reads the event, keeps it in the store (which also spots
redeliveries), answers ``{"code":0}``, and leaves the Slack posting to background work.

Answers:

* 200 ``{"code":0}``: kept (or a redelivery of an event already kept: nothing new is posted);
* 400: the body is not a JSON object, or a field the event type needs is missing or wrong;
* 401: no or wrong ``sign``, ``t`` has passed or is more than a day ahead (the reason is
  logged; key and sign never);
* 500: the store failed, so Tencent should try again;
* 503: ``TENCENT_CALLBACK_KEY`` is not set ("callbacks not configured"), or the bot is starting.

In HTTP mode the route is part of the bot's app (bot.http.app); in Socket Mode, with
``CALLBACK_PORT``, ``CallbackServer`` runs a listener with just this route, /healthz and
/readyz (bot.http.health). What an event means is the use case's (bot.recording.callbacks);
this only takes it in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.http.body import BodyTooLarge, read_limited
from bot.http.health import health_routes
from bot.http.metrics import metrics_route
from bot.recording.ports import CallbackResult, Surface
from bot.runtime import Runtime
from bot.tencent.callbacks import (
    CALLBACK_PATH,
    MAX_BODY_BYTES,
    CallbackRejected,
    canonical_json,
    parse_event,
    read_body,
    stored_payload,
    verify_sign,
)

log = logging.getLogger(__name__)

OnNew = Callable[[int], object]


def _answer(status: int, message: str | None = None) -> JSONResponse:
    body: dict[str, object] = {"code": 0 if status == 200 else status}
    if message:
        body["message"] = message
    return JSONResponse(body, status_code=status)


async def _read_limited(request: Request) -> bytes:
    try:
        return await read_limited(request, MAX_BODY_BYTES)
    except BodyTooLarge as e:
        raise CallbackRejected(400, str(e)) from None


def _event_type(payload: object) -> int | None:
    """The event type of a body that was read but refused, if it says one (an int)."""
    value = payload.get("event_type") if isinstance(payload, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def callback_route(rt: Runtime, on_new: OnNew, clock: Callable[[], float] = time.time) -> Route:
    """The route; ``on_new(callback_id)`` is called for each newly kept event."""

    async def tencent_callback(request: Request) -> Response:
        rt.metrics.request(Surface.TENCENT_CALLBACK)
        key = rt.settings.callback_key
        if not key or not rt.ready:
            rt.metrics.callback(None, CallbackResult.NOT_CONFIGURED)
            return _answer(503, "callbacks not configured" if not key else "starting")
        payload: object = None
        try:
            payload = read_body(await _read_limited(request))
            verify_sign(key, payload, clock())
            event = parse_event(payload)
        except CallbackRejected as e:
            log.warning("Tencent callback refused with %d: %s", e.status, e.reason)
            rt.metrics.callback(_event_type(payload), CallbackResult.REFUSED)
            return _answer(e.status, e.reason if e.status == 400 else "unauthorized")
        except ClientDisconnect:
            rt.metrics.callback(None, CallbackResult.REFUSED)
            return Response(status_code=400)
        try:
            callback_id = await rt.callbacks.receive(event,
                                                     canonical_json(stored_payload(payload)))
        except Exception:
            log.exception("could not keep a Tencent callback (%s); Tencent will retry",
                          event.dedupe_key)
            rt.metrics.callback(event.event_type, CallbackResult.NOT_STORED)
            return _answer(500, "not stored; try again")
        if callback_id is None:
            log.info("Tencent callback %s delivered again; already kept", event.dedupe_key)
            rt.metrics.callback(event.event_type, CallbackResult.REDELIVERED)
        else:
            log.info("Tencent callback %s kept as event %d", event.dedupe_key, callback_id)
            rt.metrics.callback(event.event_type, CallbackResult.KEPT)
            on_new(callback_id)
        return _answer(200)

    return Route(CALLBACK_PATH, tencent_callback, methods=["POST"])


def create_callback_app(rt: Runtime, on_new: OnNew) -> Starlette:
    """Socket Mode's HTTP listener: the callback route, /healthz, /readyz and /metrics,
    nothing else."""
    return Starlette(routes=[callback_route(rt, on_new), *health_routes(rt),
                             metrics_route(rt)])


class CallbackServer:
    """A uvicorn server for ``create_callback_app`` inside the bot's own event loop.

    The port is bound up front, so a port in use fails the start with a plain OSError. The
    bot's signal handling stops it (``stop()``); uvicorn's own signal capture is disabled.
    """

    def __init__(self, rt: Runtime, on_new: OnNew, host: str, port: int) -> None:
        import uvicorn

        class _Embedded(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):  # type: ignore[no-untyped-def, override]
                yield

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError:
            self._sock.close()
            raise
        config = uvicorn.Config(create_callback_app(rt, on_new), log_config=None,
                                lifespan="off", access_log=False, timeout_graceful_shutdown=10)
        self._server = _Embedded(config)
        self._task: asyncio.Task[None] | None = None
        self.host, self.port = host, port

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._server.serve(sockets=[self._sock]), name="callback-server")
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises what stopped it
                raise RuntimeError("the callback listener stopped while starting")
            await asyncio.sleep(0.02)
        log.info("Tencent callbacks at http://%s:%d%s", self.host, self.port, CALLBACK_PATH)

    async def stop(self) -> None:
        if self._task is None:
            self._sock.close()
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._sock.close()


async def callback_listener(rt: Runtime) -> CallbackServer | None:
    """Socket Mode: the HTTP listener on CALLBACK_PORT, started; None when it is not set.

    Raises OSError when the port cannot be bound.
    """
    settings = rt.settings
    if not settings.callback_port:
        if settings.callback_key:
            log.warning("TENCENT_CALLBACK_KEY is set but CALLBACK_PORT is not: in Socket Mode "
                        "the bot receives Tencent's callbacks only on CALLBACK_PORT, so none "
                        "are handled")
        return None
    if not settings.callback_key:
        log.warning("CALLBACK_PORT is set but TENCENT_CALLBACK_KEY is not: /tencent/callback "
                    "answers 503 until it is")
    server = CallbackServer(rt, rt.on_callback, settings.host, settings.callback_port)
    await server.start()
    return server
