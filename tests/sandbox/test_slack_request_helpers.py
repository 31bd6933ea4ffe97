"""The helpers that forge Slack's requests must produce what Bolt accepts."""

import json
import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from tests.support.slack import (
    interaction_body,
    plain_text_value,
    sign,
    slash_command_body,
    view_submission_payload,
)

SECRET = "test-signing-secret"


def test_signed_headers_verify_with_slack_sdk() -> None:
    body = slash_command_body("livetest tomorrow 8pm-10pm")
    headers = sign(SECRET, body)

    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SECRET).is_valid(
        body=body,
        timestamp=headers["x-slack-request-timestamp"],
        signature=headers["x-slack-signature"],
    )
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(body + "&x=1", headers)


def test_old_timestamps_fail_replay_protection() -> None:
    body = slash_command_body("help")
    stale = sign(SECRET, body, timestamp=int(time.time()) - 600)
    assert stale["x-slack-request-timestamp"] == str(int(time.time()) - 600)
    assert not SignatureVerifier(SECRET).is_valid_request(body, stale)


def test_slash_command_body_carries_the_fields_bolt_reads() -> None:
    body = slash_command_body(
        "livetest 8pm-10pm",
        user_id="U0ALICE",
        channel_id="C0REC",
        response_url="http://127.0.0.1:1/response/k",
        trigger_id="9.9.t",
    )
    fields = {k: v[0] for k, v in parse_qs(body).items()}
    assert fields["command"] == "/record"
    assert fields["text"] == "livetest 8pm-10pm"
    assert (fields["user_id"], fields["channel_id"]) == ("U0ALICE", "C0REC")
    assert (fields["response_url"], fields["trigger_id"]) == (
        "http://127.0.0.1:1/response/k",
        "9.9.t",
    )


def test_interaction_body_is_urlencoded_json_under_payload() -> None:
    payload = {"type": "block_actions", "text": "a&b=c ✓"}
    body = interaction_body(payload)
    assert body.startswith("payload=")
    assert json.loads(parse_qs(body)["payload"][0]) == payload


def test_view_submission_payload_submits_the_given_view_with_state() -> None:
    opened = {"id": "V0FAKE0007", "hash": "h", "callback_id": "record", "private_metadata": "{}"}
    values = {"when": {"when": plain_text_value("tomorrow 8pm")}}
    payload = view_submission_payload(values, view=opened, user_id="U0ALICE")

    assert payload["type"] == "view_submission"
    assert payload["user"]["id"] == "U0ALICE"
    assert payload["view"]["id"] == "V0FAKE0007"
    assert payload["view"]["callback_id"] == "record"
    assert payload["view"]["state"]["values"]["when"]["when"]["value"] == "tomorrow 8pm"

    overridden = view_submission_payload(values, callback_id="other", private_metadata="m")
    assert (overridden["view"]["callback_id"], overridden["view"]["private_metadata"]) == (
        "other",
        "m",
    )
