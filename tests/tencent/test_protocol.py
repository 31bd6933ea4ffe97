"""The API 3.0 envelope around the actions: routing, regions, bodies and headers on the wire."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client, models

from bot.sandbox.live import (
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    EMULATOR_APP_KEY,
    SUPPORTED_REGIONS,
    LiveEmulator,
    sign_request,
)
from bot.sandbox.server import BackgroundServer
from tests.tencent.conftest import ShiftableClock
from tests.tencent.helpers import create_request, error_of, now, raw_post, sync_client


def _signed_post(live: LiveEmulator, action: str, params: object = None, *,
                 body: bytes | None = None, **header_options: str | None) -> httpx.Response:
    payload = body if body is not None else json.dumps(params or {}).encode()
    headers = sign_request(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                           action=action, host=live.endpoint, timestamp=now(), body=payload,
                           **header_options)  # type: ignore[arg-type]
    return raw_post(live, headers, payload)


def test_success_envelope_on_the_wire(live: LiveEmulator) -> None:
    response = _signed_post(live, "DescribeLiveRecordTemplates")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    reply = response.json()["Response"]
    assert uuid.UUID(reply["RequestId"])
    assert len(reply["Templates"]) == 2


def test_error_envelope_on_the_wire(live: LiveEmulator) -> None:
    code, message = error_of(_signed_post(live, "CreateRecordTask", {"StreamName": "s"}))
    assert code == "MissingParameter" and "`DomainName`" in message


def test_unknown_action(live: LiveEmulator) -> None:
    code, message = error_of(_signed_post(live, "CreateLiveRecord"))
    assert code == "InvalidAction" and "CreateLiveRecord" in message


@pytest.mark.parametrize(("version", "code"), [("2019-01-01", "NoSuchVersion"),
                                               ("", "MissingParameter")])
def test_version(live: LiveEmulator, version: str, code: str) -> None:
    assert error_of(_signed_post(live, "DescribeLiveRecordTemplates", version=version))[0] == code


def test_region_is_required_for_record_tasks(live: LiveEmulator) -> None:
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live, region="").CreateRecordTask(create_request())
    assert caught.value.get_code() == "MissingParameter"
    assert "`Region`" in caught.value.get_message()


def test_unsupported_region(live: LiveEmulator) -> None:
    with pytest.raises(TencentCloudSDKException) as caught:
        sync_client(live, region="ap-shanghai").DescribeRecordTask(
            models.DescribeRecordTaskRequest())
    assert caught.value.get_code() == "UnsupportedRegion"


@pytest.mark.parametrize("region", sorted(SUPPORTED_REGIONS))
def test_supported_regions(live: LiveEmulator, region: str) -> None:
    assert sync_client(live, region=region).CreateRecordTask(create_request()).TaskId


def test_unknown_parameter(live: LiveEmulator) -> None:
    code, message = error_of(_signed_post(live, "DescribeLiveRecordTemplates", {"PageSize": 5}))
    assert code == "UnknownParameter" and "`PageSize`" in message


@pytest.mark.parametrize(("body", "reason"), [(b"{not json", "not valid JSON"),
                                              (b"[1, 2]", "JSON object")])
def test_unusable_body(live: LiveEmulator, body: bytes, reason: str) -> None:
    code, message = error_of(_signed_post(live, "DescribeLiveRecordTemplates", body=body))
    assert code == "InvalidParameter" and reason in message


def test_empty_post_body_means_no_parameters(live: LiveEmulator) -> None:
    assert "Templates" in _signed_post(live, "DescribeLiveRecordTemplates", body=b"").json()[
        "Response"]


def test_missing_timestamp(live: LiveEmulator) -> None:
    headers = sign_request(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                           action="DescribeLiveRecordTemplates", host=live.endpoint,
                           timestamp=now(), body=b"{}")
    del headers["X-TC-Timestamp"]
    assert error_of(raw_post(live, headers, b"{}"))[0] == "MissingParameter"


def test_other_methods_get_unsupported_protocol(live: LiveEmulator) -> None:
    with httpx.Client(trust_env=False) as http:
        response = http.put(live.url + "/", content=b"{}")
    assert error_of(response)[0] == "UnsupportedProtocol"


def test_refused_requests_are_logged_with_what_they_carried(live: LiveEmulator) -> None:
    _signed_post(live, "CreateRecordTask", {"StreamName": "s"})
    [logged] = live.requests
    assert logged.verified and logged.outcome == "MissingParameter"
    assert logged.params == {"StreamName": "s"}
    assert live.calls("CreateRecordTask") == [{"StreamName": "s"}]


def test_reset_forgets_tasks_faults_and_requests(live: LiveEmulator) -> None:
    sync_client(live).CreateRecordTask(create_request())
    live.fail_stream("x", "InternalError", "boom")
    live.reset()
    assert (live.tasks, live.faults, live.requests) == ([], [], [])


def test_the_app_can_be_mounted_elsewhere(clock: ShiftableClock) -> None:
    emulator = LiveEmulator(clock=clock)
    app = emulator.make_app()
    assert app[EMULATOR_APP_KEY] is emulator
    with BackgroundServer(app) as server:
        headers = sign_request(secret_id=DEFAULT_SECRET_ID, secret_key=DEFAULT_SECRET_KEY,
                               action="DescribeLiveRecordTemplates",
                               host=f"127.0.0.1:{server.port}", timestamp=now(), body=b"{}")
        with httpx.Client(trust_env=False) as http:
            response = http.post(server.base_url + "/", headers=headers, content=b"{}")
    assert "Templates" in response.json()["Response"]
    assert emulator.requests[0].verified


def test_properties_need_a_running_server() -> None:
    emulator = LiveEmulator()
    with pytest.raises(RuntimeError):
        _ = emulator.endpoint
    with emulator:
        assert emulator.url == f"http://127.0.0.1:{emulator.port}"
        assert isinstance(emulator.make_app(), web.Application)


_REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cli_port() -> Iterator[int]:
    """``python -m bot.sandbox.live`` running on a free port, ended by its own pid."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.sandbox.live", "--port", str(port),
         "--secret-id", "AKIDcli", "--secret-key", "cli-key"],
        cwd=_REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert process.poll() is None, "the emulator process exited early"
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_command_line_entry_point(cli_port: int) -> None:
    client = live_client.LiveClient(
        Credential("AKIDcli", "cli-key"), "ap-guangzhou",
        ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=f"127.0.0.1:{cli_port}"),
                      language="en-US"))
    assert client.CreateRecordTask(create_request()).TaskId


def test_request_log_can_be_bounded(clock: ShiftableClock) -> None:
    with LiveEmulator(clock=clock, max_logged=2) as live:
        client = sync_client(live)
        for _ in range(3):
            client.CreateRecordTask(create_request())
        assert len(live.requests) == 2
        assert len(live.wait_for_requests(3)) == 2  # counts every answer, keeps the last two
        with pytest.raises(TimeoutError):
            live.wait_for_requests(4, timeout=0.05)


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LiveEmulator(page_size=0)
