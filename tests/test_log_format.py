"""LOG_FORMAT: text lines (the default) or one JSON object per line, both masked."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.config import ConfigError, load_settings
from bot.logging_setup import JsonFormatter, SecretMasker, configure_logging, use_log_format
from tests.test_config import GOOD

# ---- the setting ------------------------------------------------------------------------------


def test_log_format_defaults_to_text():
    assert load_settings(GOOD).log_format == "text"
    assert load_settings({**GOOD, "LOG_FORMAT": ""}).log_format == "text"


@pytest.mark.parametrize(("raw", "value"), [("json", "json"), (" JSON ", "json"),
                                            ("text", "text"), ("Text", "text")])
def test_log_format_takes_text_or_json(raw, value):
    assert load_settings({**GOOD, "LOG_FORMAT": raw}).log_format == value


@pytest.mark.parametrize("raw", ["yaml", "logfmt", "jsonl"])
def test_another_log_format_is_named_at_start(raw):
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "LOG_FORMAT": raw})
    [problem] = err.value.problems
    assert "LOG_FORMAT" in problem and "text" in problem and "json" in problem


# ---- the lines --------------------------------------------------------------------------------


def record(msg: str, *args: object, exc: bool = False, name: str = "bot.test",
           level: int = logging.INFO) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError("failed with tencent-secret-key-value")
        except RuntimeError:
            exc_info = sys.exc_info()
    rec = logging.LogRecord(name, level, __file__, 1, msg, args, exc_info)
    rec.created = 1_767_225_600.5  # 2026-01-01T00:00:00.500Z
    return rec


def json_line(rec: logging.LogRecord, masker: SecretMasker | None = None) -> dict:
    if masker is not None:
        masker.filter(rec)
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    return json.loads(line)


def test_a_json_line_has_time_level_logger_and_message():
    out = json_line(record("scheduled %s for %d h", "livetest", 2, level=logging.WARNING))
    assert out == {"time": "2026-01-01T00:00:00.500Z", "level": "WARNING",
                   "logger": "bot.test", "message": "scheduled livetest for 2 h"}
    assert datetime.fromisoformat(out["time"].replace("Z", "+00:00")).utcoffset().seconds == 0


def test_a_json_line_keeps_a_multi_line_message_and_the_exception_on_one_line():
    out = json_line(record("first\nsecond 直播", exc=True), SecretMasker())
    assert out["message"] == "first\nsecond 直播"
    assert out["exception"].startswith("Traceback") and "RuntimeError" in out["exception"]


def test_no_exception_key_without_an_exception():
    assert "exception" not in json_line(record("plain"))


def test_json_lines_are_masked_message_and_exception_alike():
    secrets = ["tencent-secret-key-value", 'sec"ret\\with-quotes', "密钥-non-ascii-value"]
    masker = SecretMasker(secrets)
    body = '{"response_url": "https://hooks.slack.com/actions/T1/2/abc", "token": "xoxb-1-2"}'
    out = json_line(record("key %s / %s / %s body %s", *secrets, body, exc=True), masker)
    line = json.dumps(out, ensure_ascii=False)
    for secret in (*secrets, json.dumps(secrets[1])[1:-1], "hooks.slack.com", "xoxb-1-2"):
        assert secret not in line
    assert "RuntimeError" in out["exception"] and "***" in out["exception"]


def test_text_lines_are_as_before():
    masker = SecretMasker(["tencent-secret-key-value"])
    rec = record("boom", exc=True)
    masker.filter(rec)
    handler_line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(rec)
    assert handler_line.startswith("INFO bot.test: boom\nTraceback")
    assert "tencent-secret-key-value" not in handler_line


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_configure_and_use_log_format_switch_the_handler(root_logging, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("INFO", ["tencent-secret-key-value"], fmt="json")
    logging.getLogger("bot.x").info("one %s", "tencent-secret-key-value")
    use_log_format("text")
    logging.getLogger("bot.x").info("two")
    first, second = stream.getvalue().splitlines()
    assert json.loads(first)["message"] == "one ***"
    assert second.endswith("INFO bot.x: two")
    with pytest.raises(ValueError):
        use_log_format("yaml")
