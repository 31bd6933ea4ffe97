"""Logging that never shows a secret.

A filter on every handler masks the configured secret values, anything shaped like a Slack
token, and Slack response_url/webhook URLs (which let anyone post for 30 minutes). Bolt's and
slack_sdk's own loggers stay at WARNING: at INFO Bolt logs whole request bodies when a
signature check fails.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path

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
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            masked += "\n" + self.mask(formatted)
            record.exc_info = None
            record.exc_text = None
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str, secrets: Iterable[str],
                      path: Path | None = None) -> SecretMasker:
    """Log at ``level`` to stderr, or to the file ``path`` (the shell keeps its conversation
    on the terminal free of log lines)."""
    masker = SecretMasker(secrets)
    handler: logging.Handler = (logging.StreamHandler(sys.stderr) if path is None
                                else logging.FileHandler(path, encoding="utf-8"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
