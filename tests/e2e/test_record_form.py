"""The scheduling form: `/record` opens it, bad fields come back as errors, a good one schedules."""

from __future__ import annotations

import json

from tests.e2e.conftest import CHANNEL, PUSH_DOMAIN
from tests.e2e.test_record_command import expected_window, root_and_thread
from tests.support.slack import plain_text_value, view_submission_payload


def open_form(client, slack, text: str = "") -> dict:
    ack, key = client.command(text, user="U0NEWYORK")
    assert ack.status == 200
    call = slack.wait_for("views.open", lambda c: c.params.get("trigger_id") == f"trigger-{key}")
    return call.response["view"]


def submit(client, view: dict, **fields: str):
    values = {
        "stream": {"value": plain_text_value(fields.get("stream", "formtest"))},
        "domain": {"value": {"type": "static_select",
                             "selected_option": {"value": fields.get("domain", PUSH_DOMAIN)}}},
        "app": {"value": plain_text_value(fields.get("app", "live"))},
        "when": {"value": plain_text_value(fields.get("when", "tomorrow 8pm to 10pm"))},
        "template": {"value": plain_text_value(fields.get("template", ""))},
        "stream_type": {"value": {"type": "radio_buttons",
                                  "selected_option": {"value": fields.get("stream_type", "0")}}},
    }
    return client.interact(view_submission_payload(values, view=view, user_id="U0NEWYORK"))


def test_empty_command_opens_the_form_with_every_field(client, slack):
    view = open_form(client, slack)
    assert view["callback_id"] == "record_form"
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL, "lang": "en"}
    ids = [b["block_id"] for b in view["blocks"]]
    assert ids == ["stream", "domain", "app", "when", "repeat", "repeat_until", "repeat_count",
                   "template", "stream_type"]
    domain = view["blocks"][1]["element"]
    assert domain["type"] == "static_select"  # two push domains are configured
    assert [o["value"] for o in domain["options"]] == [PUSH_DOMAIN, "backup.example.com"]
    assert view["blocks"][2]["element"]["initial_value"] == "live"
    assert open_form(client, slack, "new")["callback_id"] == "record_form"


def test_bad_fields_come_back_as_errors_and_nothing_is_scheduled(client, live, slack):
    view = open_form(client, slack)
    reply = submit(client, view, when="yesterday 8pm to 10pm")
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert "ended already" in body["errors"]["when"]

    body = submit(client, view, stream="bad stream!").json()
    assert list(body["errors"]) == ["stream"]
    body = submit(client, view, template="abc").json()
    assert list(body["errors"]) == ["template"]
    body = submit(client, view, when="tomorrow 8pm").json()
    assert "needs an end" in body["errors"]["when"]
    assert live.requests == []


def test_every_wrong_field_is_reported_at_once(client, live, slack):
    view = open_form(client, slack)
    body = submit(client, view, stream="bad stream!", app="no spaces", template="abc",
                  when="tomorrow banana").json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"stream", "app", "template", "when"}
    assert "banana" in body["errors"]["when"] and "number" in body["errors"]["template"]
    assert live.requests == []


def test_a_good_submission_schedules_in_the_channel_it_was_opened_from(client, live, slack):
    view = open_form(client, slack)
    reply = submit(client, view, stream="formtest", domain="backup.example.com",
                   template="10002", stream_type="1")
    assert reply.status == 200 and reply.body in ("", "{}")  # the form closes
    _, thread = root_and_thread(slack, CHANNEL, "formtest")
    [params] = live.calls("CreateRecordTask")
    assert (params["StartTime"], params["EndTime"]) == expected_window("America/New_York", 20, 22)
    assert (params["DomainName"], params["TemplateId"], params["StreamType"]) == (
        "backup.example.com", 10002, 1)
    assert live.tasks[0].task_id in thread.params["text"]


def test_a_form_with_unreadable_hidden_data_is_refused_as_out_of_date(client, live, slack):
    view = open_form(client, slack)
    for metadata in ("not json", "[1, 2]", '{"channel_id": 7}', "{}"):
        reply = submit(client, {**view, "private_metadata": metadata})
        assert reply.status == 200
        body = reply.json()
        assert body["response_action"] == "errors"
        assert "out of date" in body["errors"]["stream"]
    assert live.requests == []
    assert not slack.calls("chat.postMessage")
