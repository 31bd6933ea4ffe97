"""What the bot takes from Slack, on either transport, before Bolt sees it.

HTTP mode (``POST /slack/events``, ``read_signed_request``), in this order:

1. the body is read incrementally and refused with 413 past ``MAX_BODY_BYTES`` (Slack's own
   payloads are a few tens of KB at most: a view submission carries the whole form);
2. ``X-Slack-Request-Timestamp`` must be a Unix time within Slack's 5 minutes of now and
   ``X-Slack-Signature`` a ``v0=`` HMAC of the body: 401 otherwise (a body that is not UTF-8,
   which Slack never sends and the signature cannot be checked over, is 400);
3. the body must parse as Slack sends it (form fields, an interactivity ``payload`` of JSON,
   or a JSON object), and carry the fields every request of its kind has (``problem``): 400.

Each refusal is one log line (a fixed reason, the size, the peer), never the body or the
signature. A request that passes is handed to Bolt with what identifies it in its context
(``bolt_request``): the keys listeners may read are below.

Socket Mode: envelopes are authenticated by the connection (no signature), but a payload Bolt
cannot read, or one without the fields of its kind, is dropped with one log line instead of
reaching a listener (``GuardedSocketModeHandler``).

Context keys, set for every request (``context[...]`` in a listener):

* ``slack_request_id``: HTTP mode, the ``X-Slack-Signature`` header as verified, ``v0=``
  followed by 64 lowercase hex digits. It covers the timestamp and the exact body, so a
  replayed request has the same one and any other request another. None in Socket Mode.
* ``slack_request_timestamp``: HTTP mode, ``X-Slack-Request-Timestamp`` as an int (Unix
  seconds; the request is refused outside 5 minutes of it). None in Socket Mode.
* ``slack_retry_num``: ``X-Slack-Retry-Num`` (HTTP) or the envelope's ``retry_attempt``
  (Socket Mode) as an int >= 1 when Slack says this is a retry; None for a first delivery.
* ``slack_retry_reason``: ``X-Slack-Retry-Reason`` or the envelope's ``retry_reason``
  (e.g. ``http_timeout``), or None.
* ``slack_envelope_id``: Socket Mode, the envelope's id (unique per envelope; Slack does not
  document whether a redelivery keeps it); None in HTTP mode.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.async_app import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from starlette.requests import ClientDisconnect, Request

from bot.http.body import BodyTooLarge, read_limited

log = logging.getLogger(__name__)

#: The largest body /slack/events reads (413 beyond). Slack's payloads are small: a slash
#: command is a few hundred bytes, the bot's form submitted with its blocks ~20 KB.
MAX_BODY_BYTES: Final = 1024 * 1024

#: How far a request's timestamp may be from now (Slack's documented replay window).
MAX_CLOCK_SKEW: Final = 5 * 60

REQUEST_ID: Final = "slack_request_id"
REQUEST_TIMESTAMP: Final = "slack_request_timestamp"
RETRY_NUM: Final = "slack_retry_num"
RETRY_REASON: Final = "slack_retry_reason"
ENVELOPE_ID: Final = "slack_envelope_id"

_SIGNATURE_RE = re.compile(r"v0=[0-9a-f]{64}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_RETRY_NUM_RE = re.compile(r"[0-9]{1,4}")
_MAX_REASON = 64

# Interactions that come from a person, so carry ``user.id``.
_USER_INTERACTIONS = frozenset({"block_actions", "view_submission", "view_closed", "shortcut",
                                "message_action", "block_suggestion"})


class Refused(Exception):
    """A request answered without Bolt: ``status`` 400, 401 or 413. ``reason`` is a fixed
    phrase that is safe to log and to answer with (no body, no signature, no secret)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class SignedRequest:
    """A verified request from Slack: its text, how it parses, and what identifies it."""

    text: str
    body: dict[str, Any]
    context: dict[str, Any]


# --------------------------------------------------------------------------------------------
# HTTP mode
# --------------------------------------------------------------------------------------------


