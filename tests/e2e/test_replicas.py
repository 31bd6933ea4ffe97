"""Two bot processes on one PostgreSQL database and one Redis, as a team runs them behind a load
balancer: the same request to both makes one task; a process killed at any point loses no
TaskId and says nothing contradictory; Slack failing every post for a while and then
recovering gets every message once.

Skipped, with the reason, where PostgreSQL (RECORDBOT_TEST_POSTGRES_URL) or Redis
(RECORDBOT_TEST_REDIS_URL) is not reachable.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import create_engine, text

from bot.sandbox.live import Fault
from tests.e2e.conftest import CHANNEL, SIGNING_SECRET, SlackClient, bot_env
from tests.store.conftest import POSTGRES_URL, postgres_unavailable
from tests.support.botproc import BotProcess
from tests.support.slack import sign, slash_command_body

REDIS_URL = os.environ.get("RECORDBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_unavailable() -> str | None:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2):
            return None
    except OSError as e:
        return (f"no Redis at {parts.hostname}:{parts.port} ({e.strerror or e}); set "
                "RECORDBOT_TEST_REDIS_URL=redis://host:port/db to run these tests")


@pytest.fixture
def shared_db() -> Iterator[str]:
    """A PostgreSQL schema of its own, as a DATABASE_URL both bot processes use."""
    problem = postgres_unavailable() or redis_unavailable()
    if problem:
        pytest.skip(problem)
    schema = f"replicas_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def replicas(live, slack, shared_db, tmp_path: Path) -> Iterator[list[BotProcess]]:
    env = bot_env(live, slack, tmp_path / "unused.db", DATABASE_URL=shared_db,
                  REDIS_URL=REDIS_URL)
    bots = [BotProcess(env, tmp_path).start(), BotProcess(env, tmp_path).start()]
    yield bots
    for bot in bots:
        bot.stop()


def sent_to_both(bots: list[BotProcess], bodies: list[str]) -> None:
    """POST the bodies to the two processes at the same instant (as a load balancer might
    when Slack retries, or when the same command is sent twice)."""
    with ThreadPoolExecutor(len(bodies)) as pool:
        clients = [SlackClient(bot, None) for bot in bots]  # type: ignore[arg-type]
        try:
            replies = list(pool.map(lambda pair: pair[0].post(pair[1], sign(SIGNING_SECRET,
                                                                              pair[1])),
                                    zip(clients * (len(bodies) // 2), bodies, strict=True)))
        finally:
            for c in clients:
                c.http.close()
    assert all(r.status == 200 for r in replies), replies


def test_the_same_command_to_both_at_once_makes_one_task(replicas, live, slack):
    for attempt in range(6):
        stream = f"twice{attempt}"
        same = slash_command_body(f"{stream} tomorrow 8pm to 10pm", user_id="U0SHANGHAI",
                                  channel_id=CHANNEL, trigger_id=f"same-{attempt}",
                                  response_url=slack.response_url(f"same-{attempt}"))
        # Once the very same request (a retry), once the command sent twice.
        bodies = [same, same] if attempt % 2 == 0 else [
            slash_command_body(f"{stream} tomorrow 8pm to 10pm", user_id="U0SHANGHAI",
                               channel_id=CHANNEL, response_url=slack.response_url(k))
            for k in (f"a-{attempt}", f"b-{attempt}")]
        sent_to_both(replicas, bodies)
    deadline = time.monotonic() + 20
    while len(live.tasks) < 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # and nothing more comes
    streams = sorted(t.stream_name for t in live.tasks)
    assert streams == [f"twice{i}" for i in range(6)]
    roots = [c for c in slack.calls("chat.postMessage")
             if "Recording request for twice" in c.params.get("text", "")]
    assert len(roots) == 6


@pytest.mark.parametrize("victim", [0, 1])
def test_killing_a_process_mid_request_loses_nothing_and_says_one_thing(replicas, live, slack,
                                                                        victim):
    bots = replicas
    live.inject(Fault.slow(30, action="CreateRecordTask", stream="killme", takes_effect=True))
    client = SlackClient(bots[victim], slack)
    held_before = live.requests_in_flight()  # an earlier test's delayed reply may still wait
    try:
        client.command("killme tomorrow 8pm to 10pm")
        root = slack.wait_for("chat.postMessage",
                              lambda c: "Recording request for killme" in c.params.get("text", ""))
        deadline = time.monotonic() + 10
        while live.requests_in_flight() <= held_before and time.monotonic() < deadline:
            time.sleep(0.02)
        bots[victim].kill()  # the task is being created: Tencent will have it
        live.clear_faults()
        ts = root.response["ts"]
        answer = slack.wait_for(
            "chat.postMessage",
            lambda c: c.params.get("thread_ts") == ts and "the recording task exists"
            in c.params.get("text", ""), timeout=45)
        [task] = [t for t in live.tasks if t.stream_name == "killme"]
        assert task.task_id in answer.params["text"]
        time.sleep(4)  # a lease and a round more: nobody says anything else
        thread = [c for c in slack.calls("chat.postMessage")
                  if c.params.get("thread_ts") == ts]
        assert len(thread) == 1, [c.params["text"] for c in thread]
        assert len([t for t in live.tasks if t.stream_name == "killme"]) == 1  # never again
    finally:
        client.http.close()
        bots[victim].start()  # the fixture stops both


def test_slack_failing_every_post_then_recovering_delivers_every_message_once(replicas, live,
                                                                             slack):
    slack.fail("chat.postMessage", status=503, times=None)
    client = SlackClient(replicas[0], slack)
    other = SlackClient(replicas[1], slack)
    try:
        for i, c in enumerate((client, other, client)):
            c.command(f"outage{i} tomorrow 8pm to 10pm")
        deadline = time.monotonic() + 15
        while len(live.tasks) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(live.tasks) == 3  # Tencent was asked although Slack was down
        time.sleep(6)  # Slack stays down a while: every post fails and waits
        slack.clear_failures()
        for i in range(3):
            root = slack.wait_for(
                "chat.postMessage", lambda c, i=i: c.response.get("ok")
                and f"Recording request for outage{i}" in c.params.get("text", ""), timeout=75)
            reply = slack.wait_for(
                "chat.postMessage", lambda c, ts=root.response["ts"]: c.response.get("ok")
                and c.params.get("thread_ts") == ts, timeout=75)
            task = next(t for t in live.tasks if t.stream_name == f"outage{i}")
            assert task.task_id in reply.params["text"]
        time.sleep(3)
        ok = [c for c in slack.calls("chat.postMessage") if c.response.get("ok")]
        roots = [c for c in ok if "Recording request for outage" in c.params.get("text", "")]
        replies = [c for c in ok if c.params.get("thread_ts")]
        assert len(roots) == 3 and len(replies) == 3  # each once
    finally:
        client.http.close()
        other.http.close()
