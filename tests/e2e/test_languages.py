"""Answers in the user's language, end to end: a command in Chinese (Simplified or Traditional)
gets its root message, thread reply, refusals, Tencent's error advice, help, form and callback
notices in that language — no English left but names and codes — and the language follows
what was typed first, then the user's Slack locale."""

from __future__ import annotations

import re
import time

import pytest

from bot.slack.i18n import Lang
from tests.e2e.conftest import CHANNEL, SlackClient, bot_env
from tests.e2e.test_callbacks import cb_dir, cbot, cclient, post, signed, stream_event
from tests.support.botproc import BotProcess

__all__ = ["cb_dir", "cbot", "cclient"]  # the callback bot's fixtures, used here too


@pytest.fixture(scope="module")
def lbot(live, slack, tmp_path_factory):
    """A bot of this module's own: the recordings made here stay out of other modules' lists."""
    workdir = tmp_path_factory.mktemp("languages")
    proc = BotProcess(bot_env(live, slack, workdir / "languages.db"), workdir).start()
    yield proc
    proc.stop()


@pytest.fixture
def client(lbot, slack):
    c = SlackClient(lbot, slack)
    yield c
    c.http.close()

# What a Chinese answer may still say in Latin letters: names, codes and units.
NAMES = {"TaskId", "RequestId", "Tencent", "Slack", "HLS", "VOD", "CSS", "CAM", "MiB", "KiB",
         "GiB", "errcode", "ADMIN_USER_IDS", "ACCESS_DENY_BY_DEFAULT", "UTC", "Asia",
         "Shanghai", "Taipei", "CreateRecordTask", "DeleteRecordTask", "StopRecordTask",
         "DescribeRecordTask", "ResourceUnavailable", "InvalidVodStatus", "AppName",
         "TENCENTCLOUD_REGION", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "ID",
         # the command's syntax: /record and its option words stay as typed
         "record", "domain", "app", "template", "stream", "mixed"}
# Slack tokens and links, code spans, emoji codes, URLs and escaped characters say no words.
_MARKUP = re.compile(r"<[^>]*>|`[^`]*`|:[a-z0-9_+-]+:|https?://\S+|&[a-z]+;"
                     r"|\b[A-Za-z0-9_-]{24,}\b")  # … and ids: TaskIds, RequestIds
_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")

# Characters only one of the two scripts uses, in the words every answer here contains.
SIMPLIFIED = set("录务时间钟频这么说为吗")
TRADITIONAL = set("錄製務時間鐘頻這麼說為嗎")


def shown_text(message: dict | str) -> str:
    """What a reader sees of a message: its fallback text and every text of its blocks."""
    if isinstance(message, str):
        return message
    return message.get("text", "") + "\n" + "\n".join(_texts(message.get("blocks") or []))


def english_left(message: dict | str, *names: str) -> set[str]:
    """The Latin-letter words of a message that are not names (``names``: the stream's…),
    codes or markup."""
    return {w for w in _WORD.findall(_MARKUP.sub(" ", shown_text(message)))
            if w not in NAMES and w not in names}


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        for key, value in node.items():
            if key not in ("action_id", "block_id", "value", "type", "style", "callback_id",
                           "private_metadata", "url", "initial_value", "placeholder"):
                out += _texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def in_script(message: dict | str, lang: Lang) -> bool:
    text = shown_text(message)
    mine, other = ((SIMPLIFIED, TRADITIONAL) if lang is Lang.ZH_HANS
                   else (TRADITIONAL, SIMPLIFIED))
    return bool(set(text) & mine) and not set(text) & other


def thread(slack, ts: str, count: int = 1, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c.params for c in slack.calls("chat.postMessage")
                 if c.params.get("thread_ts") == ts]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} replies in {ts}")


def root_of(slack, stream: str, timeout: float = 10):
    return slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == CHANNEL and not c.params.get("thread_ts")
        and stream in str(c.params.get("blocks")), timeout=timeout)


CASES = [  # (user, text of the window, language)
    ("U0BEIJING", "明天晚上8点到10点", Lang.ZH_HANS),
    ("U0TAIPEI", "明天晚上8點到10點", Lang.ZH_HANT),
    ("U0SHANGHAI", "明天晚上8点到10点", Lang.ZH_HANS),  # no locale: the text decides
]