class SlackVerifier:
    """Slack's v0 signature (slack_sdk's SignatureVerifier) with the checks it leaves to its
    caller: header shapes it would crash on, the timestamp window, a body that is text."""

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        class _Clock(Clock):
            def now(self) -> float:
                return clock()

        self._verifier = SignatureVerifier(signing_secret, clock=_Clock())
        self._clock = clock

    def verify(self, raw: bytes, headers: Mapping[str, str]) -> tuple[str, str, int]:
        """The body as text, the signature and the timestamp; ``Refused`` otherwise."""
        signature = headers.get("x-slack-signature", "")
        stamp = headers.get("x-slack-request-timestamp", "")
        if not signature or not stamp:
            raise Refused(401, "no Slack signature")
        if not _TIMESTAMP_RE.fullmatch(stamp):
            raise Refused(401, "X-Slack-Request-Timestamp is not a Unix time")
        if not _SIGNATURE_RE.fullmatch(signature):
            raise Refused(401, "X-Slack-Signature is not a v0 signature")
        timestamp = int(stamp)
        if abs(self._clock() - timestamp) > MAX_CLOCK_SKEW:
            raise Refused(401, "X-Slack-Request-Timestamp is more than 5 minutes from now")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the body is not UTF-8") from None
        if not self._verifier.is_valid(text, stamp, signature):
            raise Refused(401, "bad Slack signature")
        return text, signature, timestamp


async def read_signed_request(request: Request, verifier: SlackVerifier) -> SignedRequest:
    """Read, verify and parse one request to /slack/events; ``Refused`` says why not."""
    try:
        raw = await read_limited(request, MAX_BODY_BYTES)
    except BodyTooLarge as e:
        raise Refused(413, str(e)) from None
    except ClientDisconnect:
        raise Refused(400, "the client went away while sending the body") from None
    text, signature, timestamp = verifier.verify(raw, request.headers)
    body = parse_body(text, request.headers.get("content-type"))
    why = problem(body)
    if why:
        raise Refused(400, why)
    context = {REQUEST_ID: signature, REQUEST_TIMESTAMP: timestamp, ENVELOPE_ID: None,
               **_retry(request.headers.get("x-slack-retry-num"),
                        request.headers.get("x-slack-retry-reason"))}
    return SignedRequest(text, body, context)


def bolt_request(request: Request, signed: SignedRequest) -> AsyncBoltRequest:
    """The Bolt request for a verified one, built from our parse, plus our context keys.

    Bolt's constructor parses a text body (HTTP mode) and takes a parsed one only in Socket
    Mode, so it is built as the latter and then marked as what it is, an HTTP request with
    its raw text (which Bolt's own signature check reads). So the body is parsed once (the
    url-decoding of a form's payload is most of the cost of a request before the ack), and
    parsed right: Bolt's parser reads any form body with the word "payload" in it as an
    interactivity payload, so ``/record payload 8pm to 10pm`` (or a command from a channel
    named ``payload-ops``) would reach it empty. ``Refused(400)`` for a body whose fields
    Bolt's readers cannot take (e.g. an ``enterprise`` that is a list).
    """
    try:
        bolt = AsyncBoltRequest(body=signed.body, mode="socket_mode",
                                query=request.query_params,  # type: ignore[arg-type]
                                headers=request.headers,  # type: ignore[arg-type]
                                context=dict(signed.context))
    except Exception as e:
        raise Refused(400, f"a payload Bolt cannot read ({type(e).__name__})") from None
    bolt.mode, bolt.raw_body = "http", signed.text
    return bolt


def parse_body(text: str, content_type: str | None) -> dict[str, Any]:
    """The body as Slack sends it: a JSON object, form fields, or form fields whose
    ``payload`` is a JSON object (interactivity). ``Refused(400)`` for anything else."""
    if not text:
        return {}
    if (content_type or "").split(";")[0].strip().lower() == "application/json" \
            or text.startswith("{"):
        return _json_object(text, "the body")
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return _json_object(fields["payload"], "the interactivity payload")
    return fields


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return value


