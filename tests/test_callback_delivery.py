"""The Slack side of callbacks without a Slack: events kept before a stop are posted at the next
start, the live check runs as a loop that shutdown cancels, and the endpoint's answers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.config import load_settings
from bot.http.callbacks import callback_route
from bot.jobs import live_check_interval
from bot.recording.model import NewRecording, Recording, State
from bot.runtime import Runtime, build_runtime
from bot.slack.delivery import SlackSender
from bot.tencent.callbacks import canonical_json, parse_event, stored_payload

KEY = "unit-callback-key"


class FakeSlack:
    """Just enough of AsyncWebClient for RecordingNotifier."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        self.posted.append(kwargs)
        return {"ok": True, "ts": f"9.{len(self.posted)}"}


class NoLive:
    async def describe_record_templates(self) -> list:
        return []

    async def close(self) -> None:
        return None


@pytest.fixture
async def rt(tmp_path: Path):
    settings = load_settings({
        "SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_SIGNING_SECRET": "s", "LIVE_PUSH_DOMAIN":
        "push.example.com", "TENCENTCLOUD_SECRET_ID": "id", "TENCENTCLOUD_SECRET_KEY": "key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "TENCENT_CALLBACK_KEY": KEY,
        "STREAM_GRACE_SECONDS": "1",
    })
    runtime = build_runtime(settings, live=NoLive())  # type: ignore[arg-type]
    await runtime.store.migrate()
    runtime.ready = True
    yield runtime
    await runtime.close()


async def add_recording(rt: Runtime, **fields: Any) -> Recording:
    now = datetime.now(UTC)
    values: dict[str, Any] = dict(
        team_id="T1", channel_id="C1", root_ts="1.1", requester_id="U1", source="command",
        raw_text="x", timezone="UTC", start_time=now - timedelta(seconds=5),
        end_time=now + timedelta(hours=1), stream_name="s", domain_name="push.example.com",
        app_name="live", state=State.CREATED, task_id="TASK")
    values.update(fields)
    return await rt.store.add(NewRecording(**values))


async def test_events_kept_before_a_stop_are_posted_at_start(rt: Runtime) -> None:
    await add_recording(rt)
    payload = {"event_type": 100, "task_id": "TASK", "file_id": "f",
               "video_url": "https://vod.example.com/f.mp4"}
    await rt.callbacks.receive(parse_event(payload), kept(payload))
    slack = FakeSlack()
    rt.delivery.sender = SlackSender(slack, rt.clock)  # type: ignore[arg-type]
    started = datetime.now(UTC)
    later = {**payload, "file_id": "g"}  # arrives after the start: handled as it comes
    await rt.callbacks.receive(parse_event(later), kept(later))
    assert await rt.callbacks.handle_unhandled(started) == 1
    assert await rt.delivery.deliver_due() == 1
    [msg] = slack.posted
    assert msg["thread_ts"] == "1.1" and "Recording file ready" in msg["text"]
    assert await rt.callbacks.handle_unhandled(started) == 0
    assert await rt.delivery.deliver_due() == 0
    assert len(slack.posted) == 1


def kept(payload: dict[str, Any]) -> str:
    return canonical_json(stored_payload(payload))


async def test_the_live_check_loop_posts_and_stops_with_the_bot(rt: Runtime) -> None:
    rec = await add_recording(rt)
    slack = FakeSlack()
    rt.delivery.sender = SlackSender(slack, rt.clock)  # type: ignore[arg-type]
    rt.start_background()
    deadline = time.monotonic() + 5
    while not slack.posted and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    [msg] = slack.posted
    assert "not live yet" in msg["text"] and msg["thread_ts"] == rec.root_ts
    await asyncio.wait_for(rt.close(), 5)  # cancels the loop instead of waiting 30 s for it


def test_the_check_runs_every_15_s_or_faster_for_a_short_grace() -> None:
    assert live_check_interval(120) == 15 and live_check_interval(2) == 1
    assert live_check_interval(1) == 0.5


def signed(payload: dict[str, Any], t: int | None = None) -> bytes:
    t = int(time.time()) + 600 if t is None else t
    return json.dumps({**payload, "t": t,
                       "sign": hashlib.md5(f"{KEY}{t}".encode()).hexdigest()}).encode()


async def test_the_endpoint_answers(rt: Runtime) -> None:
    new: list[int] = []
    app = Starlette(routes=[callback_route(rt, new.append)])
    transport = httpx.ASGITransport(app=app)
    push = {"event_type": 1, "app": "push.example.com", "appname": "live", "stream_id": "s",
            "sequence": "42", "event_time": int(time.time())}
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        ok = await http.post("/tencent/callback", content=signed(push))
        again = await http.post("/tencent/callback", content=signed(push, int(time.time()) + 9))
        expired = await http.post("/tencent/callback", content=signed(push, 1))
        big = await http.post("/tencent/callback", content=b" " * 70_000)
        get = await http.get("/tencent/callback")
        rt.ready = False
        starting = await http.post("/tencent/callback", content=signed(push))
    assert (ok.status_code, ok.json()) == (200, {"code": 0})
    assert (again.status_code, again.json()) == (200, {"code": 0})
    assert len(new) == 1  # the redelivery is not handed on
    assert expired.status_code == 401 and big.status_code == 400
    assert get.status_code == 405 and starting.status_code == 503
