"""TC3-HMAC-SHA256 verification, checked with requests the real SDK signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from bot.sandbox.live import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, LiveEmulator, sign_request
from tests.tencent.conftest import ShiftableClock
from tests.tencent.helpers import (
    APP,
    DOMAIN,
    STREAM,
    async_client,
    create_error,
    create_request,
    error_of,
    now,
    raw_post,
    sync_client,
    tc3_headers,
)


def test_create_succeeds_and_logs_exact_params(live: LiveEmulator) -> None:
    request = create_request(TemplateId=10001, StreamType=0, Extension="x")

    response = sync_client(live).CreateRecordTask(request)

    assert response.TaskId and response.RequestId
    [params] = live.calls("CreateRecordTask")
    assert params == {"StreamName": STREAM, "DomainName": DOMAIN, "AppName": APP,
                      "StartTime": request.StartTime, "EndTime": request.EndTime,
                      "TemplateId": 10001, "StreamType": 0, "Extension": "x"}
    [logged] = live.requests
    assert logged.verified and logged.outcome == "OK"
    assert logged.headers["X-TC-Region"] == "ap-guangzhou"
    assert logged.request_id == response.RequestId
    [task] = live.tasks
    assert (task.task_id, task.stream_name, task.template_id, task.stopped) == (
        response.TaskId, STREAM, 10001, 0)


async def test_async_client_creates_too(live: LiveEmulator) -> None:
    async with async_client(live) as client:
        response = await client.CreateRecordTask(create_request())
    assert [t.task_id for t in live.tasks] == [response.TaskId]
    assert live.requests[0].verified


def test_get_requests_are_verified(live: LiveEmulator) -> None:
    response = sync_client(live, method="GET").CreateRecordTask(create_request())

    assert response.TaskId
    [logged] = live.requests
    assert logged.method == "GET" and logged.verified and logged.body == b""
    assert logged.params["StreamName"] == STREAM  # query values arrive as text
    assert logged.params["EndTime"] == str(live.tasks[0].end_time)


async def test_async_get_requests_are_verified(live: LiveEmulator) -> None:
    async with async_client(live, method="GET") as client:
        response = await client.CreateRecordTask(create_request())
    assert response.TaskId and live.requests[0].verified


def test_wrong_secret_key_is_a_signature_failure(live: LiveEmulator) -> None:
    error = create_error(live, secret_key="not-the-key")
    assert error.get_code() == "AuthFailure.SignatureFailure"
    assert error.get_request_id()
    assert not live.tasks and not live.calls("CreateRecordTask")
    assert live.requests[0].verified is False


def test_unknown_secret_id(live: LiveEmulator) -> None:
    assert create_error(live, secret_id="AKIDnobody").get_code() == "AuthFailure.SecretIdNotFound"


@pytest.mark.parametrize("offset", [600, -600])
def test_request_signed_ten_minutes_away_has_expired(
    live: LiveEmulator, clock: ShiftableClock, offset: int
) -> None:
    clock.offset = offset  # the server now lives 10 minutes later (or earlier) than the signer
    error = create_error(live)
    assert error.get_code() == "AuthFailure.SignatureExpire"
    assert "five minutes" in error.get_message()


def test_skew_within_five_minutes_is_accepted(live: LiveEmulator, clock: ShiftableClock) -> None:
    clock.offset = 290
    assert sync_client(live).CreateRecordTask(create_request()).TaskId


def _captured_sdk_request(live: LiveEmulator) -> tuple[dict[str, str], bytes]:
    """Headers and body of a request the SDK signed, as they arrived."""
    sync_client(live).CreateRecordTask(create_request())
    logged = live.requests[-1]
    headers = {k: v for k, v in logged.headers.items() if k.lower() != "content-length"}
    return headers, logged.body


def test_replaying_the_sdk_request_verifies(live: LiveEmulator) -> None:
    headers, body = _captured_sdk_request(live)
    response = raw_post(live, headers, body)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["Response"]["TaskId"]


def test_tampered_body_is_a_signature_failure(live: LiveEmulator) -> None:
    headers, body = _captured_sdk_request(live)
    tampered = body.replace(STREAM.encode(), b"othertest")
    assert tampered != body

    code, _ = error_of(raw_post(live, headers, tampered))

    assert code == "AuthFailure.SignatureFailure"
    assert len(live.tasks) == 1  # only the original request created a task


def test_body_is_hashed_as_sent_not_reserialized(live: LiveEmulator) -> None:
    """Same JSON, different bytes: Tencent signs bytes, so this must fail."""
    headers, body = _captured_sdk_request(live)
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert error_of(raw_post(live, headers, compact))[0] == "AuthFailure.SignatureFailure"


def test_tampered_get_query_is_a_signature_failure(live: LiveEmulator) -> None:
    sync_client(live, method="GET").CreateRecordTask(create_request())
    logged = live.requests[-1]
    tampered = logged.query.replace(STREAM, "othertest")
    headers = {k: v for k, v in logged.headers.items() if k.lower() != "content-length"}
    with httpx.Client(trust_env=False) as http:
        response = http.get(f"{live.url}/?{tampered}", headers=headers)
    assert error_of(response)[0] == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize("authorization", [
    "garbage",
    "TC3-HMAC-SHA256 nonsense",
    "HMAC-SHA1 Credential=a/b/c/d, SignedHeaders=content-type;host, Signature=x",
    "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/live, SignedHeaders=content-type;host, "
    "Signature=x",
    "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/live/tc3_request, SignedHeaders=host, "
    "Signature=x",
    "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/live/tc3_request, Signature=x",
])
def test_malformed_authorization(live: LiveEmulator, authorization: str) -> None:
    headers, body = _captured_sdk_request(live)
    headers["Authorization"] = authorization
    assert error_of(raw_post(live, headers, body))[0] == "AuthFailure.InvalidAuthorization"


def test_missing_authorization(live: LiveEmulator) -> None:
    headers, body = _captured_sdk_request(live)
    del headers["Authorization"]
    assert error_of(raw_post(live, headers, body))[0] == "AuthFailure.InvalidAuthorization"


def test_scope_date_must_match_the_timestamp(live: LiveEmulator) -> None:
    ts = now()
    headers = tc3_headers(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                          host=live.endpoint, action="DescribeLiveRecordTemplates", body=b"{}",
                          timestamp=ts)
    real_date = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
    headers["Authorization"] = headers["Authorization"].replace(f"/{real_date}/", "/1999-01-01/")
    code, message = error_of(raw_post(live, headers, b"{}"))
    assert code == "AuthFailure.SignatureFailure"
    assert "1999-01-01" in message


def test_scope_service_must_be_live(live: LiveEmulator) -> None:
    headers = tc3_headers(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                          host=live.endpoint, action="DescribeLiveRecordTemplates", body=b"{}",
                          timestamp=now())
    headers["Authorization"] = headers["Authorization"].replace("/live/", "/cvm/")
    code, message = error_of(raw_post(live, headers, b"{}"))
    assert code == "AuthFailure.SignatureFailure" and "cvm" in message


def test_signed_headers_are_taken_from_the_authorization(live: LiveEmulator) -> None:
    """Signing more headers than the SDK does works, and then those headers are protected."""
    signed = ("content-type", "host", "x-tc-action")
    headers = tc3_headers(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                          host=live.endpoint, action="DescribeLiveRecordTemplates", body=b"{}",
                          timestamp=now(), signed=signed)
    ok = raw_post(live, headers, b"{}")
    assert ok.headers["content-type"] == "application/json"
    assert "Templates" in ok.json()["Response"]

    headers["X-TC-Action"] = "DescribeLiveRecordTemplate"
    assert error_of(raw_post(live, headers, b"{}"))[0] == "AuthFailure.SignatureFailure"


def test_canonical_header_values_are_lower_cased(live: LiveEmulator) -> None:
    """Tencent lower-cases values; the signer here did too, so an upper-case header passes."""
    headers = tc3_headers(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                          host=live.endpoint, action="DescribeLiveRecordTemplates", body=b"{}",
                          timestamp=now())
    headers["Content-Type"] = "Application/JSON"
    assert "Templates" in raw_post(live, headers, b"{}").json()["Response"]


def test_sign_request_matches_the_sdk(live: LiveEmulator) -> None:
    headers, body = _captured_sdk_request(live)
    ours = sign_request(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                        action="CreateRecordTask", host=headers["Host"], body=body,
                        timestamp=int(headers["X-TC-Timestamp"]))
    assert ours["Authorization"] == headers["Authorization"]


def test_other_credentials_can_be_configured(clock: ShiftableClock) -> None:
    with LiveEmulator({"AKIDone": "key-one", "AKIDtwo": "key-two"}, clock=clock) as live:
        client = sync_client(live, secret_id="AKIDtwo", secret_key="key-two")
        assert client.CreateRecordTask(create_request()).TaskId
        assert create_error(live, secret_id="AKIDone", secret_key="key-two").get_code() == (
            "AuthFailure.SignatureFailure")


def test_unsigned_payload_is_verified_without_the_body(live: LiveEmulator) -> None:
    """``ClientProfile.unsignedPayload`` signs the literal UNSIGNED-PAYLOAD, not the body."""
    client = sync_client(live)
    client.profile.unsignedPayload = True
    assert client.CreateRecordTask(create_request()).TaskId

    headers = {k: v for k, v in live.requests[0].headers.items()
               if k.lower() != "content-length"}
    other_body = live.requests[0].body.replace(STREAM.encode(), b"othertest")
    assert raw_post(live, headers, other_body).json()["Response"]["TaskId"]
    assert [t.stream_name for t in live.tasks] == [STREAM, "othertest"]
