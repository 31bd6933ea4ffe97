"""Tencent's callback protocol (sign, payloads, dedupe keys), the units people read, and the
Block Kit of the notices."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.recording.events import (
    FileReady,
    NotLiveYet,
    RecordFile,
    RecordingTrouble,
    RecordStatus,
    StreamChange,
    StreamLive,
    StreamStopped,
)
from bot.recording.model import Recording
from bot.slack.blocks.notices import notice_message
from bot.slack.blocks.text import link
from bot.slack.i18n import EN
from bot.tencent.callbacks import (
    CallbackRejected,
    expected_sign,
    parse_event,
    read_body,
    verify_sign,
)
from tests.support.recordings import make_recording

KEY = "callback-key"
NOW = 1_703_731_478

# The reference notes' examples (§4.3–4.5), with valid JSON.
PUSH = {"app": "test.domain.com", "appid": 12345678, "appname": "live",
        "channel_id": "test_stream", "errcode": 0, "errmsg": "ok", "event_time": 1703731478,
        "event_type": 1, "height": 0, "idc_id": 34, "node": "42.81.194.37",
        "sequence": "2210464508206756938", "set_id": 2, "sign": "df49f5d4",
        "stream_id": "test_stream", "stream_param": "stream_param=test", "t": 1703732078,
        "user_ip": "1.1.1.1", "width": 0}
FILE = {"event_type": 100, "appid": 12345678, "app": "yourapp", "appname": "yourappname",
        "stream_id": "stream_test", "channel_id": "stream_test", "file_id": "1234567890",
        "file_format": "hls", "task_id": "UpTbk5RSVhRQW9EUb", "start_time": 1545047010,
        "end_time": 1545049971, "duration": 2962, "file_size": 277941079,
        "stream_param": "stream_param=test",
        "video_url": "http://12345678.vod2.myqcloud.com/xxxx/yyyy/zzzz.m3u8",
        "sign": "ca3e25e5dc17a6f9909a9ae7281e300d", "t": 1545030873}
STATUS = {"appid": 12345678, "appname": "live", "domain": "test.domain.com",
          "stream_id": "test_stream", "event_time": 1703731478, "event_type": 332, "seq": "7",
          "session_id": "UpTbk5RSVhRQW9EUb", "record_event": "record_start_failed",
          "record_detail": {"file_format": 2, "start_model": 5}}


def signed(payload: dict[str, Any], t: int = NOW + 600, key: str = KEY) -> dict[str, Any]:
    return {**payload, "t": t, "sign": hashlib.md5(f"{key}{t}".encode()).hexdigest()}


# ---- the sign -------------------------------------------------------------------------------


def test_sign_is_md5_of_key_and_t_in_decimal():
    assert expected_sign("k", 1545030873) == hashlib.md5(b"k1545030873").hexdigest()


def test_a_valid_sign_and_future_t_pass():
    assert verify_sign(KEY, signed(PUSH), NOW) == NOW + 600
    as_text = {**signed(PUSH), "t": str(NOW + 600)}
    assert verify_sign(KEY, as_text, NOW) == NOW + 600
    upper = {**signed(PUSH), "sign": signed(PUSH)["sign"].upper()}
    assert verify_sign(KEY, upper, NOW) == NOW + 600


@pytest.mark.parametrize(("payload", "reason"), [
    (signed(PUSH, key="other"), "bad sign"),
    (signed(PUSH, t=NOW - 1), "expired"),
    ({**PUSH, "sign": None}, "no t or sign"),
    ({k: v for k, v in signed(PUSH).items() if k != "t"}, "no t or sign"),
    ({**signed(PUSH), "t": True}, "no t or sign"),
    ({**signed(PUSH), "t": "12ab"}, "not a Unix time"),
    ({**signed(PUSH), "sign": "ünïcode"}, "bad sign"),
])
def test_bad_or_expired_signs_are_401_without_the_key(payload, reason):
    with pytest.raises(CallbackRejected) as caught:
        verify_sign(KEY, payload, NOW)
    assert caught.value.status == 401 and reason in caught.value.reason
    assert KEY not in caught.value.reason and str(payload.get("sign")) not in caught.value.reason


@pytest.mark.parametrize("body", [b"{nope", b"[1, 2]", b'"text"', b"\xff\xfe", b"x" * 70_000])
def test_bodies_that_are_not_a_json_object_are_400(body):
    with pytest.raises(CallbackRejected) as caught:
        read_body(body)
    assert caught.value.status == 400


# ---- the payloads ---------------------------------------------------------------------------


def test_a_push_event_as_in_the_reference():
    event = parse_event(PUSH)
    assert (event.event_type, event.stream, event.domain, event.app) == (
        1, "test_stream", "test.domain.com", "live")
    assert event.event_time == datetime.fromtimestamp(1703731478, UTC)
    assert event.detail == StreamChange("2210464508206756938", None, 0, "ok")
    assert event.dedupe_key == "1:2210464508206756938"


def test_a_break_shares_the_push_sequence_but_not_its_key():
    brk = parse_event({**PUSH, "event_type": 0, "push_duration": "3723000", "errcode": 1,
                       "errmsg": "recv rtmp deleteStream"})
    assert brk.detail == StreamChange("2210464508206756938", 3_723_000, 1,
                                      "recv rtmp deleteStream")
    assert brk.dedupe_key == "0:2210464508206756938" != parse_event(PUSH).dedupe_key


def test_a_file_event_as_in_the_reference():
    event = parse_event(FILE)
    assert event.task_id == "UpTbk5RSVhRQW9EUb" and event.stream == "stream_test"
    assert event.detail == RecordFile(
        "1234567890", "hls", FILE["video_url"], datetime.fromtimestamp(1545047010, UTC),
        datetime.fromtimestamp(1545049971, UTC), 2962, 277941079)
    assert event.dedupe_key == "100:UpTbk5RSVhRQW9EUb:1234567890"


def test_file_keys_fall_back_to_record_file_id_then_the_url():
    no_file_id = {k: v for k, v in FILE.items() if k != "file_id"}
    assert parse_event({**no_file_id, "record_file_id": "r9"}).dedupe_key == \
        "100:UpTbk5RSVhRQW9EUb:r9"
    assert parse_event(no_file_id).dedupe_key == f"100:UpTbk5RSVhRQW9EUb:{FILE['video_url']}"
    long_url = {**no_file_id, "video_url": "https://vod.example.com/" + "a" * 400}
    key = parse_event(long_url).dedupe_key
    assert key.startswith("100:md5:") and len(key) < 255


def test_a_status_event_is_keyed_on_session_seq_and_record_event():
    event = parse_event(STATUS)
    assert event.detail == RecordStatus("record_start_failed", "UpTbk5RSVhRQW9EUb", "7")
    assert event.task_id == "UpTbk5RSVhRQW9EUb" and event.domain == "test.domain.com"
    assert event.dedupe_key == "332:UpTbk5RSVhRQW9EUb:7:record_start_failed"


def test_other_event_types_are_kept_with_a_payload_key_that_ignores_t_and_sign():
    snapshot = {"event_type": 200, "stream_id": "s", "pic_url": "/a.jpg"}
    first = parse_event(signed(snapshot, t=NOW + 600))
    again = parse_event(signed(snapshot, t=NOW + 660))
    assert first.detail is None and first.dedupe_key == again.dedupe_key
    assert first.dedupe_key.startswith("200:md5:")
    assert parse_event({**snapshot, "pic_url": "/b.jpg"}).dedupe_key != first.dedupe_key


@pytest.mark.parametrize(("payload", "field"), [
    ({**PUSH, "stream_id": None, "channel_id": None}, "stream_id"),
    ({**PUSH, "app": ""}, "app"),
    ({k: v for k, v in FILE.items() if k != "video_url"}, "video_url"),
    ({k: v for k, v in STATUS.items() if k != "record_event"}, "record_event"),
    ({**FILE, "event_type": None}, "event_type"),
    ({**FILE, "event_type": "100x"}, "event_type"),
    ({**FILE, "file_size": "big"}, "file_size"),
    ({**FILE, "duration": -3}, "duration"),
    ({**FILE, "task_id": {"a": 1}}, "task_id"),
    ({**PUSH, "stream_id": "s" * 300}, "stream_id"),
    ({**PUSH, "event_time": 10**12}, "event_time"),
])
def test_missing_or_wrong_fields_are_400_naming_the_field(payload, field):
    with pytest.raises(CallbackRejected) as caught:
        parse_event(payload)
    assert caught.value.status == 400 and field in caught.value.reason


def test_numbers_may_arrive_as_strings_and_ids_as_numbers():
    event = parse_event({**FILE, "duration": "2962", "file_size": "277941079",
                         "task_id": 987654, "event_type": "100"})
    assert event.task_id == "987654"
    assert isinstance(event.detail, RecordFile) and event.detail.duration_s == 2962


# ---- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (42, "42 s"), (60, "1 min"), (61, "1 min 01 s"), (2962, "49 min 22 s"),
    (3723, "1 h 02 min"), (7200, "2 h 00 min"), (93600, "26 h 00 min"),
])
def test_human_duration(seconds, text):
    assert EN.elapsed(seconds) == text


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 B"), (1023, "1023 B"), (1536, "1.50 KiB"), (277941079, "265 MiB"),
    (15 * 1024**2, "15.0 MiB"), (3 * 1024**3, "3.00 GiB"),
])
def test_human_size_in_binary_units(size, text):
    assert EN.size(size) == text


# ---- Block Kit ------------------------------------------------------------------------------


def recording(**fields: Any) -> Recording:
    return make_recording(**fields)


def test_the_file_message_has_link_format_duration_size_and_date_tokens():
    detail = parse_event(FILE).detail
    assert isinstance(detail, RecordFile)
    msg = notice_message(recording(), FileReady(detail))
    text = json.dumps(msg["blocks"])
    assert f"<{FILE['video_url']}|" in text
    assert "HLS" in text and "49 min 22 s" in text and "265 MiB" in text
    assert "<!date^1545047010^" in text and "<!date^1545049971^" in text
    # The fallback of a date token is in the recording's zone (UTC+8 here).
    assert "Mon 17 Dec 2018 19:43 Asia/Shanghai" in text
    assert "Recording file ready" in msg["text"] and len(msg["blocks"]) <= 50


def test_links_are_escaped_and_only_http_links():
    assert link("https://v.example.com/a?x=1&y=<2>|z") == (
        "<https://v.example.com/a?x=1&amp;y=%3C2%3E%7Cz|"
        "https://v.example.com/a?x=1&amp;y=&lt;2&gt;¦z>")
    assert link("javascript:alert(1)") == "`javascript:alert(1)`"
    assert link("https://evil.example.com/<!channel>").count("<!channel>") == 0


def shown(rec: Recording, notice: Any) -> str:
    return json.dumps(notice_message(rec, notice)["blocks"], ensure_ascii=False)


def test_push_break_trouble_and_not_live_messages():
    rec = recording()
    assert "The stream is live — recording until <!date^" in shown(rec, StreamLive(None))
    stopped = shown(rec, StreamStopped(None, 3_723_000, 1, "recv rtmp <!here>"))
    assert "stopped after 1 h 02 min" in stopped
    assert "recording resumes if it comes back before <!date^" in stopped
    assert "<!here>" not in stopped and "errcode 1" in stopped
    failed = shown(rec, RecordingTrouble("record_start_failed"))
    assert "could not start recording" in failed and "Nothing is being recorded" in failed
    assert "recording error" in shown(rec, RecordingTrouble("record_error"))
    quiet = shown(rec, NotLiveYet(rec.start_time))
    assert "not live yet" in quiet and "`livetest`" in quiet
