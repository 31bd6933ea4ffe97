"""The bot's ASGI app in this process (no uvicorn): what /slack/events refuses before Bolt, what
it hands Bolt in the request context, the size cap, /healthz and /readyz.

Bolt runs for real against the Slack fake (it calls auth.test); Tencent is never called.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_bolt.async_app import AsyncBoltRequest
from slack_sdk.socket_mode.request import SocketModeRequest

import bot.http.app as http_app
from bot.config import load_settings
from bot.http.app import create_web_app
from bot.http.health import Health
from bot.http.slack_requests import (
    MAX_BODY_BYTES,
    Refused,
    parse_body,
    problem,
    socket_mode_request,
)
from bot.runtime import Runtime, build_runtime
from bot.sandbox import SlackFake
from tests.support.slack import (
    block_action_payload,
    interaction_body,
    sign,
    slash_command_body,
    slash_command_payload,
    view_submission_payload,
)

SECRET = "http-test-signing-secret"


class NoLive:
    async def describe_record_templates(self) -> list:
        return []

    async def close(self) -> None:
        return None


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackFake]:
    with SlackFake(bot_token="xoxb-http-test") as fake:
        yield fake


@pytest.fixture
async def rt(tmp_path: Path, slack: SlackFake) -> AsyncIterator[Runtime]:
    settings = load_settings({
        "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url, "LIVE_PUSH_DOMAIN": "push.example.com",
        "TENCENTCLOUD_SECRET_ID": "id", "TENCENTCLOUD_SECRET_KEY": "key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    })
    runtime = build_runtime(settings, live=NoLive())  # type: ignore[arg-type]
    await runtime.store.migrate()
    runtime.ready = True
    slack.reset()
    yield runtime
    await runtime.close()


class Dispatched:
    """Spy on the Bolt requests the route builds (and so on what Bolt and listeners get)."""

    def __init__(self) -> None:
        self.requests: list[AsyncBoltRequest] = []


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> Dispatched:
    spy = Dispatched()
    real = http_app.bolt_request

    def recording(request: Any, signed: Any) -> AsyncBoltRequest:
        built = real(request, signed)
        spy.requests.append(built)
        return built

    monkeypatch.setattr(http_app, "bolt_request", recording)
    return spy


@contextlib.asynccontextmanager
async def client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(rt), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        yield http


def signed_headers(body: str | bytes, **extra: str) -> dict[str, str]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return {**sign(SECRET, text), **extra}


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.http.app"]


# ---- malformed and unsigned requests -----------------------------------------------------------


def _without(payload: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in keys}


def _form(fields: dict[str, Any]) -> str:
    return urlencode(fields)


COMMAND = slash_command_payload("help")
BUTTON = block_action_payload("recording_stop", "1")
VIEW = view_submission_payload({"stream": {"value": {"type": "plain_text_input",
                                                      "value": "x"}}},
                               callback_id="record_form")

MALFORMED: list[tuple[str, str, int, str]] = [
    ("payload not JSON", "payload=%7Bnot-json", 400, "not JSON"),
    ("payload a list", interaction_body([1, 2]), 400, "not a JSON object"),  # type: ignore[arg-type]
    ("JSON body a list", "[1]", 400, "not a JSON object"),
    ("deeply nested JSON", "payload=" + "%5B" * 100_000, 400, "not JSON"),
    ("button without user", interaction_body(_without(BUTTON, "user")), 400, "without user"),
    ("button with a user but no id",
     interaction_body({**BUTTON, "user": {"name": "x"}}), 400, "without user"),
    ("button without actions", interaction_body(_without(BUTTON, "actions")), 400,
     "without actions"),
    ("button with empty actions", interaction_body({**BUTTON, "actions": []}), 400,
     "without actions"),
    ("button with an action that is not an object",
     interaction_body({**BUTTON, "actions": ["x"]}), 400, "without actions"),
    ("button with a team that is a list", interaction_body({**BUTTON, "team": ["id"]}), 400,
     "team that is not an object"),
    ("button with an enterprise that is a list",
     interaction_body({**BUTTON, "enterprise": ["id"]}), 400, "Bolt cannot read"),
    ("command without user_id", _form(_without(COMMAND, "user_id")), 400, "without user_id"),
    ("command without channel_id", _form(_without(COMMAND, "channel_id")), 400,
     "without channel_id"),
    ("command without response_url", _form(_without(COMMAND, "response_url")), 400,
     "without response_url"),
    ("view_submission without view", interaction_body(_without(VIEW, "view")), 400,
     "without view"),
    ("view_submission without state",
     interaction_body({**VIEW, "view": _without(VIEW["view"], "state")}), 400,
     "view.state.values"),
    ("view_submission without callback_id",
     interaction_body({**VIEW, "view": _without(VIEW["view"], "callback_id")}), 400,
     "not a view"),
    ("view_submission with values that are not objects",
     interaction_body({**VIEW, "view": {**VIEW["view"], "state": {"values": {"a": 1}}}}), 400,
     "view.state.values"),
]


@pytest.mark.parametrize(("name", "body", "status", "reason"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
async def test_a_signed_but_malformed_request_is_400_in_one_line_before_bolt(
        rt, dispatched, caplog, slack, name, body, status, reason):
    headers = signed_headers(body)
    if body.startswith("["):
        headers["content-type"] = "application/json"
    with caplog.at_level(logging.INFO):
        async with client(rt) as http:
            resp = await http.post("/slack/events", content=body, headers=headers)
    assert resp.status_code == status
    assert reason in resp.json()["error"]
    [line] = refusal_lines(caplog)
    assert line.levelno == logging.WARNING and reason in line.getMessage()
    assert not any(r.exc_info or r.exc_text for r in caplog.records)
    assert "Traceback" not in caplog.text
    assert dispatched.requests == [] and slack.calls() == []
    assert headers["x-slack-signature"] not in caplog.text


def _unsigned_cases() -> list[tuple[str, bytes, dict[str, str], int, str]]:
    body = slash_command_body("help")
    good = sign(SECRET, body)
    now = int(time.time())
    return [
        ("no signature", body.encode(), {"content-type": good["content-type"]}, 401,
         "no Slack signature"),
        ("timestamp not a number", body.encode(), {**good, "x-slack-request-timestamp": "abc"},
         401, "not a Unix time"),
        ("timestamp with thousands of digits", body.encode(),
         {**good, "x-slack-request-timestamp": "9" * 5000}, 401, "not a Unix time"),
        ("timestamp an hour old", body.encode(), sign(SECRET, body, timestamp=now - 3600), 401,
         "5 minutes"),
        ("signature not v0", body.encode(), {**good, "x-slack-signature": "v1=abc"}, 401,
         "not a v0 signature"),
        ("signature with non-ASCII", body.encode(),
         {**good, "x-slack-signature": ("v0=" + "é" * 64).encode("latin-1")}, 401,  # type: ignore[dict-item]
         "not a v0 signature"),
        ("wrong signature", body.encode(), sign("another-secret", body), 401,
         "bad Slack signature"),
        ("body changed after signing", (body + "&text=list").encode(), good, 401,
         "bad Slack signature"),
        ("body not UTF-8", b"payload=%7B\xff\xfe", {**good}, 400, "not UTF-8"),
    ]


@pytest.mark.parametrize(("name", "body", "headers", "status", "reason"), _unsigned_cases(),
                         ids=[c[0] for c in _unsigned_cases()])
async def test_an_unsigned_or_badly_signed_request_is_refused_in_one_line(
        rt, dispatched, caplog, slack, name, body, headers, status, reason):
    with caplog.at_level(logging.INFO):
        async with client(rt) as http:
            resp = await http.post("/slack/events", content=body, headers=headers)
    assert resp.status_code == status
    assert reason in resp.json()["error"]
    [line] = refusal_lines(caplog)
    assert reason in line.getMessage()
    assert "Traceback" not in caplog.text and SECRET not in caplog.text
    assert body.decode("utf-8", "replace") not in caplog.text
    assert dispatched.requests == [] and slack.calls() == []


async def test_a_body_over_the_cap_is_413_and_never_read_whole(rt, dispatched, caplog):
    sent = 0

    async def ten_mebibytes() -> AsyncIterator[bytes]:
        nonlocal sent
        chunk = b"x" * 65536
        for _ in range(160):
            sent += len(chunk)
            yield chunk

    headers = signed_headers("x")
    async with client(rt) as http:
        chunked = await http.post("/slack/events", content=ten_mebibytes(), headers=headers)
        declared = await http.post("/slack/events", content=b"x" * (MAX_BODY_BYTES + 1),
                                   headers=headers)
        at_cap = await http.post("/slack/events", content=b"x" * MAX_BODY_BYTES,
                                 headers=headers)
    assert chunked.status_code == 413 and declared.status_code == 413
    assert sent <= MAX_BODY_BYTES + 2 * 65536  # stopped reading at the cap
    assert at_cap.status_code == 401  # read, then refused for its (wrong) signature
    assert [r.getMessage().split(":")[0] for r in refusal_lines(caplog)][:2] == [
        "Slack request refused with 413"] * 2
    assert dispatched.requests == []


# ---- what passes, and what Bolt gets ----------------------------------------------------------


async def test_a_signed_command_reaches_bolt_with_its_identity_in_the_context(rt, dispatched):
    body = slash_command_body("help")
    headers = signed_headers(body)
    async with client(rt) as http:
        resp = await http.post("/slack/events", content=body, headers=headers)
        retried = await http.post("/slack/events", content=body, headers={
            **headers, "X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"})
    assert resp.status_code == 200 and "/record" in resp.text
    assert retried.status_code == 200
    first, second = (r.context for r in dispatched.requests)
    assert first["slack_request_id"] == headers["x-slack-signature"]
    assert first["slack_request_id"].startswith("v0=") and len(first["slack_request_id"]) == 67
    assert first["slack_request_timestamp"] == int(headers["x-slack-request-timestamp"])
    assert (first["slack_retry_num"], first["slack_retry_reason"]) == (None, None)
    assert first["slack_envelope_id"] is None
    # Bolt's own keys are still there.
    assert first["user_id"] == "U0TESTUSER" and first["channel_id"] == "C0TESTCHAN"
    # The same request again has the same identity; the retry headers come through.
    assert second["slack_request_id"] == first["slack_request_id"]
    assert (second["slack_retry_num"], second["slack_retry_reason"]) == (2, "http_timeout")


async def test_another_request_has_another_identity(rt, dispatched):
    async with client(rt) as http:
        for text in ("help", "help me"):
            body = slash_command_body(text)
            await http.post("/slack/events", content=body, headers=signed_headers(body))
    first, second = (r.context["slack_request_id"] for r in dispatched.requests)
    assert first != second


@pytest.mark.parametrize("text", ["payload", "help payload"])  # answered in the ack
async def test_a_command_with_the_word_payload_reaches_bolt_whole(rt, dispatched, text):
    """Bolt alone parses a form body with "payload" anywhere in it as {} (and answers 404)."""
    body = slash_command_body(text)
    async with client(rt) as http:
        resp = await http.post("/slack/events", content=body, headers=signed_headers(body))
    assert resp.status_code == 200
    [request] = dispatched.requests
    assert request.body["text"] == text and request.body["command"] == "/record"
    assert request.context["user_id"] == "U0TESTUSER"
    assert request.context["slack_request_id"].startswith("v0=")


async def test_ssl_check_and_url_verification_still_reach_bolt(rt, dispatched):
    ssl_check = "ssl_check=1&token=legacy"
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123",
                            "token": "legacy"})
    async with client(rt) as http:
        ok = await http.post("/slack/events", content=ssl_check,
                             headers=signed_headers(ssl_check))
        verified = await http.post("/slack/events", content=challenge, headers={
            **signed_headers(challenge), "content-type": "application/json"})
    assert ok.status_code == 200
    assert verified.status_code == 200 and "c-123" in verified.text
    assert len(dispatched.requests) == 2


@pytest.mark.parametrize("body", [
    slash_command_payload("x"), block_action_payload("a", "v"),
    view_submission_payload({"b": {"a": {"type": "plain_text_input", "value": "v"}}},
                            callback_id="record_form"),
    {"type": "view_closed", "user": {"id": "U1"}, "view": {"callback_id": "x"}},
    {"type": "event_callback", "event": {"type": "app_mention"}},
    {"ssl_check": "1"}, {},
])
def test_what_slack_sends_has_no_problem(body):
    assert problem(body) is None


def test_parse_body_reads_what_slack_sends():
    assert parse_body("", None) == {}
    assert parse_body("a=1&b=", None) == {"a": "1", "b": ""}
    assert parse_body("payload=%7B%22type%22%3A%22x%22%7D", None) == {"type": "x"}
    assert parse_body('{"type": "x"}', "application/json; charset=utf-8") == {"type": "x"}
    assert parse_body("text=payload+and+more", None) == {"text": "payload and more"}
    with pytest.raises(Refused):
        parse_body("[]", "application/json")


# ---- Socket Mode envelopes -------------------------------------------------------------------


def envelope(payload: Any, **fields: Any) -> SocketModeRequest:
    return SocketModeRequest(type="interactive", envelope_id="env-1", payload=payload, **fields)


@pytest.mark.parametrize(("payload", "reason"), [
    (_without(BUTTON, "user"), "without user"),
    (_without(BUTTON, "actions"), "without actions"),
    (_without(VIEW, "view"), "without view"),
    (_without(COMMAND, "channel_id"), "without channel_id"),
    ({**BUTTON, "enterprise": ["id"]}, "Bolt cannot read"),
])
def test_a_malformed_socket_mode_payload_is_refused(payload, reason):
    with pytest.raises(Refused) as refused:
        socket_mode_request(envelope(payload))
    assert refused.value.status == 400 and reason in refused.value.reason


def test_a_socket_mode_payload_that_is_not_an_object_is_refused():
    # slack_sdk refuses a list when it reads the envelope; this is the guard behind that.
    odd = envelope({})
    odd.payload = ["not", "an", "object"]  # type: ignore[assignment]
    with pytest.raises(Refused, match="not an object"):
        socket_mode_request(odd)


def test_a_socket_mode_request_carries_the_envelope_and_retry_in_its_context():
    first = socket_mode_request(envelope(BUTTON, retry_attempt=0))
    retried = socket_mode_request(envelope(BUTTON, retry_attempt=3, retry_reason="timeout"))
    assert first.mode == "socket_mode" and first.body == BUTTON
    assert first.context["slack_request_id"] is None
    assert first.context["slack_request_timestamp"] is None
    assert first.context["slack_envelope_id"] == "env-1"
    assert (first.context["slack_retry_num"], first.context["slack_retry_reason"]) == (
        None, None)
    assert (retried.context["slack_retry_num"], retried.context["slack_retry_reason"]) == (
        3, "timeout")
    assert first.context["user_id"] == BUTTON["user"]["id"]
    # As Bolt's own Socket Mode adapter, the retry is also mirrored in the headers.
    assert retried.headers["x-slack-retry-num"] == ["3"]


# ---- /healthz and /readyz --------------------------------------------------------------------


async def test_healthz_is_alive_and_readyz_waits_for_the_start(rt):
    rt.ready = False
    async with client(rt) as http:
        alive = await http.get("/healthz")
        not_ready = await http.get("/readyz")
        rt.ready = True
        alive_ready = await http.get("/healthz")
        ready = await http.get("/readyz")
    assert (alive.status_code, alive.json()) == (200, {"ready": False})
    assert not_ready.status_code == 503 and not_ready.json()["ready"] is False
    assert "starting" in not_ready.json()["reason"]
    assert (alive_ready.status_code, alive_ready.json()) == (200, {"ready": True})
    assert (ready.status_code, ready.json()) == (200, {"ready": True})


class BrokenEngine:
    """Stands in for the store's engine: connecting fails, or hangs."""

    def __init__(self, hang: bool = False) -> None:
        self.hang = hang
        self.connects = 0

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[None]:
        self.connects += 1
        if self.hang:
            await asyncio.sleep(3600)
        raise OSError("connection refused by postgres://user:pw@db/x")
        yield


