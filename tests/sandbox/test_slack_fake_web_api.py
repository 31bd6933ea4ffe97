"""The Slack fake as the real slack_sdk clients see it, over real HTTP."""

import json
import threading

import pytest
from aiohttp import web
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.sandbox import SlackFake
from bot.sandbox.server import BackgroundServer

MODAL = {
    "type": "modal",
    "callback_id": "record",
    "title": {"type": "plain_text", "text": "Record a stream"},
    "submit": {"type": "plain_text", "text": "Schedule"},
    "private_metadata": '{"channel_id": "C0REC"}',
    "blocks": [
        {
            "type": "input",
            "block_id": "when",
            "label": {"type": "plain_text", "text": "When"},
            "element": {"type": "plain_text_input", "action_id": "when"},
        }
    ],
}


def sync_client(fake: SlackFake, token: str | None = None) -> WebClient:
    return WebClient(token=token or fake.bot_token, base_url=fake.api_url)


def async_client(fake: SlackFake, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token or fake.bot_token, base_url=fake.api_url)


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


async def async_error_of(awaitable) -> str:
    with pytest.raises(SlackApiError) as raised:
        await awaitable
    return raised.value.response["error"]


async def test_root_message_and_threaded_replies_read_back(fake: SlackFake) -> None:
    client = async_client(fake)
    root = await client.chat_postMessage(channel="C0REC", text="Recording livetest")
    first = await client.chat_postMessage(channel="C0REC", text="TaskId 1", thread_ts=root["ts"])
    second = await client.chat_postMessage(channel="C0REC", text="done", thread_ts=root["ts"])

    assert root["channel"] == "C0REC"
    assert root["ts"] < first["ts"] < second["ts"]
    [stored_root] = fake.messages("C0REC")
    assert stored_root["text"] == "Recording livetest"
    assert stored_root["reply_count"] == 2
    assert [m["text"] for m in fake.thread("C0REC", root["ts"])] == ["TaskId 1", "done"]
    assert fake.messages("C0OTHER") == []


async def test_auth_test_reports_the_bot(fake: SlackFake) -> None:
    identity = await async_client(fake).auth_test()
    assert (identity["user_id"], identity["team_id"]) == (fake.bot_user_id, fake.team_id)


def test_chat_update_rewrites_the_stored_message(fake: SlackFake) -> None:
    client = sync_client(fake)
    posted = client.chat_postMessage(channel="C0REC", text="scheduling…")
    client.chat_update(channel="C0REC", ts=posted["ts"], text="scheduled: TaskId 7")

    assert fake.message("C0REC", posted["ts"])["text"] == "scheduled: TaskId 7"
    assert error_of(lambda: client.chat_update(channel="C0REC", ts="1.2", text="x")) == (
        "message_not_found"
    )


def test_views_open_returns_an_id_and_hash_and_update_checks_the_hash(fake: SlackFake) -> None:
    client = sync_client(fake)
    opened = client.views_open(trigger_id="1.2.abc", view=MODAL)["view"]
    assert opened["id"] and opened["hash"]
    assert opened["callback_id"] == "record"
    assert opened["state"] == {"values": {}}

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]

    def update_with_stale_hash() -> None:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)

    assert error_of(update_with_stale_hash) == "hash_conflict"
    assert [v["id"] for v in fake.views()] == [opened["id"]]


def test_views_open_refuses_expired_triggers_and_invalid_views(fake: SlackFake) -> None:
    client = sync_client(fake)
    fake.expire_trigger("old.trigger")
    assert error_of(lambda: client.views_open(trigger_id="old.trigger", view=MODAL)) == (
        "expired_trigger_id"
    )
    too_long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    assert error_of(lambda: client.views_open(trigger_id="t", view=too_long_title)) == (
        "invalid_arguments"
    )
    assert fake.views() == []


async def test_users_info_reports_configured_timezones(fake: SlackFake) -> None:
    client = async_client(fake)
    alice = (await client.users_info(user="U0ALICE"))["user"]
    bob = (await client.users_info(user="U0BOB"))["user"]

    assert (alice["tz"], alice["tz_offset"], alice["real_name"]) == (
        "Asia/Shanghai",
        28800,
        "Alice Li",
    )
    assert (bob["tz_label"], bob["tz_offset"]) == ("Eastern Standard Time", -18000)
    assert await async_error_of(client.users_info(user="U0NOBODY")) == "user_not_found"


