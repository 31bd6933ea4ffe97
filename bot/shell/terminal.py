"""Line input and text output for the shell, for a person at a terminal or for a pipe.

stdin is read by a daemon thread that hands lines to the event loop, so the bot keeps working
(and a late answer from Tencent still prints) while the shell waits for the next line, and
leaving never waits on a blocked read. When stdin is not a terminal each line read is echoed
after its prompt, so a piped session's output reads like the conversation it was.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TextIO


class Terminal:
    def __init__(self, stdin: TextIO, stdout: TextIO, echo: bool | None = None) -> None:
        self._in = stdin
        self._out = stdout
        self.interactive = _isatty(stdin)
        self._echo = (not self.interactive) if echo is None else echo
        self._lines: asyncio.Queue[str | None] | None = None
        self._prompt: str | None = None  # shown and waiting for an answer
        self._eof = False

    def start(self) -> None:
        """Begin reading stdin; call from the event loop that will ``read``."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._lines = lines

        def pump() -> None:
            try:
                for line in iter(self._in.readline, ""):
                    loop.call_soon_threadsafe(lines.put_nowait, line)
            except (OSError, ValueError):
                pass  # stdin closed under us: same as end of input
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=pump, name="shell-stdin", daemon=True).start()

    @property
    def at_eof(self) -> bool:
        return self._eof

    async def read(self, prompt: str) -> str | None:
        """Show ``prompt`` and return the next line without its newline; None at end of input."""
        if self._eof or self._lines is None:
            return None
        self._write(prompt)
        self._prompt = prompt
        try:
            line = await self._lines.get()
        finally:
            self._prompt = None
        if line is None:
            self._eof = True
            self._write("\n")
            return None
        line = line.rstrip("\r\n")
        if self._echo:
            self._write(line + "\n")
        return line

    def say(self, text: str = "") -> None:
        """Print lines; when a prompt is waiting, print above it and show the prompt again."""
        waiting = self._prompt
        if waiting is not None:
            self._write("\n")
        self._write(text + "\n")
        if waiting is not None:
            self._write(waiting)

    def _write(self, text: str) -> None:
        try:
            self._out.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self._out, "encoding", None) or "ascii"
            self._out.write(text.encode(encoding, "replace").decode(encoding))
        self._out.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
