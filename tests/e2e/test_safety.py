"""Never the wrong thing quietly: access control, one task per request, the overlap guard,
posting where the bot may not, and secrets kept out of the logs."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest

from bot.sandbox.live import RecordTask
from tests.e2e.conftest import CHANNEL, PUSH_DOMAIN, SIGNING_SECRET, SlackClient, bot_env
from tests.e2e.test_record_command import root_and_thread
from tests.support.botproc import BotProcess
from tests.support.slack import block_action_payload, sign, slash_command_body


@pytest.fixture(scope="module")
def guarded(live, slack, tmp_path_factory) -> Iterator[SlackClient]:
    """A bot limited to @live-ops in #live-ops, with the backup domain for admins only."""
    slack.add_usergroup("S0LIVEOPS", ["U0SHANGHAI"])
    workdir = tmp_path_factory.mktemp("guarded")
    env = bot_env(live, slack, workdir / "guarded.db",
                  ALLOWED_USERGROUP_IDS="S0LIVEOPS", ALLOWED_CHANNEL_IDS=CHANNEL,
                  DOMAIN_ACCESS="backup.example.com=U0ADMIN",
                  ACCESS_DENIED_HINT="ask to be added to @live-ops")
    bot = BotProcess(env, workdir).start()
    client = SlackClient(bot, slack)
    yield client
    client.http.close()
    bot.stop()


def test_someone_outside_the_group_is_refused_plainly(guarded, live, slack):
    _, key = guarded.command("acltest tomorrow 8pm to 10pm", user="U0NEWYORK")
    answer = slack.wait_for_response(key)
    text = str(answer)
    assert answer["response_type"] == "ephemeral"
    assert "<!subteam^S0LIVEOPS>" in text and "ask to be added to @live-ops" in text
    time.sleep(0.3)
    assert live.calls("CreateRecordTask") == []
    assert not [c for c in slack.calls("chat.postMessage") if "acltest" in str(c.params)]
    db = sqlite3.connect(guarded.bot.workdir / "guarded.db")
    assert db.execute("select user_id, action, detail from audit").fetchall() == [
        ("U0NEWYORK", "denied", "schedule acltest in C0LIVEOPS on push.example.com")]


def test_a_member_may_record_but_only_in_the_allowed_channel(guarded, live, slack):
    _, key = guarded.command("acltest2 tomorrow 8pm to 10pm", channel="C0RANDOM")
    assert "<#C0LIVEOPS>" in str(slack.wait_for_response(key))
    guarded.command("acltest3 tomorrow 8pm to 10pm")
    root_and_thread(slack, CHANNEL, "acltest3")
    assert [c["StreamName"] for c in live.calls("CreateRecordTask")] == ["acltest3"]


def test_a_domain_can_be_limited_to_some_people(guarded, live, slack):
    _, key = guarded.command("vip tomorrow 8pm to 10pm domain=backup.example.com")
    assert "backup.example.com" in str(slack.wait_for_response(key))
    guarded.command("vip2 tomorrow 8pm to 10pm domain=backup.example.com", user="U0ADMIN")
    root_and_thread(slack, CHANNEL, "vip2")
    assert [c["StreamName"] for c in live.calls("CreateRecordTask")] == ["vip2"]


def test_the_same_request_twice_makes_one_task_and_points_at_the_first(client, live, slack):
    client.command("twice tomorrow 8pm to 10pm")
    root, _ = root_and_thread(slack, CHANNEL, "twice")
    _, key = client.command("twice tomorrow 8pm to 10pm")
    answer = str(slack.wait_for_response(key))
    assert "no second task" in answer and live.tasks[0].task_id in answer
    root_ts = root.response["ts"].replace(".", "")
    assert f"/archives/{CHANNEL}/p{root_ts}|the first request's thread>" in answer
    assert len(live.calls("CreateRecordTask")) == 1


