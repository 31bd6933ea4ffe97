"""Run `python -m bot shell` as a person would, with stdin piped in and stdout read back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROMPT = "recordbot> "
ZONE = "Asia/Shanghai"


@dataclass
class Session:
    """What the shell printed: the whole stdout, and the answer to each command typed."""

    returncode: int
    stdout: str
    stderr: str

    def answers(self) -> list[tuple[str, str]]:
        """(command, everything printed until the next prompt), in order."""
        parts = re.split(rf"^{re.escape(PROMPT)}", self.stdout, flags=re.M)
        pairs = []
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            pairs.append((command, output))
        return pairs

    def answer(self, command: str) -> str:
        found = [out for typed, out in self.answers() if typed == command]
        assert found, f"{command!r} was not typed; stdout:\n{self.stdout}"
        return found[0]


def clean_env() -> dict[str, str]:
    """The environment of a fresh machine: none of the bot's settings."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "TENCENTCLOUD_", "LIVE_"))
            and k not in ("DATABASE_URL", "DEFAULT_TIMEZONE", "HTTP_PROXY", "HTTPS_PROXY",
                          "http_proxy", "https_proxy", "ALL_PROXY")}


@pytest.fixture
def shell(tmp_path: Path):
    """Start the shell with ``args``, type ``lines``, read what it printed until it exits."""

    def run(*lines: str, args: tuple[str, ...] = ("--sandbox", "--tz", ZONE)) -> Session:
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "shell", *args],
            input="".join(line + "\n" for line in lines),
            capture_output=True, text=True, encoding="utf-8", timeout=60,
            cwd=tmp_path, env={**clean_env(), "PYTHONPATH": str(REPO)},
        )
        session = Session(proc.returncode, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
        return session

    return run
