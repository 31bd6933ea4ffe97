"""What the bot refuses, over real HTTP and Socket Mode: malformed or unsigned Slack requests,
bodies past the cap, a callback ``t`` too far ahead; /healthz and /readyz; JSON log lines.

One bot process (HTTP mode, callbacks on, ``LOG_FORMAT=json``) serves the module, so every
test also checks that what it made the bot log is one JSON object per line.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from tests.e2e.conftest import CHANNEL, SIGNING_SECRET, SlackClient, bot_env
from tests.e2e.test_record_command import root_and_thread
from tests.support.botproc import BotProcess
from tests.support.slack import (
    block_action_payload,
    interaction_body,
    sign,
    slash_command_body,
    slash_command_payload,
)

KEY = "e2e-hardening-callback-key"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def hbot(live: LiveEmulator, slack: SlackFake,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("hardening")
    env = bot_env(live, slack, workdir / "hardening.db", TENCENT_CALLBACK_KEY=KEY,
                  LOG_FORMAT="json")
    proc = BotProcess(env, workdir).start()
    yield proc
    proc.stop()
    lines = log_lines(proc)
    assert lines, "the bot logged nothing"
    assert KEY not in proc.logs() and SIGNING_SECRET not in proc.logs()


@pytest.fixture
def hclient(hbot: BotProcess, slack: SlackFake) -> Iterator[SlackClient]:
    c = SlackClient(hbot, slack)
    yield c
    c.http.close()


def log_lines(bot: BotProcess) -> list[dict[str, Any]]:
    """Every line the bot logged, each a JSON object (json.loads fails the test otherwise)."""
    return [json.loads(line) for line in bot.logs().splitlines() if line.strip()]


def refusals(bot: BotProcess, what: str = "Slack request refused") -> list[dict[str, Any]]:
    return [line for line in log_lines(bot) if line["message"].startswith(what)]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# ---- malformed and unsigned Slack requests ------------------------------------------------------


def _cases() -> list[tuple[str, bytes, dict[str, str], int]]:
    command = slash_command_body("help", user_id="U0SHANGHAI", channel_id=CHANNEL)
    button = block_action_payload("recording_stop", "1", user_id="U0SHANGHAI",
                                  channel_id=CHANNEL)
    no_user = interaction_body({k: v for k, v in button.items() if k != "user"})
    no_actions = interaction_body({k: v for k, v in button.items() if k != "actions"})
    not_json = "payload=%7Bnot+json"
    no_channel = urlencode({k: v for k, v in slash_command_payload("help").items()
                            if k != "channel_id"})
    bad_utf8 = b"command=%2Frecord&text=\xff\xfe"
    return [
        ("timestamp not a number", command.encode(),
         {**sign(SIGNING_SECRET, command), "x-slack-request-timestamp": "soon"}, 401),
        ("no signature", command.encode(), {"content-type": "application/x-www-form-urlencoded"},
         401),
        ("body not UTF-8", bad_utf8, sign(SIGNING_SECRET, "x"), 400),
        ("payload not JSON", not_json.encode(), sign(SIGNING_SECRET, not_json), 400),
        ("button without user", no_user.encode(), sign(SIGNING_SECRET, no_user), 400),
        ("button without actions", no_actions.encode(), sign(SIGNING_SECRET, no_actions), 400),
        ("command without channel_id", no_channel.encode(), sign(SIGNING_SECRET, no_channel),
         400),
    ]


@pytest.mark.parametrize(("name", "body", "headers", "status"), _cases(),
                         ids=[c[0] for c in _cases()])
def test_malformed_slack_requests_are_refused_in_one_line(hbot, hclient, slack, name, body,
                                                          headers, status):
    before = len(refusals(hbot))
    resp = hclient.http.post(hbot.url + "/slack/events", content=body, headers=headers)
    assert resp.status_code == status, resp.text
    assert "error" in resp.json()
    time.sleep(0.2)
    lines = log_lines(hbot)
    new = refusals(hbot)[before:]
    assert len(new) == 1 and f"refused with {status}" in new[0]["message"]
    assert new[0]["level"] == "WARNING" and new[0]["logger"] == "bot.http.app"
    assert not any("exception" in line or "Traceback" in line["message"] for line in lines)
    assert slack.calls("chat.postMessage") == []
    # The bot still answers a good request.
    ack, _ = hclient.command("help")
    assert ack.status == 200 and "/record" in ack.body


def test_sixteen_large_bodies_at_once_are_413_and_cost_no_memory(hbot):
    before = rss_kib(hbot.proc.pid)

    def chunked_upload() -> str:
        """10 MiB, chunked (no Content-Length): the bot must stop reading at 1 MiB."""
        with socket.create_connection(("127.0.0.1", hbot.port), timeout=10) as s:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
                      b"Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n")
            chunk = b"x" * 65536
            try:
                for _ in range(160):
                    s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass  # the bot answered and closed while we were still sending
            return s.recv(4096).decode("latin-1").split("\r\n")[0]

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(16) as pool:
        declared = list(pool.map(
            lambda _: httpx.post(hbot.url + "/slack/events", content=b"x" * (10 * MIB),
                                 timeout=30).status_code, range(16)))
        chunked = list(pool.map(lambda _: chunked_upload(), range(16)))
    assert declared == [413] * 16
    assert all(" 413 " in status for status in chunked), chunked
    grown_mib = (rss_kib(hbot.proc.pid) - before) / 1024
    assert grown_mib < 48, f"RSS grew by {grown_mib:.0f} MiB"
    assert httpx.get(hbot.url + "/readyz").status_code == 200


def test_a_command_with_the_word_payload_is_scheduled(hbot, hclient, slack, live):
    ack, _ = hclient.command("payload tomorrow 8pm to 10pm")
    assert ack.status == 200 and "payload" in ack.body
    root_and_thread(slack, CHANNEL, "payload")
    assert [t.stream_name for t in live.tasks] == ["payload"]


# ---- callbacks ----------------------------------------------------------------------------------


def test_a_callback_t_years_ahead_is_401(hbot):
    t = int(time.time()) + 10 * 365 * 86400
    event = {"event_type": 1, "app": "push.example.com", "appname": "live",
             "stream_id": "far", "sequence": "1", "event_time": int(time.time()),
             "t": t, "sign": hashlib.md5(f"{KEY}{t}".encode()).hexdigest()}
    resp = httpx.post(hbot.url + "/tencent/callback", json=event, timeout=10)
    assert resp.status_code == 401
    [line] = refusals(hbot, "Tencent callback refused")
    assert "ahead" in line["message"] and event["sign"] not in line["message"]


# ---- health ------------------------------------------------------------------------------------


def test_healthz_and_readyz(hbot):
    alive = httpx.get(hbot.url + "/healthz")
    ready = httpx.get(hbot.url + "/readyz")
    assert (alive.status_code, alive.json()) == (200, {"ready": True})
    assert (ready.status_code, ready.json()) == (200, {"ready": True})


# ---- Socket Mode ---------------------------------------------------------------------------------


def test_a_malformed_socket_mode_envelope_reaches_no_listener(live, slack, tmp_path):
    env = bot_env(live, slack, tmp_path / "socket.db", SLACK_APP_TOKEN=slack.app_token,
                  LOG_FORMAT="json")
    del env["SLACK_SIGNING_SECRET"]
    bot = BotProcess(env, tmp_path).start(wait_ready=False)
    try:
        slack.socket_mode.wait_connected(timeout=60)
        button = block_action_payload("recording_stop", "1", channel_id=CHANNEL)
        for payload in ({k: v for k, v in button.items() if k != "user"},
                        {k: v for k, v in button.items() if k != "actions"}):
            with pytest.raises(AssertionError, match="no ack"):
                slack.socket_mode.send("interactive", payload, timeout=1)
        # A good envelope afterwards is answered.
        ack = slack.socket_mode.send("slash_commands", slash_command_payload(
            "help", user_id="U0SHANGHAI", channel_id=CHANNEL), timeout=5)
        assert "/record" in str(ack)
    finally:
        assert bot.stop() == 0, bot.logs()
    lines = log_lines(bot)
    refused = [line for line in lines if line["message"].startswith("Slack envelope refused")]
    assert [r["message"] for r in refused] == [
        "Slack envelope refused: block_actions without user (type interactive)",
        "Slack envelope refused: block_actions without actions (type interactive)"]
    assert not any("exception" in line for line in lines)


# ---- user text echoed back ----------------------------------------------------------------------

RAW_MARKUP = ("<!channel>", "<!here>", "<@U0EVIL>", "<https://evil.example", "<!subteam^S0")


def _everything_shown(hbot: BotProcess, slack: SlackFake, ack, key: str) -> str:
    """The ack, the responses to the command and every message posted since, as raw JSON."""
    # Wait for the answer itself (the ack, or a response after it), then for anything after.
    deadline = time.monotonic() + 10
    while not ack.body.strip() and not slack.responses(key) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ack.body.strip() or slack.responses(key), "the command got no answer"
    time.sleep(0.5)
    said = [ack.body, json.dumps(slack.responses(key))]
    said += [json.dumps(c.params) for c in slack.calls("chat.postMessage")]
    return "\n".join(said)


@pytest.mark.parametrize("text", [
    "<!channel> tomorrow 8pm to 10pm",
    "livetest tomorrow 8pm to 10pm <@U0EVIL> <!here>",
    "livetest <https://evil.example|click here> tomorrow 8pm",
    "livetest 明天 <!subteam^S0OPS> 晚上",
    "lsit <!channel>",
], ids=["stream", "after the window", "link", "chinese", "mistyped verb"])
def test_user_text_never_comes_back_as_a_mention_or_a_link(hbot, hclient, slack, live, text):
    before = len(live.tasks)
    ack, key = hclient.command(text)
    assert ack.status == 200
    shown = _everything_shown(hbot, slack, ack, key)
    for raw in RAW_MARKUP:
        assert raw not in shown, f"{raw} echoed raw"
    assert len(live.tasks) == before  # none of these is a request the bot can schedule


def test_a_3000_character_command_gets_a_short_answer_that_nothing_was_created(hbot, hclient,
                                                                              slack, live):
    before = len(live.requests)
    ack, key = hclient.command("livetest tomorrow 8pm to " + "x" * 2975)
    assert ack.status == 200
    shown = _everything_shown(hbot, slack, ack, key)
    answers = [json.loads(ack.body)] if ack.body.startswith("{") else []
    answers += slack.responses(key)
    assert answers, "the command got no answer"
    for answer in answers:
        for block in answer.get("blocks", []):
            for text in _texts(block):
                assert len(text) <= 3000, "Slack refuses a section over 3000 characters"
        assert len(answer.get("text", "")) <= 3000
    assert "may exist" not in shown and "may or may not" not in shown
    assert all(r.action != "CreateRecordTask" for r in live.requests[before:])


def _texts(block: dict) -> list[str]:
    found = []
    if isinstance(block.get("text"), dict):
        found.append(block["text"].get("text", ""))
    for element in block.get("elements", []) + block.get("fields", []):
        if isinstance(element, dict) and "text" in element:
            found.append(element["text"] if isinstance(element["text"], str)
                         else element["text"].get("text", ""))
    return found
