"""Tencent misbehaving: every path ends with a message that says whether a task exists, and the
bot's store agrees with Tencent afterwards."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.live import Fault
from tests.e2e.conftest import CHANNEL, SlackClient, bot_env
from tests.e2e.test_record_command import root_and_thread
from tests.support.botproc import BotProcess


@pytest.fixture(scope="module")
def impatient(live, slack, tmp_path_factory) -> Iterator[tuple[SlackClient, Path]]:
    """A bot that waits only 2 s for Tencent, so timeouts are quick to provoke."""
    workdir = tmp_path_factory.mktemp("impatient")
    db = workdir / "impatient.db"
    bot = BotProcess(bot_env(live, slack, db, TENCENTCLOUD_TIMEOUT="2"), workdir).start()
    client = SlackClient(bot, slack)
    yield client, db
    client.http.close()
    bot.stop()


def thread_text(slack, stream: str, timeout: float = 20) -> str:
    _, reply = root_and_thread(slack, CHANNEL, stream, timeout=timeout)
    return reply.params["text"] + str(reply.params["blocks"])


def store_row(db: Path, stream: str) -> tuple[str, str | None]:
    return sqlite3.connect(db).execute(
        "select state, task_id from recordings where stream_name = ? order by id desc",
        (stream,)).fetchone()


def assert_created_once(live, db: Path, stream: str, text: str) -> None:
    tasks = [t for t in live.tasks if t.stream_name == stream]
    assert len(tasks) == 1, f"{len(tasks)} tasks for {stream}"
    assert tasks[0].task_id in text and "Recording task created" in text
    assert store_row(db, stream) == ("created", tasks[0].task_id)


@pytest.mark.parametrize("created", [True, False], ids=["task-created", "task-not-created"])
def test_timeout_is_settled_by_looking_the_task_up(impatient, live, slack, created):
    client, db = impatient
    stream = f"timeout{int(created)}"
    live.inject(Fault.slow(4, action="CreateRecordTask", stream=stream, times=1,
                           takes_effect=created))
    client.command(f"{stream} tomorrow 8pm to 10pm")
    assert_created_once(live, db, stream, thread_text(slack, stream))


@pytest.mark.parametrize("fault", [
    Fault.server_error(500, times=1),
    Fault.malformed_json(times=1),
    Fault.drop(times=1),
    Fault.wrong_content_type(error=("InternalError", "oops"), times=1),
    Fault.api_error("RequestLimitExceeded", "slow down", times=1),
    Fault.api_error("InternalError.NetworkError", "blip", times=1),
], ids=["http-500", "malformed-json", "dropped", "wrong-content-type", "throttled",
        "internal-error"])
def test_a_passing_fault_ends_in_one_task(impatient, live, slack, fault):
    client, db = impatient
    stream = "flt" + str(abs(hash(repr(fault))) % 10_000)
    live.inject(Fault(**{**fault.__dict__, "action": "CreateRecordTask", "stream": stream}))
    client.command(f"{stream} tomorrow 8pm to 10pm")
    assert_created_once(live, db, stream, thread_text(slack, stream))


def test_a_lasting_failure_says_unknown_then_settles_it(impatient, live, slack):
    client, db = impatient
    live.inject(Fault.server_error(503, action="CreateRecordTask", stream="down"))
    client.command("down tomorrow 8pm to 10pm")
    root, reply = root_and_thread(slack, CHANNEL, "down")
    assert "may or may not exist" in str(reply.params["blocks"])
    ts = root.response["ts"]
    slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == ts
                   and "no recording task exists" in c.params["text"], timeout=20)
    assert [t for t in live.tasks if t.stream_name == "down"] == []
    assert store_row(db, "down") == ("failed", None)


def test_a_refusal_is_not_retried_and_says_no_task(impatient, live, slack):
    client, db = impatient
    live.fail_stream("refused", "ResourceNotFound.StopService", "Service is suspended.")
    client.command("refused tomorrow 8pm to 10pm")
    text = thread_text(slack, "refused")
    assert "No recording task was created" in text and "Top up" in text
    assert len(live.calls("CreateRecordTask")) == 1
    assert store_row(db, "refused") == ("failed", None)


def test_a_burst_stays_under_tencents_rate_limit(impatient, live, slack):
    client, db = impatient
    live.inject(Fault.throttle(20, action="CreateRecordTask"))
    streams = [f"burst{i:02d}" for i in range(30)]
    threads = [threading.Thread(target=client.command, args=(f"{s} tomorrow 8pm to 10pm",))
               for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for stream in streams:
        assert_created_once(live, db, stream, thread_text(slack, stream, timeout=30))
    assert not [r for r in live.requests if r.outcome == "RequestLimitExceeded"]