def test_a_double_click_at_the_same_instant_makes_one_task(client, live, slack):
    results = []

    def send():
        body = slash_command_body("dblclick for 1 hour", user_id="U0SHANGHAI",
                                  channel_id=CHANNEL, response_url=slack.response_url("dbl"))
        results.append(client.post(body).status)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200]
    root_and_thread(slack, CHANNEL, "dblclick")
    assert "no second task" in str(slack.wait_for_response("dbl"))
    time.sleep(0.3)
    assert len(live.calls("CreateRecordTask")) == 1


def test_an_overlapping_task_needs_confirmation(client, live, slack):
    now = int(time.time())
    live.add_task(RecordTask("", "overlap", PUSH_DOMAIN, "live", now + 600, now + 7200))
    _, key = client.command("overlap in 30 minutes for 1 hour")
    question = slack.wait_for_response(key)
    assert "Nothing is scheduled until you confirm" in str(question)
    assert live.calls("CreateRecordTask") == []
    [actions] = [b for b in question["blocks"] if b["type"] == "actions"]
    button = actions["elements"][0]
    payload = block_action_payload(button["action_id"], button["value"], user_id="U0SHANGHAI",
                                   channel_id=CHANNEL, block_id="overlap",
                                   response_url=slack.response_url(key))
    assert client.interact(payload).status == 200
    root_and_thread(slack, CHANNEL, "overlap")
    assert len(live.tasks) == 2


def test_a_fourth_overlapping_task_is_refused(client, live, slack):
    now = int(time.time())
    for i in range(3):
        live.add_task(RecordTask("", "crowded", PUSH_DOMAIN, "live", now + 60 * i + 600,
                                 now + 7200))
    _, key = client.command("crowded in 30 minutes for 1 hour")
    answer = str(slack.wait_for_response(key))
    assert "at most three" in answer and "Nothing was scheduled" in answer
    assert live.calls("CreateRecordTask") == []


def test_bad_names_are_refused_with_the_rule(client, live, slack):
    _, key = client.command("bad/name tomorrow 8pm to 10pm")
    assert "letters, digits" in str(slack.wait_for_response(key))
    _, key = client.command("ok tomorrow 8pm to 10pm domain=not_a_domain")
    assert "not a push domain" in str(slack.wait_for_response(key))
    assert live.calls("CreateRecordTask") == []


def test_a_channel_that_does_not_exist_falls_back_to_the_user(client, live, slack):
    slack.remove_channel("C0GONE")
    _, key = client.command("gonetest tomorrow 8pm to 10pm", channel="C0GONE")
    deadline = time.monotonic() + 10
    while len(slack.responses(key)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first, second = slack.responses(key)[:2]
    assert "channel_not_found" in str(first) and "/invite @recordbot" in str(first)
    assert live.tasks[0].task_id in str(second)


def test_secrets_never_reach_the_log(live, slack, tmp_path):
    env = bot_env(live, slack, tmp_path / "logs.db", LOG_LEVEL="DEBUG")
    bot = BotProcess(env, tmp_path).start()
    client = SlackClient(bot, slack)
    try:
        # A forged request (Bolt logs bodies of failed verifications), a good one, a refusal.
        body = slash_command_body("leak tomorrow 8pm to 10pm",
                                  response_url=slack.response_url("leak-secret-path"))
        assert client.post(body, sign("wrong-secret", body)).status == 401
        client.command("leak tomorrow 8pm to 10pm", key="leak-secret-path2")
        root_and_thread(slack, CHANNEL, "leak")
        client.command("leak yesterday 8pm to 10pm", key="leak-secret-path3")
        slack.wait_for_response("leak-secret-path3")
    finally:
        bot.stop()
        client.http.close()
    logs = bot.logs()
    assert "DEBUG" in logs  # the test looked at a verbose log
    for secret in (SIGNING_SECRET, slack.bot_token, live.default_credentials[1],
                   "leak-secret-path"):
        assert secret not in logs, f"{secret!r} leaked into the log"
