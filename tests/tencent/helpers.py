"""Shared helpers: SDK clients aimed at an emulator, valid requests, an independent signer, and
what the GuardedLiveApi tests share.

The signer here is written from the reference notes, not imported from the emulator, so that the
emulator's verifier is checked against two implementations: the SDK's and this one.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client, live_client_async, models

from bot.sandbox.live import Code, LiveEmulator
from bot.tencent.live_api import RecordTaskSpec
from bot.tencent.policy import GuardedLiveApi

STREAM = "livetest"
DOMAIN = "5000.live.push.com"
APP = "live"
REGION = "ap-guangzhou"
HOUR = 3600
DAY = 86400


def now() -> int:
    return int(time.time())


def profile(live: LiveEmulator, *, method: str = "POST", timeout: float = 5) -> ClientProfile:
    http = HttpProfile(protocol="http", endpoint=live.endpoint, reqMethod=method,
                       reqTimeout=timeout)
    return ClientProfile(httpProfile=http, language="en-US")


def credential(live: LiveEmulator, secret_id: str | None = None,
               secret_key: str | None = None) -> Credential:
    default_id, default_key = live.default_credentials
    return Credential(secret_id or default_id, secret_key or default_key)


def sync_client(live: LiveEmulator, *, secret_id: str | None = None,
                secret_key: str | None = None, region: str = REGION, method: str = "POST",
                timeout: float = 5) -> live_client.LiveClient:
    return live_client.LiveClient(credential(live, secret_id, secret_key), region,
                                  profile(live, method=method, timeout=timeout))


def async_client(live: LiveEmulator, *, region: str = REGION, method: str = "POST",
                 timeout: float = 5) -> live_client_async.LiveClient:
    return live_client_async.LiveClient(credential(live), region,
                                        profile(live, method=method, timeout=timeout))


def create_request(**fields: Any) -> models.CreateRecordTaskRequest:
    """A valid CreateRecordTask request (one hour from now), with ``fields`` overriding."""
    start = now() + 60
    values: dict[str, Any] = {"StreamName": STREAM, "DomainName": DOMAIN, "AppName": APP,
                              "StartTime": start, "EndTime": start + HOUR}
    values.update(fields)
    request = models.CreateRecordTaskRequest()
    for name, value in values.items():
        setattr(request, name, value)
    return request


def describe_request(start: int, end: int, **filters: Any) -> models.DescribeRecordTaskRequest:
    request = models.DescribeRecordTaskRequest()
    request.StartTime, request.EndTime = start, end
    for name, value in filters.items():
        setattr(request, name, value)
    return request


def task_request(cls: type, task_id: str) -> Any:
    request = cls()
    request.TaskId = task_id
    return request


def tc3_headers(*, secret_id: str, secret_key: str, host: str, action: str, body: bytes,
                timestamp: int, signed: tuple[str, ...] = ("content-type", "host"),
                extra: dict[str, str] | None = None, region: str = REGION) -> dict[str, str]:
    """POST headers signed over ``signed`` (any header names), per the TC3 description."""
    headers = {"Content-Type": "application/json", "Host": host, "X-TC-Action": action,
               "X-TC-Version": "2018-08-01", "X-TC-Timestamp": str(timestamp),
               "X-TC-Region": region, "X-TC-Language": "en-US", **(extra or {})}
    lower = {k.lower(): v for k, v in headers.items()}
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_headers = "".join(f"{h}:{lower[h].strip().lower()}\n" for h in signed)
    canonical = (f"POST\n/\n\n{canonical_headers}\n{';'.join(signed)}\n"
                 f"{hashlib.sha256(body).hexdigest()}")
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{date}/live/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")
    key = f"TC3{secret_key}".encode()
    for part in (date, "live", "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (f"TC3-HMAC-SHA256 Credential={secret_id}/{date}/live/tc3_request,"
                                f" SignedHeaders={';'.join(signed)}, Signature={signature}")
    return headers


def raw_post(live: LiveEmulator, headers: dict[str, str], body: bytes) -> httpx.Response:
    """Send bytes as they are, bypassing the SDK (and any proxy settings)."""
    with httpx.Client(trust_env=False, timeout=5) as http:
        return http.post(live.url + "/", headers=headers, content=body)


def error_of(response: httpx.Response) -> tuple[str, str]:
    """(Code, Message) of an error reply, after checking the envelope and its Content-Type."""
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    reply = response.json()["Response"]
    assert reply["RequestId"]
    return reply["Error"]["Code"], reply["Error"]["Message"]


def create_error(live: Any, **client_options: object) -> TencentCloudSDKException:
    """The SDK error a CreateRecordTask gets from the emulator (the test fails if none)."""
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live, **client_options).CreateRecordTask(create_request())
    return caught.value


# ---- GuardedLiveApi ----------------------------------------------------------------------


class Sleeps:
    """An injected sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


#: What the ``build`` fixture gives: ``build(limit=None, attempts=3)`` → a GuardedLiveApi.
Build = Callable[..., GuardedLiveApi]


def spec(stream: str = STREAM, **fields: int) -> RecordTaskSpec:
    start = fields.get("start_time", now() + 60)
    return RecordTaskSpec(stream_name=stream, domain_name=DOMAIN, app_name=APP,
                          start_time=start, end_time=fields.get("end_time", start + HOUR))


def throttled(live: LiveEmulator) -> list[str]:
    """The actions of the calls the emulator answered RequestLimitExceeded, in order."""
    return [r.action for r in live.requests if r.outcome == Code.REQUEST_LIMIT_EXCEEDED]
