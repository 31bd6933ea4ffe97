"""A real Bolt AsyncApp connects to the fake over Socket Mode and answers its envelopes."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackFake
from tests.support.slack import plain_text_value, slash_command_payload, view_submission_payload


def build_app(fake: SlackFake) -> AsyncApp:
    """A small app: the Socket Mode handler reuses ``app.client``, so that must point at the fake
    (it is what calls ``apps.connections.open``, with the xapp- token)."""
    app = AsyncApp(client=AsyncWebClient(token=fake.bot_token, base_url=fake.api_url))

    @app.command("/record")
    async def record(ack: AsyncAck, command: dict) -> None:
        await ack(f"hi {command['user_id']}")

    @app.view("record")
    async def submitted(ack: AsyncAck, view: dict) -> None:
        when = view["state"]["values"]["when"]["when"]["value"]
        if when == "yesterday":
            await ack(response_action="errors", errors={"when": "That is in the past"})
        else:
            await ack()

    return app


async def eventually(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.fixture
async def connected(fake: SlackFake) -> AsyncIterator[AsyncSocketModeHandler]:
    handler = AsyncSocketModeHandler(build_app(fake), fake.app_token)
    await handler.connect_async()
    await fake.socket_mode.wait_connected_async(timeout=5)
    yield handler
    await handler.close_async()


async def test_slash_command_ack_text_reaches_the_fake(
    fake: SlackFake, connected: AsyncSocketModeHandler
) -> None:
    ack = await fake.socket_mode.send_async(
        "slash_commands", slash_command_payload("livetest 8pm", user_id="U0ALICE"), timeout=5
    )

    assert ack == {"text": "hi U0ALICE"}
    [opened] = fake.calls("apps.connections.open")
    assert opened.token == fake.app_token
    assert fake.socket_mode.acks[-1]["payload"] == ack


async def test_view_submission_errors_come_back_in_the_ack(
    fake: SlackFake, connected: AsyncSocketModeHandler
) -> None:
    def submission(when: str) -> dict:
        values = {"when": {"when": plain_text_value(when)}}
        return view_submission_payload(values, callback_id="record", user_id="U0ALICE")

    rejected = await fake.socket_mode.send_async("interactive", submission("yesterday"))
    accepted = await fake.socket_mode.send_async("interactive", submission("tomorrow 8pm"))

    assert rejected == {"response_action": "errors", "errors": {"when": "That is in the past"}}
    assert accepted == {}


async def test_apps_reconnect_when_asked_to(
    fake: SlackFake, connected: AsyncSocketModeHandler
) -> None:
    await fake.socket_mode.send_async("slash_commands", slash_command_payload("before"))
    fake.socket_mode.disconnect("refresh_requested")
    await eventually(lambda: fake.socket_mode.accepted_count == 2)
    await eventually(lambda: fake.socket_mode.connection_count == 1)

    ack = await fake.socket_mode.send_async("slash_commands", slash_command_payload("after"))
    assert ack == {"text": "hi U0TESTUSER"}


def test_sending_without_a_connected_app_fails_clearly(fake: SlackFake) -> None:
    with pytest.raises(AssertionError, match="no Socket Mode client"):
        fake.socket_mode.send("slash_commands", {"text": "x"}, timeout=0.5)
    with pytest.raises(AssertionError, match="0 Socket Mode connection"):
        fake.socket_mode.wait_connected(timeout=0.1)


async def test_websocket_requires_a_ticket_from_apps_connections_open(fake: SlackFake) -> None:
    url = fake.base_url.replace("http", "ws") + "/socket-mode/link?ticket=forged"
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(url)
    assert refused.value.status == 401


async def test_raw_client_gets_hello_then_envelopes(fake: SlackFake) -> None:
    """The wire format, without the SDK: what slack_sdk's client relies on."""
    opened = await AsyncWebClient(
        token=fake.app_token, base_url=fake.api_url
    ).apps_connections_open(app_token=fake.app_token)
    async with aiohttp.ClientSession() as session, session.ws_connect(opened["url"]) as socket:
        hello = await socket.receive_json(timeout=5)
        assert hello["type"] == "hello"
        assert hello["connection_info"]["app_id"] == fake.workspace.app_id

        delivery = fake.socket_mode.send_async("events_api", {"event": {"type": "app_mention"}})
        sending = asyncio.ensure_future(delivery)
        envelope = await socket.receive_json(timeout=5)
        assert envelope["type"] == "events_api"
        assert envelope["accepts_response_payload"] is False
        await socket.send_json({"envelope_id": envelope["envelope_id"]})
        assert await sending == {}


def test_blocking_send_to_an_app_running_on_another_thread(fake: SlackFake) -> None:
    """How the console and sync tests use it: the bot has its own loop, the caller blocks."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def connect() -> AsyncSocketModeHandler:
        handler = AsyncSocketModeHandler(build_app(fake), fake.app_token)
        await handler.connect_async()
        return handler

    handler = asyncio.run_coroutine_threadsafe(connect(), loop).result(5)
    try:
        fake.socket_mode.wait_connected(timeout=5)
        ack = fake.socket_mode.send("slash_commands", slash_command_payload("x"), timeout=5)
        assert ack == {"text": "hi U0TESTUSER"}
    finally:
        asyncio.run_coroutine_threadsafe(handler.close_async(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