async def test_users_info_reports_the_locale_only_when_asked(fake: SlackFake) -> None:
    client = async_client(fake)
    alice = (await client.users_info(user="U0ALICE", include_locale=True))["user"]
    bob = (await client.users_info(user="U0BOB", include_locale=True))["user"]
    assert (alice["locale"], alice["tz"]) == ("zh-CN", "Asia/Shanghai")
    assert bob["locale"] == "en-US"  # Slack's answer for a member who never chose a language
    assert "locale" not in (await client.users_info(user="U0ALICE"))["user"]


async def test_usergroup_members(fake: SlackFake) -> None:
    client = async_client(fake)
    assert (await client.usergroups_users_list(usergroup="S0OPS"))["users"] == ["U0ALICE"]
    assert await async_error_of(client.usergroups_users_list(usergroup="S0X")) == "no_such_subteam"


async def test_channels_without_the_bot_or_that_do_not_exist(fake: SlackFake) -> None:
    fake.add_channel("G0PRIVATE", is_private=True, bot_is_member=False)
    fake.remove_channel("C0GONE")
    client = async_client(fake)

    assert await async_error_of(client.chat_postMessage(channel="G0PRIVATE", text="x")) == (
        "not_in_channel"
    )
    assert await async_error_of(client.chat_postMessage(channel="C0GONE", text="x")) == (
        "channel_not_found"
    )
    info = (await client.conversations_info(channel="G0PRIVATE"))["channel"]
    assert (info["is_private"], info["is_member"]) == (True, False)
    assert fake.messages("G0PRIVATE") == []


async def test_bad_tokens_are_refused(fake: SlackFake) -> None:
    assert await async_error_of(async_client(fake, "xoxb-wrong").auth_test()) == "invalid_auth"
    anonymous = AsyncWebClient(base_url=fake.api_url)
    assert await async_error_of(anonymous.auth_test()) == "not_authed"
    app_token_post = async_client(fake, fake.app_token).chat_postMessage(channel="C", text="x")
    assert await async_error_of(app_token_post) == "not_allowed_token_type"
    assert fake.messages("C") == []


def test_form_bodies_and_query_strings_are_understood(fake: SlackFake) -> None:
    client = sync_client(fake)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    client.api_call("chat.postMessage", data={"channel": "C0REC", "blocks": json.dumps(blocks)})
    client.api_call("users.info", http_verb="GET", params={"user": "U0ALICE"})

    form_post = fake.calls("chat.postMessage")[0]
    assert form_post.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form_post.params["blocks"] == blocks
    assert fake.calls("users.info")[0].params == {"user": "U0ALICE"}
    assert fake.calls("users.info")[0].token == fake.bot_token


async def test_response_url_posts_are_recorded(fake: SlackFake) -> None:
    url = fake.response_url("cmd-1")
    async_reply = await AsyncWebhookClient(url).send(
        text="Usage: /record …", response_type="ephemeral"
    )
    WebhookClient(url).send(text="second")

    assert async_reply.status_code == 200
    assert fake.wait_for_response("cmd-1")["text"] == "Usage: /record …"
    assert [r["text"] for r in fake.responses("cmd-1")] == ["Usage: /record …", "second"]
    assert fake.responses("other") == []


async def test_an_injected_failure_fires_n_times_then_clears(fake: SlackFake) -> None:
    plan = fake.fail("chat.postMessage", status=500, times=2)
    client = async_client(fake)

    for _ in range(2):
        assert await async_error_of(client.chat_postMessage(channel="C", text="x")) == (
            "internal_error"
        )
    assert (await client.chat_postMessage(channel="C", text="x"))["ok"]
    assert plan.used == 2 and plan.exhausted
    assert [c.status for c in fake.calls("chat.postMessage")] == [500, 500, 200]


async def test_rate_limits_carry_retry_after_for_sdk_retry_handlers(fake: SlackFake) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=0)
    client = async_client(fake)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))

    assert (await client.chat_postMessage(channel="C", text="x"))["ok"]
    limited, succeeded = fake.calls("chat.postMessage")
    assert (limited.status, limited.error, succeeded.status) == (429, "ratelimited", 200)
    assert len(fake.messages("C")) == 1