async def test_readyz_is_503_when_the_database_does_not_answer(rt, caplog, monkeypatch):
    async with client(rt) as http:
        monkeypatch.setattr(rt.store, "engine", BrokenEngine())
        with caplog.at_level(logging.INFO, logger="bot.http.health"):
            down = await http.get("/readyz")
            again = await http.get("/readyz")
            alive = await http.get("/healthz")
        monkeypatch.undo()
        with caplog.at_level(logging.INFO, logger="bot.http.health"):
            back = await http.get("/readyz")
    assert down.status_code == 503 and again.status_code == 503
    assert down.json() == {"ready": False,
                           "reason": "the database cannot be reached (OSError)"}
    assert "pw" not in down.text
    assert (alive.status_code, alive.json()) == (200, {"ready": True})
    assert back.status_code == 200
    # One line when it went down, one when it came back; none for the probe in between.
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.http.health"]
    assert lines == ["not ready: the database cannot be reached (OSError)",
                     "ready again: the database answers"]


async def test_readyz_gives_up_on_a_hung_database_and_probes_share_one_try(rt, monkeypatch):
    engine = BrokenEngine(hang=True)
    monkeypatch.setattr(rt.store, "engine", engine)
    health = Health(rt, timeout=0.2)
    started = time.monotonic()
    answers = await asyncio.gather(*(health.database_problem() for _ in range(10)))
    assert time.monotonic() - started < 2
    assert set(answers) == {"the database did not answer within 0.2 s"}
    assert engine.connects == 1
