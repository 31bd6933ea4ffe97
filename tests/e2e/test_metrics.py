"""GET /metrics, as Prometheus scrapes it from the real bot: what moves after commands, button
presses, Tencent's refusals and callbacks, the outbox backlog as the database has it, and no
label that names a person, a channel, a stream or a task.

One bot process (HTTP mode, callbacks on) of its own serves the module; each test compares
scrapes taken before and after what it does, so the tests need not run in any order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.sandbox import SlackFake
from bot.sandbox.live import LiveEmulator
from bot.sandbox.slack.state import DEFAULT_TEAM_ID
from tests.e2e.conftest import CHANNEL, USERS, SlackClient, bot_env
from tests.e2e.test_callbacks import KEY, post, signed, stream_event
from tests.e2e.test_record_command import root_and_thread
from tests.support.botproc import BotProcess
from tests.support.slack import block_action_payload, sign, slash_command_body

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def mbot(live: LiveEmulator, slack: SlackFake,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("metrics")
    proc = BotProcess(bot_env(live, slack, workdir / "metrics.db", TENCENT_CALLBACK_KEY=KEY),
                      workdir).start()
    yield proc
    proc.stop()


@pytest.fixture
def mclient(mbot: BotProcess, slack: SlackFake) -> Iterator[SlackClient]:
    c = SlackClient(mbot, slack)
    yield c
    c.http.close()


def scrape(bot: BotProcess) -> tuple[Samples, str]:
    resp = httpx.get(bot.url + "/metrics", timeout=10)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: Samples = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, resp.text


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def wait_until(bot: BotProcess, check: Callable[[Samples], bool], timeout: float = 20) -> Samples:
    deadline = time.monotonic() + timeout
    while True:
        samples, _ = scrape(bot)
        if check(samples):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError("not seen in /metrics in time:\n"
                                 + "\n".join(f"{k}: {v}" for k, v in samples.items()
                                             if k[0].startswith("recordbot_")))
        time.sleep(0.2)


def test_a_created_task_and_tencents_refusals_move_their_counters(mbot, mclient, live, slack):
    live.fail_stream("mnovod", "ResourceUnavailable.InvalidVodStatus", "VOD not activated.",
                     action="CreateRecordTask")
    live.fail_stream("mweird", "FailedOperation.SomethingNew", "A code nobody listed.",
                     action="CreateRecordTask")
    before, _ = scrape(mbot)
    for stream in ("mmade", "mnovod", "mweird"):
        ack, _ = mclient.command(f"{stream} tomorrow 8pm to 10pm", user="U0SHANGHAI")
        assert ack.status == 200
        root_and_thread(slack, CHANNEL, stream, timeout=30)
    outcomes = "recordbot_schedule_outcomes_total"
    # The outcome is counted as the use case returns, a moment after its reply went out.
    after = wait_until(mbot, lambda s: moved(before, s, outcomes, outcome="created",
                                             reason="") >= 1
                       and moved(before, s, outcomes, outcome="tencent_error",
                                 reason="other") >= 1)
    _, text = scrape(mbot)

    assert moved(before, after, "recordbot_requests_total", surface="command") == 3
    assert moved(before, after, outcomes, outcome="created", reason="") == 1
    assert moved(before, after, outcomes, outcome="tencent_error",
                 reason="ResourceUnavailable.InvalidVodStatus") == 1
    # A code outside the bot's catalogue is counted, under "other" rather than as itself.
    assert moved(before, after, outcomes, outcome="tencent_error", reason="other") == 1
    assert "FailedOperation" not in text

    calls = "recordbot_tencent_call_duration_seconds_count"
    assert moved(before, after, calls, action="CreateRecordTask") == 3
    assert moved(before, after, calls, action="DescribeRecordTask") >= 3  # the overlap checks
    latency = "recordbot_tencent_call_duration_seconds_sum"
    assert moved(before, after, latency, action="CreateRecordTask") > 0
    errors = "recordbot_tencent_call_errors_total"
    assert moved(before, after, errors, action="CreateRecordTask",
                 code="ResourceUnavailable.InvalidVodStatus") == 1
    assert moved(before, after, errors, action="CreateRecordTask", code="other") == 1
    # Every Create and Describe waited for its slot of the shared rate limit first.
    waits = moved(before, after, "recordbot_tencent_rate_limit_wait_seconds_count")
    assert waits >= moved(before, after, calls, action="CreateRecordTask") + 3


def test_refusals_before_tencent_are_counted_by_reason(mbot, mclient, live, slack):
    before, _ = scrape(mbot)
    mclient.command("mpast yesterday 8pm to 10pm")
    mclient.command("mbanana tomorrow banana")
    outcomes = "recordbot_schedule_outcomes_total"
    after = wait_until(mbot, lambda s: moved(before, s, outcomes, outcome="refused",
                                             reason="window_rule") == 1
                       and moved(before, s, outcomes, outcome="refused",
                                 reason="when_not_understood") == 1)
    assert moved(before, after, "recordbot_tencent_call_duration_seconds_count",
                 action="CreateRecordTask") == 0


def test_buttons_repeats_and_refused_requests_are_counted_by_surface(mbot, mclient, slack):
    before, _ = scrape(mbot)
    body = slash_command_body("help", user_id="U0SHANGHAI", channel_id=CHANNEL,
                              team_id=DEFAULT_TEAM_ID, response_url=slack.response_url("mrep"),
                              trigger_id="trigger-metrics-repeat")
    headers = sign("e2e-signing-secret", body)
    assert mclient.post(body, headers).status == 200
    assert mclient.post(body, {**headers, "x-slack-retry-num": "1"}).status == 200
    press = block_action_payload("recording_stop", "999999", user_id="U0SHANGHAI",
                                 channel_id=CHANNEL, response_url=slack.response_url("mbtn"))
    assert mclient.interact(press).status == 200
    assert mclient.post(body, {**headers, "x-slack-signature": "v0=" + "0" * 64}).status == 401
    after, _ = scrape(mbot)

    assert moved(before, after, "recordbot_requests_total", surface="command") == 2
    assert moved(before, after, "recordbot_repeated_requests_total", surface="command") == 1
    assert moved(before, after, "recordbot_requests_total", surface="button") == 1
    assert moved(before, after, "recordbot_slack_refused_requests_total", status="401") == 1


def test_callbacks_are_counted_by_event_type_and_result(mbot):
    before, _ = scrape(mbot)
    push = signed(stream_event(1, "mcbstream", "seq-m-1"))
    assert post(mbot, push).status_code == 200
    assert post(mbot, push).status_code == 200  # Tencent delivering it again
    assert post(mbot, signed(stream_event(0, "mcbstream", "seq-m-2"))).status_code == 200
    assert post(mbot, signed(stream_event(1, "mcbstream", "seq-m-3"),
                             key="not-the-key")).status_code == 401
    after, _ = scrape(mbot)

    assert moved(before, after, "recordbot_requests_total", surface="tencent_callback") == 4
    cb = "recordbot_tencent_callbacks_total"
    assert moved(before, after, cb, event="push", result="kept") == 1
    assert moved(before, after, cb, event="push", result="redelivered") == 1
    assert moved(before, after, cb, event="break", result="kept") == 1
    assert moved(before, after, cb, event="push", result="refused") == 1


def test_the_outbox_backlog_is_what_the_database_has_undelivered(mbot, mclient, live, slack):
    assert value(wait_until(mbot, lambda s: value(s, "recordbot_outbox_backlog") == 0),
                 "recordbot_outbox_backlog") == 0
    slack.fail("chat.postMessage", status=503, times=None)
    try:
        mclient.command("moutage tomorrow 8pm to 10pm")
        # The root message and the TaskId reply, both stored, neither delivered.
        wait_until(mbot, lambda s: value(s, "recordbot_outbox_backlog") == 2, timeout=30)
        assert [t for t in live.tasks if t.stream_name == "moutage"]
    finally:
        slack.clear_failures()
    wait_until(mbot, lambda s: value(s, "recordbot_outbox_backlog") == 0, timeout=60)
    delivered = [c for c in slack.calls("chat.postMessage")
                 if c.response.get("ok") and "moutage" in c.params.get("text", "")]
    assert delivered  # the backlog went to 0 because Slack took the messages


def test_no_label_names_a_user_channel_stream_or_task(mbot, mclient, live, slack):
    mclient.command("mlabels tomorrow 8pm to 10pm", user="U0NEWYORK")
    root_and_thread(slack, CHANNEL, "mlabels", timeout=30)
    post(mbot, signed(stream_event(1, "mlabels", "seq-m-labels")))
    samples, _ = scrape(mbot)
    private = {*USERS, CHANNEL, DEFAULT_TEAM_ID, *(t.task_id for t in live.tasks),
               "mlabels", "mmade", "mnovod", "mweird", "moutage", "mcbstream"}
    labels = {v for (_, pairs) in samples for _, v in pairs}
    assert labels, "no labelled series"
    assert not {v for v in labels if any(p in v for p in private)}
    # The series stay few however much the bot is used.
    assert len([k for k in samples if k[0].startswith("recordbot_")]) < 300
