"""Shortcuts end to end: the global one opens the form with a channel picker; the message
one opens it prefilled with the time phrase the message gives, and that form schedules it."""

from __future__ import annotations

import time

from tests.e2e.conftest import CHANNEL
from tests.support.slack import global_shortcut_payload, message_shortcut_payload


def opened(slack, trigger: str) -> dict:
    call = slack.wait_for("views.open", lambda c: c.params.get("trigger_id") == trigger)
    assert call.ok, call.describe()
    return call.params["view"]


def block(view: dict, block_id: str) -> dict:
    [found] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


def test_the_global_shortcut_opens_the_form_with_a_channel_picker(client, slack):
    trigger = f"global-{time.monotonic_ns()}"
    reply = client.interact(global_shortcut_payload("record_schedule", user_id="U0SHANGHAI",
                                                    trigger_id=trigger))
    assert reply.status == 200
    view = opened(slack, trigger)
    assert view["callback_id"] == "record_form"
    assert block(view, "channel")["element"]["type"] == "conversations_select"
    assert "initial_value" not in block(view, "when")["element"]


def test_the_message_shortcut_prefills_the_time_the_message_gives(client, slack):
    trigger = f"message-{time.monotonic_ns()}"
    payload = message_shortcut_payload(
        "record_from_message", "Show starts tomorrow 8pm, runs two hours",
        user_id="U0SHANGHAI", channel_id=CHANNEL, trigger_id=trigger,
        response_url=slack.response_url(trigger))
    assert client.interact(payload).status == 200
    view = opened(slack, trigger)
    assert block(view, "when")["element"]["initial_value"] == "tomorrow 8pm two hours"
    assert not [b for b in view["blocks"] if b.get("block_id") == "channel"]  # its channel
    assert "`tomorrow 8pm two hours`" in str(view["blocks"][0])
    assert "Asia/Shanghai" in str(view["blocks"][0])


def test_the_message_shortcut_in_chinese_and_without_a_time(client, slack):
    trigger = f"message-zh-{time.monotonic_ns()}"
    payload = message_shortcut_payload("record_from_message", "明天晚上8点开始，直播两小时",
                                       user_id="U0SHANGHAI", trigger_id=trigger)
    assert client.interact(payload).status == 200
    when = block(opened(slack, trigger), "when")["element"]["initial_value"]
    assert when.replace(" ", "") == "明天晚上8点两小时"

    trigger = f"message-none-{time.monotonic_ns()}"
    payload = message_shortcut_payload("record_from_message", "lunch is ready",
                                       user_id="U0SHANGHAI", trigger_id=trigger)
    assert client.interact(payload).status == 200
    view = opened(slack, trigger)
    assert "initial_value" not in block(view, "when")["element"]
    assert "no start and end" in str(view["blocks"][0])


def test_a_form_from_the_global_shortcut_posts_in_the_channel_picked(client, slack):
    from tests.support.slack import plain_text_value, view_submission_payload

    trigger = f"global-submit-{time.monotonic_ns()}"
    client.interact(global_shortcut_payload("record_schedule", user_id="U0SHANGHAI",
                                            trigger_id=trigger))
    view = opened(slack, trigger)
    values = {
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
        "stream": {"value": plain_text_value("shortcutshow")},
        "domain": {"value": {"type": "static_select",
                             "selected_option": {"value": "push.example.com"}}},
        "app": {"value": plain_text_value("live")},
        "when": {"value": plain_text_value("tomorrow 8pm to 10pm")},
        "stream_type": {"value": {"type": "radio_buttons", "selected_option": {"value": "0"}}},
    }
    reply = client.interact(view_submission_payload(values, view=view, user_id="U0SHANGHAI"))
    assert reply.status == 200 and reply.body in ("", "{}"), reply.body
    root = slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL
                          and "shortcutshow" in c.params.get("text", ""), timeout=10)
    assert root.ok
