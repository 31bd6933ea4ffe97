"""A fake of Slack's Web API, response URLs and Socket Mode, served over real HTTP on loopback.

The bot, its tests, the local console and benchmarks point the *real* slack_sdk clients at it
(``base_url=fake.api_url``), so what is exercised is exactly what runs in production: request
encoding, auth headers, retries, error handling. Nothing is patched.

Typical use::

    with SlackFake(users={"U1": {"tz": "Asia/Shanghai"}}) as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        call = fake.wait_for("chat.postMessage", lambda c: c.params["text"] == "hi")
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.sandbox.server import BackgroundServer
from bot.sandbox.slack.socket_mode import SOCKET_MODE_PATH, SocketModeServer
from bot.sandbox.slack.state import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_TEAM_ID,
    CallPredicate,
    FailurePlan,
    FakeChannel,
    FakeUser,
    RecordedCall,
    SlackWorkspace,
)
from bot.sandbox.slack.web_api import ApiAnswer, ApiRequest, WebApi

logger = logging.getLogger(__name__)

#: Pseudo method name under which posts to response URLs are recorded and can be made to fail.
RESPONSE_URL = "response_url"

#: Parameters Slack takes as JSON-encoded strings when the body is form-encoded. They are decoded
#: so that recorded params look the same whether the client sent JSON or a form.
JSON_STRING_PARAMS = ("view", "blocks", "attachments", "metadata")


class SlackFake:
    """Handle on one fake workspace: configure it, serve it, and inspect what the app did."""

    def __init__(
        self,
        bot_token: str = "xoxb-test",
        app_token: str | None = "xapp-test",
        *,
        users: Mapping[str, Mapping[str, Any]] | None = None,
        usergroups: Mapping[str, Iterable[str]] | None = None,
        team_id: str = DEFAULT_TEAM_ID,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        bot_id: str = DEFAULT_BOT_ID,
        app_id: str = DEFAULT_APP_ID,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.workspace = SlackWorkspace(
            bot_token=bot_token,
            app_token=app_token,
            team_id=team_id,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
        )
        self.socket_mode = SocketModeServer(self.workspace)
        self.web_api = WebApi(self.workspace, self.socket_mode)
        self._host = host
        self._port = port
        self._server: BackgroundServer | None = None
        self._base_url: str | None = None
        for user_id, fields in (users or {}).items():
            self.add_user(user_id, **fields)
        for usergroup_id, members in (usergroups or {}).items():
            self.add_usergroup(usergroup_id, members)

    # -- identity ------------------------------------------------------------------------------

    @property
    def bot_token(self) -> str:
        return self.workspace.bot_token

    @property
    def app_token(self) -> str | None:
        return self.workspace.app_token

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    # -- serving -------------------------------------------------------------------------------

    def create_app(self) -> web.Application:
        """A new aiohttp app serving this fake; mount it anywhere (then call set_base_url)."""
        return _SlackHttp(self).create_app()

    def start(self) -> SlackFake:
        """Serve on ``host:port`` (a free port by default) from a background thread."""
        self._server = BackgroundServer(self.create_app(), self._host, self._port).start()
        self._base_url = self._server.base_url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> SlackFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_base_url(self, base_url: str) -> None:
        """Where the fake is reachable, when it is mounted in another server instead of started."""
        self._base_url = base_url.rstrip("/")

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:PORT``."""
        if self._base_url is None:
            raise RuntimeError("SlackFake is not started (or set_base_url was not called)")
        return self._base_url

    @property
    def api_url(self) -> str:
        """The ``base_url`` for slack_sdk clients (trailing slash required by slack_sdk)."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        """A ``response_url`` to put in slash commands and interactions; posts are recorded."""
        return f"{self.base_url}/response/{key}"

    # -- configuration -------------------------------------------------------------------------

    def add_user(self, user_id: str, **fields: Any) -> FakeUser:
        """Make ``users.info`` know a user: ``tz``, ``tz_label``, ``tz_offset``, ``name``…"""
        user = FakeUser.from_config(user_id, fields)
        self.workspace.add_user(user)
        return user

    def add_usergroup(self, usergroup_id: str, user_ids: Iterable[str]) -> None:
        """Make ``usergroups.users.list`` return ``user_ids`` for ``usergroup_id``."""
        self.workspace.set_usergroup(usergroup_id, user_ids)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> FakeChannel:
        """Describe a channel; with ``bot_is_member=False``, posting fails ``not_in_channel``."""
        channel = FakeChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            is_private=is_private,
            bot_is_member=bot_is_member,
        )
        self.workspace.add_channel(channel)
        return channel

    def remove_channel(self, channel_id: str) -> None:
        """Make the channel unknown: calls naming it fail with ``channel_not_found``."""
        self.workspace.add_channel(FakeChannel(id=channel_id, name="", exists=False))

    def expire_trigger(self, trigger_id: str, error: str = "expired_trigger_id") -> None:
        """Make ``views.open``/``views.push`` with this trigger fail with ``error``."""
        self.workspace.expire_trigger(trigger_id, error)

    def fail(
        self,
        method: str,
        error: str | None = None,
        *,
        status: int = 200,
        times: int | None = 1,
        retry_after: int | None = None,
    ) -> FailurePlan:
        """Make the next ``times`` calls to ``method`` fail (``times=None``: until cleared).

        ``status`` is the HTTP status (200 like Slack's API errors, 429 for rate limits, 5xx for
        outages); ``error`` defaults to ``ratelimited`` for 429 and ``internal_error`` otherwise.
        ``method`` may be ``"response_url"`` to fail posts to response URLs.
        """
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error"
        plan = FailurePlan(method, error, status, times, retry_after)
        return self.workspace.add_failure(plan)

    def clear_failures(self) -> None:
        self.workspace.clear_failures()

    def reset(self) -> None:
        """Forget recorded calls, messages, views and responses (configuration stays)."""
        self.workspace.reset()

    # -- inspection ----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Calls received so far, oldest first, optionally only those to ``method``."""
        return self.workspace.calls(method)

    def wait_for(
        self, method: str, predicate: CallPredicate | None = None, timeout: float = 5
    ) -> RecordedCall:
        """Block until a matching call arrived (or already had); AssertionError on timeout."""
        return self.workspace.wait_for(method, predicate, timeout)

    async def wait_for_async(
        self, method: str, predicate: CallPredicate | None = None, timeout: float = 5
    ) -> RecordedCall:
        """:meth:`wait_for` for tests whose app runs on the test's own event loop."""
        return await self.workspace.wait_for_async(method, predicate, timeout)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Root messages the bot posted in ``channel``, oldest first."""
        return self.workspace.messages(channel)

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Replies posted in the thread under ``ts`` (the root itself not included)."""
        return self.workspace.thread(channel, ts)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The stored message (root or reply) with this ``ts``, as last updated."""
        return self.workspace.message(channel, ts)

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict]:
        return self.workspace.ephemerals(channel, user)

    def views(self) -> list[dict[str, Any]]:
        """Views opened or pushed, in order, each in its latest version."""
        return self.workspace.views()

    def view(self, view_id: str) -> dict[str, Any] | None:
        return self.workspace.view(view_id)

    def home(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for ``user_id`` (views.publish), or None."""
        return self.workspace.home(user_id)

    def responses(self, key: str) -> list[dict[str, Any]]:
        """JSON bodies posted to ``response_url(key)``, oldest first."""
        return self.workspace.responses(key)

    def wait_for_response(self, key: str, timeout: float = 5) -> dict[str, Any]:
        """Block until something was posted to ``response_url(key)``; return the first body."""
        suffix = f"/response/{key}"
        self.wait_for(RESPONSE_URL, lambda c: c.path.endswith(suffix), timeout)
        return self.responses(key)[0]


