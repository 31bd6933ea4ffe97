"""Tencent Live's callbacks over real HTTP: the bot verifies, keeps and answers, and tells the
recording's thread about files, pushes, breaks, start failures and streams that never came.

One bot process (HTTP mode, TENCENT_CALLBACK_KEY set, a 4 s grace for the live check) serves
the module; payloads are shaped like the reference notes' examples (§4.3–4.5).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from tests.e2e.conftest import CHANNEL, PUSH_DOMAIN, SlackClient, bot_env
from tests.e2e.test_manage import schedule
from tests.support.botproc import BotProcess
from tests.support.slack import slash_command_payload

KEY = "e2e-callback-key-0123456789"
GRACE = 4  # seconds after a window's start before "not live yet"


# ---- payloads shaped like the reference examples ----------------------------------------------


def signed(payload: dict[str, Any], key: str = KEY, t: int | None = None) -> dict[str, Any]:
    t = int(time.time()) + 600 if t is None else t
    return {**payload, "t": t, "sign": hashlib.md5(f"{key}{t}".encode()).hexdigest()}


def file_event(task_id: str, stream: str, file_id: str, **fields: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "event_type": 100, "appid": 12345678, "app": PUSH_DOMAIN, "appname": "live",
        "stream_id": stream, "channel_id": stream, "file_id": file_id, "file_format": "hls",
        "task_id": task_id, "start_time": now - 3000, "end_time": now - 38, "duration": 2962,
        "file_size": 277941079,
        "video_url": f"http://12345678.vod2.myqcloud.com/xxxx/{file_id}/playlist.m3u8",
        "record_file_id": file_id, "media_start_time": 0, "record_bps": 0,
        "callback_ext": json.dumps({"video_codec": "h264", "resolution": "1920x1080"}),
        **fields,
    }


def stream_event(event_type: int, stream: str, sequence: str, **fields: Any) -> dict[str, Any]:
    return {
        "app": PUSH_DOMAIN, "appid": 12345678, "appname": "live", "channel_id": stream,
        "errcode": 0, "errmsg": "ok", "event_time": int(time.time()), "event_type": event_type,
        "height": 0, "idc_id": 34, "node": "42.81.194.37", "sequence": sequence, "set_id": 2,
        "stream_id": stream, "stream_param": "stream_param=test", "user_ip": "1.1.1.1",
        "width": 0, **fields,
    }


def status_event(task_id: str, stream: str, record_event: str, seq: str) -> dict[str, Any]:
    return {
        "appid": 12345678, "appname": "live", "domain": PUSH_DOMAIN, "stream_id": stream,
        "event_time": int(time.time()), "event_type": 332, "seq": seq, "session_id": task_id,
        "record_event": record_event,
        "record_detail": {"file_format": 2, "record_bps": 0, "start_model": 5},
    }


# ---- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("callbacks")


@pytest.fixture(scope="module")
def cbot(live: LiveEmulator, slack: SlackFake, cb_dir: Path) -> Iterator[BotProcess]:
    env = bot_env(live, slack, cb_dir / "callbacks.db", TENCENT_CALLBACK_KEY=KEY,
                  STREAM_GRACE_SECONDS=str(GRACE))
    proc = BotProcess(env, cb_dir).start()
    yield proc
    proc.stop()
    assert KEY not in proc.logs()


@pytest.fixture
def cclient(cbot: BotProcess, slack: SlackFake) -> Iterator[SlackClient]:
    c = SlackClient(cbot, slack)
    yield c
    c.http.close()


def post(bot: BotProcess, payload: Any, raw: bytes | None = None,
         port: int | None = None) -> httpx.Response:
    body = raw if raw is not None else json.dumps(payload).encode()
    url = f"http://127.0.0.1:{port or bot.port}/tencent/callback"
    return httpx.post(url, content=body, headers={"Content-Type": "application/json"},
                      timeout=10)


def scheduled(client: SlackClient, slack: SlackFake, live: LiveEmulator, stream: str,
              when: str) -> tuple[str, str]:
    """Schedule through /record; returns (root ts, TaskId)."""
    ts, _ = schedule(client, slack, stream, when)
    [task] = [t for t in live.tasks if t.stream_name == stream]
    return ts, task.task_id


def wait_reply(slack: SlackFake, ts: str, text: str, timeout: float = 10):
    return slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == ts and text in c.params.get("text", ""),
        timeout=timeout,
    )


def replies(slack: SlackFake, ts: str, text: str) -> list[dict[str, Any]]:
    return [c.params for c in slack.calls("chat.postMessage")
            if c.params.get("thread_ts") == ts and text in c.params.get("text", "")]


def kept(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("select * from callback_events order by id")]
    finally:
        conn.close()


# ---- recording files ------------------------------------------------------------------------


def test_a_file_is_posted_with_link_format_duration_size_and_dates(cbot, cclient, live, slack):
    ts, task_id = scheduled(cclient, slack, live, "cbfile", "tomorrow 8pm to 10pm")
    event = file_event(task_id, "cbfile", "5285890781763144364")
    started = time.monotonic()
    resp = post(cbot, signed(event))
    assert (resp.status_code, resp.json()) == (200, {"code": 0})
    assert time.monotonic() - started < 2  # answered without waiting on Slack

    msg = wait_reply(slack, ts, "Recording file ready").params
    text = str(msg["blocks"])
    assert f"<{event['video_url']}|" in text
    assert "HLS" in text and "49 min 22 s" in text and "265 MiB" in text
    assert "277,941,079 bytes" in text and "binary" in text
    assert f"<!date^{event['start_time']}^" in text and f"<!date^{event['end_time']}^" in text
    assert "Asia/Shanghai" in text  # the dates' fallback is in the requester's zone


def test_two_files_make_two_messages_and_a_redelivery_makes_none(cbot, cclient, live, slack):
    ts, task_id = scheduled(cclient, slack, live, "cbtwofiles", "tomorrow 8pm to 10pm")
    first = file_event(task_id, "cbtwofiles", "file-one")
    assert post(cbot, signed(first)).status_code == 200
    wait_reply(slack, ts, "file-one")
    # Tencent did not hear our 200 in time and delivers it again, with a fresh t and sign.
    again = post(cbot, signed(first, t=int(time.time()) + 601))
    assert (again.status_code, again.json()) == (200, {"code": 0})
    second = file_event(task_id, "cbtwofiles", "file-two", duration=61, file_size=1536)
    assert post(cbot, signed(second)).status_code == 200
    wait_reply(slack, ts, "file-two")
    time.sleep(0.3)
    assert len(replies(slack, ts, "file-one")) == 1
    assert len(replies(slack, ts, "file-two")) == 1
    assert "1 min 01 s" in replies(slack, ts, "file-two")[0]["text"]


def test_a_file_for_an_unknown_task_is_kept_and_logged_not_posted(cbot, cb_dir, slack):
    event = file_event("NoSuchTaskFromTheConsole", "elsewhere", "orphan-file")
    assert post(cbot, signed(event)).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = [r for r in kept(cb_dir / "callbacks.db") if r["task_id"] == event["task_id"]]
        if rows and rows[0]["handled_at"]:
            break
        time.sleep(0.1)
    [row] = rows
    assert row["recording_id"] is None and "no recording" in row["outcome"]
    assert row["event_type"] == 100 and row["dedupe_key"] == f"100:{event['task_id']}:orphan-file"
    stored = json.loads(row["payload"])
    assert stored["video_url"] == event["video_url"] and "sign" not in stored
    assert "NoSuchTaskFromTheConsole" in cbot.logs()
    assert not [c for c in slack.calls("chat.postMessage") if "orphan-file" in str(c.params)]


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(("how", "status"), [
    ("bad sign", 401), ("expired t", 401), ("no sign", 401), ("malformed JSON", 400),
    ("not an object", 400), ("no video_url", 400), ("event_type a word", 400),
])
def test_refused_requests_post_and_keep_nothing(cbot, cclient, cb_dir, live, slack, how,
                                                 status):
    stream = f"cbrefused{abs(hash(how)) % 10_000}"
    ts, task_id = scheduled(cclient, slack, live, stream, "tomorrow 8pm to 10pm")
    event = file_event(task_id, stream, f"refused-{stream}")
    raw = None
    if how == "bad sign":
        payload: Any = signed(event, key="not-the-key")
    elif how == "expired t":
        payload = signed(event, t=int(time.time()) - 5)
    elif how == "no sign":
        payload = {k: v for k, v in signed(event).items() if k != "sign"}
    elif how == "malformed JSON":
        payload, raw = None, json.dumps(signed(event)).encode()[:-7]
    elif how == "not an object":
        payload = [signed(event)]
    elif how == "no video_url":
        payload = signed({k: v for k, v in event.items() if k != "video_url"})
    else:
        payload = signed({**event, "event_type": "file"})
    before = len(kept(cb_dir / "callbacks.db"))
    resp = post(cbot, payload, raw)
    assert resp.status_code == status
    assert KEY not in resp.text
    # A valid event afterwards is posted; the refused one never was, nor kept.
    ok = file_event(task_id, stream, f"accepted-{stream}")
    assert post(cbot, signed(ok)).status_code == 200
    wait_reply(slack, ts, f"accepted-{stream}")
    assert replies(slack, ts, f"refused-{stream}") == []
    assert len(kept(cb_dir / "callbacks.db")) == before + 1
    if status == 401:
        assert "Tencent callback refused with 401" in cbot.logs()


def test_without_a_callback_key_the_endpoint_says_not_configured(bot):
    resp = post(bot, signed(file_event("t", "s", "f")))
    assert resp.status_code == 503 and "callbacks not configured" in resp.text


# ---- push, break and recording status -------------------------------------------------------


def test_push_then_break_are_told_in_the_thread(cbot, cclient, live, slack):
    ts, _ = scheduled(cclient, slack, live, "cbpush", "for 1 hour")
    push = stream_event(1, "cbpush", "2210464508206756938")
    assert post(cbot, signed(push)).status_code == 200
    live_msg = wait_reply(slack, ts, "is live").params
    assert "recording until" in str(live_msg["blocks"])
    assert "since" not in str(live_msg["blocks"])  # the push's own message, not the check's
    broke = stream_event(0, "cbpush", "2210464508206756938", push_duration="3723000",
                         errcode=1, errmsg="recv rtmp deleteStream")
    assert post(cbot, signed(broke)).status_code == 200
    stopped = wait_reply(slack, ts, "stopped").params
    text = str(stopped["blocks"])
    assert "stopped after 1 h 02 min" in text
    assert "recording resumes if it comes back before <!date^" in text
    assert "recv rtmp deleteStream" in text
    # In time, so the live check has nothing to add.
    time.sleep(GRACE + 2.5)
    assert replies(slack, ts, "not live yet") == []


def test_a_push_for_a_stream_nobody_records_is_kept(cbot, cb_dir):
    push = stream_event(1, "cbnobody", "99887766")
    assert post(cbot, signed(push)).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = [r for r in kept(cb_dir / "callbacks.db") if r["stream_name"] == "cbnobody"]
        if rows and rows[0]["handled_at"]:
            break
        time.sleep(0.1)
    assert rows[0]["recording_id"] is None and rows[0]["dedupe_key"] == "1:99887766"


def test_record_start_failed_is_told_plainly_and_record_ended_quietly(cbot, cclient, live,
                                                                     slack):
    ts, task_id = scheduled(cclient, slack, live, "cbfailed", "tomorrow 8pm to 10pm")
    ended = status_event(task_id, "cbfailed", "record_ended", "1")
    assert post(cbot, signed(ended)).status_code == 200
    failed = status_event(task_id, "cbfailed", "record_start_failed", "2")
    assert post(cbot, signed(failed)).status_code == 200
    msg = wait_reply(slack, ts, "could not start recording").params
    assert "record_start_failed" in str(msg["blocks"])
    assert "Nothing is being recorded" in str(msg["blocks"])
    time.sleep(0.3)
    assert replies(slack, ts, "record_ended") == []


# ---- the live check ---------------------------------------------------------------------------


def test_a_stream_that_did_not_come_is_reported_once_after_the_grace(cbot, cclient, live,
                                                                    slack, cb_dir):
    ts, rid = schedule(cclient, slack, "cbnoshow", "for 1 hour")
    msg = wait_reply(slack, ts, "not live yet", timeout=GRACE + 10).params
    text = str(msg["blocks"])
    assert "`cbnoshow`" in text and "<!date^" in text
    time.sleep(GRACE)
    assert len(replies(slack, ts, "not live yet")) == 1
    conn = sqlite3.connect(cb_dir / "callbacks.db")
    [(checked,)] = conn.execute("select live_checked_at from recordings where id = ?", (rid,))
    conn.close()
    assert checked is not None


def test_a_stream_live_before_its_window_is_reported_live(cbot, cclient, live, slack):
    push = stream_event(1, "cbearly", "5550001", event_time=int(time.time()) - 30)
    assert post(cbot, signed(push)).status_code == 200
    ts, _ = schedule(cclient, slack, "cbearly", "for 1 hour")
    msg = wait_reply(slack, ts, "is live", timeout=GRACE + 10).params
    assert "since" in str(msg["blocks"])
    assert replies(slack, ts, "not live yet") == []


# ---- Socket Mode ------------------------------------------------------------------------------


def test_socket_mode_serves_callbacks_on_callback_port(live, slack, tmp_path):
    env = bot_env(live, slack, tmp_path / "socket-callbacks.db", SLACK_APP_TOKEN=slack.app_token,
                  TENCENT_CALLBACK_KEY=KEY)
    del env["SLACK_SIGNING_SECRET"]
    bot = BotProcess(env, tmp_path)
    bot.env["CALLBACK_PORT"] = str(bot.port)  # so that /readyz there tells when it is ready
    bot.start()
    try:
        slack.socket_mode.wait_connected(timeout=60)
        payload = slash_command_payload("cbsocket tomorrow 8pm to 10pm", user_id="U0SHANGHAI",
                                        channel_id=CHANNEL)
        slack.socket_mode.send("slash_commands", payload, timeout=5)
        root = slack.wait_for("chat.update", lambda c: "cbsocket" in c.params.get("text", "")
                              and "Scheduled" in c.params.get("text", ""), timeout=10)
        [task] = [t for t in live.tasks if t.stream_name == "cbsocket"]
        resp = post(bot, signed(file_event(task.task_id, "cbsocket", "socket-file")))
        assert resp.status_code == 200
        wait_reply(slack, root.params["ts"], "socket-file")
        assert post(bot, signed(file_event(task.task_id, "x", "y"), key="wrong")).status_code \
            == 401
        # The operator's view is on the same port: the command that came over the socket too.
        metrics = httpx.get(f"{bot.url}/metrics", timeout=10).text
        assert 'recordbot_requests_total{surface="command"} 1.0' in metrics
        assert 'recordbot_tencent_callbacks_total{event="record_file",result="kept"}' in metrics
    finally:
        assert bot.stop() == 0, bot.logs()


# ---- recordbot callbacks setup ----------------------------------------------------------------


def setup_cli(live: LiveEmulator, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    secret_id, secret_key = live.default_credentials
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "TENCENT", "LIVE_", "HTTP_PROXY", "HTTPS_PROXY"))}
    full = {**base, "TENCENTCLOUD_SECRET_ID": secret_id, "TENCENTCLOUD_SECRET_KEY": secret_key,
            "TENCENTCLOUD_LIVE_ENDPOINT": live.url,
            "LIVE_PUSH_DOMAIN": f"{PUSH_DOMAIN},backup.example.com",
            "TENCENT_CALLBACK_KEY": KEY, **env}
    return subprocess.run([sys.executable, "-m", "bot", "callbacks", "setup", *args], env=full,
                          capture_output=True, text=True, timeout=60)


def test_callbacks_setup_is_a_dry_run_unless_applied(live):
    url = "https://bot.example.com/tencent/callback"
    dry = setup_cli(live, "--url", url)
    assert dry.returncode == 0, dry.stderr
    out = dry.stdout
    for field in ("StreamBeginNotifyUrl", "StreamEndNotifyUrl", "RecordNotifyUrl",
                  "RecordStatusNotifyUrl"):
        assert f"{field}" in out and url in out
    assert "TemplateName           recordbot" in out
    assert f"DomainName {PUSH_DOMAIN}  AppName live" in out
    assert "DomainName backup.example.com  AppName live" in out
    assert "Dry run" in out and KEY not in out + dry.stderr
    assert live.calls("CreateLiveCallbackTemplate") == []

    done = setup_cli(live, "--url", url, "--domain", PUSH_DOMAIN, "--app", "show",
                     "--name", "recordbot_e2e", "--apply")
    assert done.returncode == 0, done.stdout + done.stderr
    [template] = live.callback_templates
    assert f"TemplateId {template['TemplateId']}" in done.stdout
    assert template["TemplateName"] == "recordbot_e2e" and template["CallbackKey"] == KEY
    for field in ("StreamBeginNotifyUrl", "StreamEndNotifyUrl", "RecordNotifyUrl",
                  "RecordStatusNotifyUrl"):
        assert template[field] == url
    assert [(r["DomainName"], r["AppName"], r["TemplateId"]) for r in live.callback_rules] == [
        (PUSH_DOMAIN, "show", template["TemplateId"])]
    assert KEY not in done.stdout + done.stderr

    again = setup_cli(live, "--url", url, "--name", "recordbot_e2e", "--apply")
    assert again.returncode == 1 and "already exists" in again.stdout
    assert len(live.callback_templates) == 1


@pytest.mark.parametrize(("args", "env", "expected"), [
    (("--url", "http://bot.example.com/tencent/callback"), {}, "must use https"),
    (("--url", "https://bot.example.com/tencent/callback"), {"TENCENT_CALLBACK_KEY": ""},
     "TENCENT_CALLBACK_KEY is not set"),
    (("--url", "https://x.example.com/", "--name", "bad name!"), {}, "--name"),
])
def test_callbacks_setup_refuses(live, args, env, expected):
    proc = setup_cli(live, *args, "--apply", **env)
    assert proc.returncode == 2 and expected in proc.stderr
    assert live.calls("CreateLiveCallbackTemplate") == []


def test_callbacks_setup_accepts_plain_http_to_loopback(live):
    proc = setup_cli(live, "--url", "http://127.0.0.1:3000/tencent/callback", "--apply")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(live.callback_rules) == 2  # one per configured push domain