def test_method_errors_with_status_200_like_slack(fake: SlackFake) -> None:
    fake.fail("views.open", "trigger_exchanged", times=None)
    client = sync_client(fake)
    for _ in range(3):
        assert error_of(lambda: client.views_open(trigger_id="t", view=MODAL)) == (
            "trigger_exchanged"
        )
    fake.clear_failures()
    assert client.views_open(trigger_id="t", view=MODAL)["ok"]


def test_ephemeral_messages_are_kept_apart(fake: SlackFake) -> None:
    sync_client(fake).chat_postEphemeral(channel="C0REC", user="U0ALICE", text="only you")
    assert [m["text"] for m in fake.ephemerals("C0REC", user="U0ALICE")] == ["only you"]
    assert fake.messages("C0REC") == []


def test_wait_for_sees_calls_made_later_from_another_thread(fake: SlackFake) -> None:
    client = sync_client(fake)
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C", text="late"))
    timer.start()
    call = fake.wait_for("chat.postMessage", lambda c: c.params.get("text") == "late", timeout=5)
    timer.join()
    assert call.params["channel"] == "C"
    assert call.received_at > 0


def test_wait_for_timeout_lists_the_calls_seen(fake: SlackFake) -> None:
    sync_client(fake).chat_postMessage(channel="C0REC", text="something else")
    with pytest.raises(AssertionError, match="something else"):
        fake.wait_for("chat.postMessage", lambda c: c.params["text"] == "expected", timeout=0.2)


def test_reset_forgets_history_but_keeps_configuration(fake: SlackFake) -> None:
    client = sync_client(fake)
    first_ts = client.chat_postMessage(channel="C0REC", text="x")["ts"]
    fake.reset()
    assert fake.calls() == [] and fake.messages("C0REC") == []
    assert client.users_info(user="U0ALICE")["user"]["tz"] == "Asia/Shanghai"
    # A ts is never handed out twice, so late replies cannot land in a new thread.
    assert float(client.chat_postMessage(channel="C0REC", text="y")["ts"]) > float(first_ts)


def test_unmodelled_methods_are_recorded_and_answered_ok(fake: SlackFake) -> None:
    assert sync_client(fake).reactions_add(channel="C", timestamp="1.2", name="tada")["ok"]
    assert fake.calls("reactions.add")[0].params["name"] == "tada"


def test_conversation_history_and_replies_read_what_was_posted(fake: SlackFake) -> None:
    client = sync_client(fake)
    root = client.chat_postMessage(channel="C0REC", text="root")
    client.chat_postMessage(channel="C0REC", text="reply", thread_ts=root["ts"])
    client.chat_postMessage(channel="C0REC", text="later root")

    history = client.conversations_history(channel="C0REC")["messages"]
    assert [m["text"] for m in history] == ["later root", "root"]
    replies = client.conversations_replies(channel="C0REC", ts=root["ts"])["messages"]
    assert [m["text"] for m in replies] == ["root", "reply"]


def test_the_fake_can_be_mounted_under_a_prefix_in_another_server() -> None:
    fake = SlackFake()
    outer = web.Application()
    outer.add_subapp("/slack", fake.create_app())
    with BackgroundServer(outer) as server:
        fake.set_base_url(f"{server.base_url}/slack")
        client = sync_client(fake)

        assert client.auth_test()["user_id"] == fake.bot_user_id
        url = client.apps_connections_open(app_token=fake.app_token)["url"]
        assert url.startswith(f"ws://127.0.0.1:{server.port}/slack/socket-mode/link?ticket=")
        WebhookClient(fake.response_url("k")).send(text="mounted")
        assert fake.responses("k") == [{"text": "mounted"}]


def test_a_token_in_the_body_is_accepted_and_recorded(fake: SlackFake) -> None:
    anonymous = WebClient(base_url=fake.api_url)
    assert anonymous.api_call("auth.test", data={"token": fake.bot_token})["ok"]
    [call] = fake.calls("auth.test")
    assert call.token == fake.bot_token
    assert "token" not in call.params
