"""Slack's Socket Mode, faked: the websocket an app connects to after ``apps.connections.open``.

The protocol, as slack_sdk's Socket Mode clients implement it:

* the app calls ``apps.connections.open`` with its ``xapp-`` token and connects to the returned
  ``url``; the server greets it with ``{"type": "hello", ...}``;
* the server pushes envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}``
  (``type`` is ``slash_commands``, ``interactive`` or ``events_api``);
* the app acks each with ``{"envelope_id": ..., "payload": {...}}`` (payload optional); for a
  slash command the payload is what ``ack("text")`` produced, for a view submission the
  ``response_action``;
* the server may send ``{"type": "disconnect", "reason": ...}``, after which the app opens a new
  connection.

Tests run on their own thread (or their own event loop) while the websocket lives on the fake's
loop, so each operation exists as a blocking call and as an ``*_async`` one.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.slack.state import SlackWorkspace, loop_running_here

#: Path of the websocket endpoint, relative to where the fake's app is mounted.
SOCKET_MODE_PATH = "/socket-mode/link"

#: Envelope types whose ack may carry a response payload (Events API acks never do).
RESPONDING_TYPES = frozenset({"slash_commands", "interactive"})


class SocketModeServer:
    """Accepts Socket Mode connections and delivers envelopes to the most recent one."""

    def __init__(self, workspace: SlackWorkspace) -> None:
        self._ws = workspace
        self._state = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[web.WebSocketResponse] = []
        self._acks: list[dict[str, Any]] = []
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._envelope_numbers = itertools.count(1)
        self._accepted = 0

    # -- what the app sees -----------------------------------------------------------------------

    def issue_url(self, public_base: str) -> str:
        """A websocket URL for ``apps.connections.open``, valid for connecting (repeatedly)."""
        ticket = uuid.uuid4().hex
        with self._state:
            self._tickets.add(ticket)
        ws_base = "ws" + public_base.removeprefix("http")
        return f"{ws_base}{SOCKET_MODE_PATH}?ticket={ticket}&app_id={self._ws.app_id}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The websocket endpoint: greet, then route acks back to whoever sent the envelope."""
        with self._state:
            known_ticket = request.query.get("ticket") in self._tickets
        if not known_ticket:
            raise web.HTTPUnauthorized(text="unknown Socket Mode ticket")
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._loop = asyncio.get_running_loop()
        self._add_connection(socket)
        try:
            await socket.send_json(self._hello())
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    self._on_ack(frame.json())
        finally:
            self._remove_connection(socket)
        return socket

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": self.connection_count,
            "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
            "connection_info": {"app_id": self._ws.app_id},
        }

    def _add_connection(self, socket: web.WebSocketResponse) -> None:
        with self._state:
            self._connections.append(socket)
            self._accepted += 1
            self._state.notify_all()

    def _remove_connection(self, socket: web.WebSocketResponse) -> None:
        with self._state:
            self._connections.remove(socket)
            self._state.notify_all()

    def _on_ack(self, ack: dict[str, Any]) -> None:
        with self._state:
            self._acks.append(ack)
            future = self._pending.pop(str(ack.get("envelope_id")), None)
        if future is not None and not future.done():
            future.set_result(ack)

    async def close_connections(self) -> None:
        """Close every socket from the server side (also used when the fake shuts down)."""
        with self._state:
            sockets = list(self._connections)
        for socket in sockets:
            await socket.close()

    # -- what tests use ------------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        with self._state:
            return sum(1 for s in self._connections if not s.closed)

    @property
    def accepted_count(self) -> int:
        """Connections accepted since the fake started, open or not (reconnects add to it)."""
        with self._state:
            return self._accepted

    @property
    def acks(self) -> list[dict[str, Any]]:
        """Every ack received, in order (including ones nobody waited for)."""
        with self._state:
            return list(self._acks)

    def wait_connected(self, timeout: float = 5, count: int = 1) -> None:
        """Block until at least ``count`` Socket Mode clients are connected."""
        with self._state:
            if not self._state.wait_for(lambda: self._open_count() >= count, timeout):
                raise AssertionError(self._not_connected_message(timeout, count, blocking=True))

    async def wait_connected_async(self, timeout: float = 5, count: int = 1) -> None:
        """Like :meth:`wait_connected`, letting the caller's loop (maybe the app's) run."""
        deadline = time.monotonic() + timeout
        while self.connection_count < count:
            if time.monotonic() >= deadline:
                raise AssertionError(self._not_connected_message(timeout, count, blocking=False))
            await asyncio.sleep(0.01)

    def _open_count(self) -> int:
        return sum(1 for s in self._connections if not s.closed)

    def _not_connected_message(self, timeout: float, count: int, *, blocking: bool) -> str:
        message = (
            f"{self.connection_count} Socket Mode connection(s) after {timeout}s, wanted {count}; "
            f"apps.connections.open was called {len(self._ws.calls('apps.connections.open'))} "
            "time(s)"
        )
        return message + (_SAME_LOOP_HINT if blocking and loop_running_here() else "")

    def send(
        self,
        type: str,
        payload: dict[str, Any],
        timeout: float = 5,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
    ) -> dict[str, Any]:
        """Deliver an envelope, block until the app acks it, and return the ack's payload.

        The payload is ``{}`` when the app acked without one. Raises AssertionError when no app
        is connected or no ack arrives within ``timeout``.
        """
        loop = self._server_loop()
        delivery = self._deliver(type, payload, timeout, envelope_id, accepts_response_payload)
        future = asyncio.run_coroutine_threadsafe(delivery, loop)
        try:
            return future.result(timeout + 5)
        except TimeoutError:
            future.cancel()
            raise AssertionError(_SAME_LOOP_HINT.strip()) from None

    async def send_async(
        self,
        type: str,
        payload: dict[str, Any],
        timeout: float = 5,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
    ) -> dict[str, Any]:
        """Like :meth:`send`, awaitable from any event loop (use it when the app runs on yours)."""
        loop = self._server_loop()
        delivery = self._deliver(type, payload, timeout, envelope_id, accepts_response_payload)
        if loop is asyncio.get_running_loop():
            return await delivery
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(delivery, loop))

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask connected apps to reconnect, as Slack does before recycling a connection."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-slack"}}
        loop = self._server_loop()
        asyncio.run_coroutine_threadsafe(self._broadcast(message), loop).result(5)

    async def _broadcast(self, message: dict[str, Any]) -> None:
        with self._state:
            sockets = [s for s in self._connections if not s.closed]
        for socket in sockets:
            await socket.send_json(message)

    async def _deliver(
        self,
        type: str,
        payload: dict[str, Any],
        timeout: float,
        envelope_id: str | None,
        accepts_response_payload: bool | None,
    ) -> dict[str, Any]:
        """Runs on the fake's loop: send the envelope and wait for its ack."""
        socket = self._newest_connection()
        envelope_id = envelope_id or f"fake-envelope-{next(self._envelope_numbers)}"
        if accepts_response_payload is None:
            accepts_response_payload = type in RESPONDING_TYPES
        ack_future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        with self._state:
            self._pending[envelope_id] = ack_future
        envelope = {
            "envelope_id": envelope_id,
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        try:
            await socket.send_json(envelope)
            ack = await asyncio.wait_for(ack_future, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no ack for {type} envelope {envelope_id} within {timeout}s; "
                f"acks seen: {self.acks}"
            ) from None
        finally:
            with self._state:
                self._pending.pop(envelope_id, None)
        return dict(ack.get("payload") or {})

    def _newest_connection(self) -> web.WebSocketResponse:
        with self._state:
            open_sockets = [s for s in self._connections if not s.closed]
        if not open_sockets:
            raise AssertionError("no Socket Mode client is connected to the fake")
        return open_sockets[-1]

    def _server_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise AssertionError("no Socket Mode client has connected to the fake yet")
        return self._loop


_SAME_LOOP_HINT = (
    "\n(this thread runs an event loop: if the app runs on it, a blocking call starves it; "
    "use the *_async variant)"
)