@pytest.mark.parametrize(("user", "when", "lang"), CASES, ids=lambda v: str(v))
def test_a_chinese_command_is_answered_in_chinese_root_and_thread(client, slack, user, when,
                                                                    lang):
    stream = f"zh{user[3:].lower()}"
    client.command(f"{stream} {when}", user=user)
    root = root_of(slack, stream)
    [reply] = thread(slack, root.response["ts"])
    for message in (root.params, reply):
        assert english_left(message, stream) == set(), message
        assert in_script(message, lang), message
    update = slack.wait_for("chat.update", lambda c: c.params.get("ts") == root.response["ts"])
    buttons = [b for b in update.params["blocks"] if b.get("block_id") == "manage"]
    assert buttons and english_left({"blocks": buttons}) == set()


@pytest.mark.parametrize(("user", "lang"), [("U0BEIJING", Lang.ZH_HANS),
                                             ("U0TAIPEI", Lang.ZH_HANT)], ids=str)
def test_tencent_refusal_with_its_advice_in_chinese(client, live, slack, user, lang):
    stream = f"novod{user[3:].lower()}"
    live.fail_stream(stream, "ResourceUnavailable.InvalidVodStatus", "VOD is not activated.")
    client.command(f"{stream} 明天晚上8点到10点", user=user)
    root = root_of(slack, stream)
    [reply] = thread(slack, root.response["ts"])
    assert "ResourceUnavailable.InvalidVodStatus" in shown_text(reply)
    # Tencent's own message is quoted as it came; the rest is Chinese.
    assert english_left(shown_text(reply).replace("VOD is not activated.", ""), stream) == set()
    assert in_script(reply, lang)


@pytest.mark.parametrize("text", ["明天香蕉", "livetest 明天香蕉"])
def test_refusals_and_usage_problems_in_chinese(client, slack, text):
    ack, key = client.command(text, user="U0BEIJING")
    # A usage problem is answered in the ack itself, a refused time phrase after it.
    answer = slack.wait_for_response(key) if "livetest" in text else ack.json()
    assert english_left(answer, "livetest") == set(), answer
    assert in_script(answer, Lang.ZH_HANS)


def test_help_and_the_form_in_chinese(client, slack):
    ack, _ = client.command("帮助", user="U0BEIJING")
    help_body = ack.json()
    assert english_left(help_body) == set(), help_body
    assert in_script(help_body, Lang.ZH_HANS)

    ack, key = client.command("新建", user="U0TAIPEI")
    view = slack.wait_for("views.open",
                          lambda c: c.params.get("trigger_id") == f"trigger-{key}").response["view"]
    labels = [b["label"]["text"] for b in view["blocks"]]
    assert all(english_left(label) == set() for label in labels), labels
    assert in_script(" ".join(labels) + view["title"]["text"], Lang.ZH_HANT)


def test_a_user_with_a_traditional_locale_gets_english_for_english_and_chinese_for_chinese(
        client, slack):
    client.command("twen tomorrow 8pm to 10pm", user="U0TAIPEI")
    root = root_of(slack, "twen")
    assert "Recording request" in root.params["text"]
    client.command("twzh 明天晚上8点到10点", user="U0TAIPEI")  # Simplified typed, locale zh-TW
    root = root_of(slack, "twzh")
    assert in_script(root.params, Lang.ZH_HANT)


def test_a_window_only_of_digits_follows_the_locale(client, slack):
    client.command("digits 20:00-22:00", user="U0BEIJING")
    root = root_of(slack, "digits")
    assert in_script(root.params, Lang.ZH_HANS) and english_left(root.params, "digits") == set()


def test_callback_notices_in_the_language_of_the_request(cbot, cclient, live, slack):
    cclient.command("zhpush 接下来1小时", user="U0TAIPEI")
    root = root_of(slack, "zhpush")
    ts = root.response["ts"]
    thread(slack, ts)  # the TaskId
    assert post(cbot, signed(stream_event(1, "zhpush", "2210464508206756999"))).status_code == 200
    notice = thread(slack, ts, count=2)[1]
    assert english_left(notice, "zhpush") == set(), notice
    assert in_script(notice, Lang.ZH_HANT)
