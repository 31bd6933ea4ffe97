"""Run the real bot (`python -m bot`) as a subprocess on a loopback port, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BotProcess:
    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.log_path = workdir / f"bot-{self.port}.log"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "TENCENTCLOUD_", "LIVE_"))
                and k not in ("DATABASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
                              "https_proxy", "ALL_PROXY")}
        self.env = {**base, "HOST": "127.0.0.1", "PORT": str(self.port), **env}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_ready: bool = True, timeout: float = 60) -> BotProcess:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=self.workdir, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        if wait_ready:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 60) -> None:
        """Wait until GET /readyz answers 200: started, and its database answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"bot not ready after {timeout}s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """Stop without a chance to clean up, like a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()

    def stop(self) -> int | None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode if self.proc else None


def fakes_env(live, slack, db: Path, signing_secret: str, push_domains: str,
              **extra: str) -> dict[str, str]:
    """The bot's settings pointing at the Live API emulator and the Slack fake."""
    secret_id, secret_key = live.default_credentials
    return {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": slack.api_url,
        "TENCENTCLOUD_SECRET_ID": secret_id,
        "TENCENTCLOUD_SECRET_KEY": secret_key,
        "TENCENTCLOUD_LIVE_ENDPOINT": live.url,
        "LIVE_PUSH_DOMAIN": push_domains,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEFAULT_TIMEZONE": "Europe/Berlin",
        **extra,
    }
