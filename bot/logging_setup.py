"""Logging that never shows a secret.

A filter on every handler masks the configured secret values, anything shaped like a Slack
token, and Slack response_url/webhook URLs (which let anyone post for 30 minutes), in the
message and in the exception text, before any formatter sees them: the text lines and the
JSON lines (``LOG_FORMAT=json``) are built from what is already masked. Bolt's and
slack_sdk's own loggers stay at WARNING: at INFO Bolt logs whole request bodies when a
signature check fails.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

MASK = "***"
_PATTERNS = [
    re.compile(r"xox[abposr]-[0-9A-Za-z-]+"),
    re.compile(r"xapp-[0-9A-Za-z-]+"),
    re.compile(r"https?://hooks\.slack\.com/\S+"),
    re.compile(r"(response_url[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"),
]


class SecretMasker(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        # The exception's text, masked, replaces the exception: every formatter prints
        # exc_text as it is, and none can format the traceback again unmasked.
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


#: ``LOG_FORMAT`` values.
LOG_FORMATS: Final = ("text", "json")

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601 with milliseconds), ``level``,
    ``logger``, ``message``, and ``exception`` (the traceback's text) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for a ``LOG_FORMAT`` value (``text`` or ``json``)."""
    if fmt not in LOG_FORMATS:
        raise ValueError(f"unknown log format {fmt!r}")
    return JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT)


def use_log_format(fmt: str) -> None:
    """Give the handlers ``configure_logging`` installed the formatter of ``fmt``."""
    chosen = formatter(fmt)
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, SecretMasker) for f in handler.filters):
            handler.setFormatter(chosen)


def configure_logging(level: str, secrets: Iterable[str],
                      path: Path | None = None, fmt: str = "text") -> SecretMasker:
    """Log at ``level`` to stderr, or to the file ``path`` (the shell keeps its conversation
    on the terminal free of log lines), as text lines or JSON lines (``fmt``)."""
    masker = SecretMasker(secrets)
    handler: logging.Handler = (logging.StreamHandler(sys.stderr) if path is None
                                else logging.FileHandler(path, encoding="utf-8"))
    handler.setFormatter(formatter(fmt))
    handler.addFilter(masker)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet = "DEBUG" if level == "DEBUG" else "WARNING"
    for name in ("slack_bolt", "slack_sdk", "tencentcloud_sdk_common", "httpx",
                 "uvicorn.access"):
        logging.getLogger(name).setLevel(quiet)
    # The database drivers log every statement's parameters at DEBUG: what the bot stores,
    # including the outbox's response_urls (30-minute credentials). Never below WARNING.
    for name in ("aiosqlite", "sqlalchemy", "psycopg"):
        logging.getLogger(name).setLevel("WARNING")
    # The webhook client logs each response_url it posts to (a 30-minute credential) even
    # when DEBUG is wanted elsewhere, so it never goes below WARNING.
    logging.getLogger("slack_sdk.webhook").setLevel("WARNING")
    return masker