class _SlackHttp:
    """The HTTP face of a :class:`SlackFake`: parses requests as slack_sdk sends them."""

    def __init__(self, fake: SlackFake) -> None:
        self._fake = fake
        self._workspace = fake.workspace

    def create_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.api_call)
        app.router.add_post("/response/{key}", self.response_url_post)
        app.router.add_get(SOCKET_MODE_PATH, self._fake.socket_mode.handle)
        app.router.add_get("/", self.index)
        app.on_shutdown.append(self._close_sockets)
        return app

    async def _close_sockets(self, app: web.Application) -> None:
        """Open websockets would otherwise hold up server shutdown for a minute."""
        await self._fake.socket_mode.close_connections()

    async def index(self, request: web.Request) -> web.Response:
        methods = ", ".join(self._fake.web_api.methods)
        return web.Response(text=f"Slack fake. Modelled Web API methods: {methods}\n")

    async def api_call(self, request: web.Request) -> web.Response:
        received_at = time.time()
        method = request.match_info["method"]
        token = _bearer_token(request)
        try:
            params, raw_body = await _read_params(request)
        except ValueError as error:
            params, raw_body = {}, ""
            answer = ApiAnswer({"ok": False, "error": "invalid_json", "detail": str(error)})
        else:
            token = token or params.pop("token", None)
            answer = self._answer(method, params, token, _public_base(request, method))
        self._record(request, method, params, raw_body, received_at, answer, token)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)

    def _answer(
        self, method: str, params: dict[str, Any], token: str | None, public_base: str
    ) -> ApiAnswer:
        try:
            return self._fake.web_api.call(ApiRequest(method, params, token, public_base))
        except Exception:
            # A bug in the fake must surface as a failed call, not as a hung client.
            logger.exception("Slack fake crashed answering %s", method)
            return ApiAnswer({"ok": False, "error": "fatal_error"}, status=500)

    async def response_url_post(self, request: web.Request) -> web.Response:
        received_at = time.time()
        key = request.match_info["key"]
        raw_body = await request.text()
        try:
            body = json.loads(raw_body) if raw_body else {}
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            answer = ApiAnswer({"ok": False, "error": "invalid_payload"}, status=400)
            self._record(request, RESPONSE_URL, {}, raw_body, received_at, answer)
            return web.Response(status=400, text="invalid_payload")
        if plan := self._workspace.take_failure(RESPONSE_URL):
            answer = ApiAnswer({"ok": False, "error": plan.error}, plan.status, plan.headers())
            self._record(request, RESPONSE_URL, body, raw_body, received_at, answer)
            return web.Response(status=plan.status, text=plan.error, headers=plan.headers())
        self._workspace.store_response(key, body)
        self._record(request, RESPONSE_URL, body, raw_body, received_at, ApiAnswer({"ok": True}))
        return web.Response(text="ok")

    def _record(
        self,
        request: web.Request,
        method: str,
        params: dict[str, Any],
        raw_body: str,
        received_at: float,
        answer: ApiAnswer,
        token: str | None = None,
    ) -> None:
        self._workspace.record(
            RecordedCall(
                method=method,
                params=params,
                headers={k.lower(): v for k, v in request.headers.items()},
                token=token,
                received_at=received_at,
                path=request.path,
                raw_body=raw_body,
                status=answer.status,
                response=answer.body,
            )
        )


async def _read_params(request: web.Request) -> tuple[dict[str, Any], str]:
    """Merge query string and body the way Slack does; returns (params, raw body text).

    slack_sdk sends JSON for most write methods, form bodies for others and the query string
    for GETs, so all three must be understood. Raises ValueError for a malformed JSON body.
    """
    params: dict[str, Any] = dict(request.query)
    raw_body = ""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        params.update({k: v if isinstance(v, str) else v.filename for k, v in form.items()})
    elif request.can_read_body:
        raw_body = await request.text()
        params.update(_parse_body(request.content_type, raw_body))
    for name in JSON_STRING_PARAMS:
        if name in params:
            params[name] = _maybe_json(params[name])
    return params, raw_body


def _parse_body(content_type: str, raw_body: str) -> dict[str, Any]:
    if not raw_body:
        return {}
    if content_type == "application/json":
        body = json.loads(raw_body)
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        return body
    return dict(parse_qsl(raw_body, keep_blank_values=True))


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def _public_base(request: web.Request, method: str) -> str:
    """Scheme, host and mount prefix the client used, for URLs that point back at the fake."""
    prefix = request.path.removesuffix(f"/api/{method}")
    return f"{request.scheme}://{request.host}{prefix}"