def _retry(num: object, reason: object) -> dict[str, Any]:
    text = str(num).strip() if num is not None else ""
    attempt = int(text) if _RETRY_NUM_RE.fullmatch(text) else 0
    why = str(reason).strip()[:_MAX_REASON] if reason is not None else ""
    return {RETRY_NUM: attempt or None, RETRY_REASON: why or None}


# --------------------------------------------------------------------------------------------
# Both transports
# --------------------------------------------------------------------------------------------


def problem(body: Mapping[str, Any]) -> str | None:
    """Why a parsed request lacks what every request of its kind carries, or None.

    Only Slack's documented shapes are checked, for the kinds the bot answers; other kinds
    (``ssl_check``, ``url_verification``, events) go on to Bolt as they are.
    """
    if "command" in body:
        for name in ("command", "user_id", "channel_id", "response_url"):
            if not _text(body.get(name)):
                return f"slash command without {name}"
        return None
    kind = body.get("type")
    if not isinstance(kind, str):
        return None
    if kind in _USER_INTERACTIONS:
        user = body.get("user")
        if not isinstance(user, Mapping) or not _text(user.get("id")):
            return f"{kind} without user"
        for name in ("team", "channel", "container", "message"):
            if body.get(name) is not None and not isinstance(body.get(name), Mapping):
                return f"{kind} with a {name} that is not an object"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions or not all(
            isinstance(a, Mapping) and _text(a.get("action_id")) for a in actions
        ):
            return "block_actions without actions"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, Mapping):
            return f"{kind} without view"
        if not isinstance(view.get("callback_id"), str) \
                or not isinstance(view.get("private_metadata", ""), str):
            return f"{kind} with a view that is not a view"
        if kind == "view_submission" and not _state_values(view.get("state")):
            return "view_submission without view.state.values"
    return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _state_values(state: object) -> bool:
    """``{"values": {block_id: {action_id: {...}}}}``, as Slack submits a view's inputs."""
    if not isinstance(state, Mapping):
        return False
    values = state.get("values")
    return isinstance(values, Mapping) and all(
        isinstance(block, Mapping) and all(isinstance(e, Mapping) for e in block.values())
        for block in values.values()
    )


# --------------------------------------------------------------------------------------------
# Socket Mode
# --------------------------------------------------------------------------------------------


def socket_mode_request(req: SocketModeRequest) -> AsyncBoltRequest:
    """The Bolt request for an envelope, as Bolt's Socket Mode adapter builds it, plus our
    context keys; ``Refused(400)`` for a payload Bolt cannot read or that lacks its fields."""
    if not isinstance(req.payload, dict):
        raise Refused(400, "the envelope's payload is not an object")
    context = {REQUEST_ID: None, REQUEST_TIMESTAMP: None,
               ENVELOPE_ID: str(req.envelope_id)[:_MAX_REASON],
               **_retry(req.retry_attempt, req.retry_reason)}
    why = problem(req.payload)
    if why:
        raise Refused(400, why)
    try:
        return AsyncBoltRequest(body=req.payload, mode="socket_mode", context=context,
                                headers=build_headers(req))
    except Exception as e:  # what Bolt's readers choke on, e.g. an id that is a list
        raise Refused(400, f"a payload Bolt cannot read ({type(e).__name__})") from None


class GuardedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, with ``socket_mode_request`` in front of the app: a refused
    envelope is logged in one line and not acknowledged (as Bolt does for any answer but 200),
    and never reaches a listener."""

    async def handle(self, client: AsyncBaseSocketModeClient,  # type: ignore[override]
                     req: SocketModeRequest) -> None:
        started = time.time()
        try:
            bolt = socket_mode_request(req)
        except Refused as e:
            log.warning("Slack envelope refused: %s (type %s)", e.reason,
                        str(req.type)[:_MAX_REASON])
            return
        response = await self.app.async_dispatch(bolt)
        await send_async_response(client, req, response, started)
