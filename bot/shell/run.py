"""Start the shell: local services, the bot, the banner, then the console until quit."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from typing import TextIO

from bot.config import ConfigError
from bot.shell.console import Console
from bot.shell.options import ShellOptions
from bot.shell.session import Session
from bot.shell.terminal import Terminal


def banner(session: Session) -> list[str]:
    settings = session.settings
    assert settings is not None
    if session.emulator is not None:
        head = (f"SANDBOX: recordings are simulated by a local Tencent Live emulator at "
                f"{session.emulator.url} — nothing reaches Slack or Tencent.")
    else:
        scheme = settings.live_scheme
        head = (f"LIVE TENCENT: requests go to {scheme}://{settings.live_endpoint} "
                f"({settings.tencent_region}) with your TENCENTCLOUD_* credentials — "
                "recordings are real. Slack is simulated here; nothing is posted to a workspace.")
    failing = [f"{f.stream} → {f.code}" for f in session.options.fail_streams]
    lines = [
        head,
        f"You are @you in #shell, time zone {session.options.tz}; push domain "
        f"{settings.default_push_domain}, app {settings.app_name}.",
    ]
    if failing:
        lines.append("The emulator fails these streams: " + ", ".join(failing) + ".")
    if not session.options.verbose:
        lines.append(f"The bot's warnings go to {session.log_path} (--verbose shows its log "
                     "here).")
    lines.append("Try `/record livetest tomorrow 8pm to 10pm` or `/record help`; `help` shows "
                 "the shell's commands, `quit` or Ctrl-D leaves.")
    return lines


async def _run(options: ShellOptions, environ: Mapping[str, str], stdin: TextIO,
               stdout: TextIO, stderr: TextIO) -> int:
    terminal = Terminal(stdin, stdout)
    session = Session.prepare(options)
    try:
        try:
            session.load_settings(environ)
        except ConfigError as e:
            print(e, file=stderr)
            print("To try the bot without any account: recordbot shell --sandbox", file=stderr)
            return 2
        terminal.say("Starting recordbot (migrating the database, loading the time parser)…")
        await session.start()
        for line in banner(session):
            terminal.say(line)
        terminal.start()
        await Console(session, terminal).run()
        return 0
    finally:
        await session.close()


def run_shell(options: ShellOptions, environ: Mapping[str, str],
              stdin: TextIO | None = None, stdout: TextIO | None = None,
              stderr: TextIO | None = None) -> int:
    """Run the shell until quit or end of input; returns the process exit code."""
    try:
        return asyncio.run(_run(options, environ, stdin or sys.stdin, stdout or sys.stdout,
                                stderr or sys.stderr))
    except KeyboardInterrupt:
        print(file=stdout or sys.stdout)  # leave the terminal on a fresh line
        return 130
