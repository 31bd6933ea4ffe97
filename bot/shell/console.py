"""The shell's read–dispatch–show loop.

Each line a person types is what they would type in Slack. `/record …` becomes a slash command
payload, ``click N`` a button press, answers to a form its submission; each is dispatched into
the bot's Bolt app, and then the console waits until the work it started is done (bounded, so a
slow Tencent answer does not hold the prompt; it is printed whenever it comes). A mistake in the
shell itself is one line of text, never a traceback, and the prompt comes back.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.shell.forms import FormClosed, FormPrompter
from bot.shell.payloads import block_actions, slash_command, view_closed, view_submission
from bot.shell.render import Renderer
from bot.shell.session import Ack, Session
from bot.shell.terminal import Terminal
from bot.shell.transcript import Transcript

log = logging.getLogger(__name__)

PROMPT = "recordbot> "
COMMAND = "/record"
POLL_SECONDS = 0.05
QUIET_SECONDS = 0.1

SHELL_HELP = """\
Type what you would type in Slack; the bot answers here as it would in #shell:
  /record livetest tomorrow 8pm to 10pm     schedule a recording
  /record livetest 明天晚上8点到10点          the same, in Chinese
  /record                                   open the form (its fields are asked one by one)
  /record list                              what is on, upcoming, or ended in the last day
  /record stop <TaskId> · /record cancel <TaskId>
  /record help                              the bot's own help
Shell commands:
  click N    press button N (the numbers are shown in [brackets] under a message)
  advance T  move the bot's clock ahead by T (e.g. 6h, 2d; with --sandbox, Tencent's too):
             planned tasks of series are created as they come within 6 days
  help       this text
  quit       leave (also exit, or Ctrl-D)
Messages only you would see in Slack are marked (only you); thread replies start with ↳."""

HINT = (f"Type what you would type in Slack, e.g. `{COMMAND} livetest tomorrow 8pm to 10pm` "
        "or `/record help` — or `help` for the shell's own commands.")


class Console:
    def __init__(self, session: Session, terminal: Terminal) -> None:
        self.session = session
        self.term = terminal
        actor = session.actor
        self.renderer = Renderer(ZoneInfo(session.options.tz), me=actor.user_id)
        self.transcript = Transcript(session.fake, self.renderer, terminal, actor.channel_id,
                                     actor.channel_name, actor.user_id)
        self.forms = FormPrompter(terminal, self.renderer)
        self._ids = itertools.count(1)
        self._baseline: set[asyncio.Task[Any]] = set()
        self._dispatching = False
        settings = session.settings
        # Longest wait for quiet: a Tencent call that times out, plus the replies after it.
        self._settle_cap = (settings.live_timeout if settings else 10) + 5.0

    async def run(self) -> None:
        """Read and handle lines until quit or end of input; then show what is still coming."""
        watcher = asyncio.create_task(self._watch(), name="shell-transcript")
        self._baseline = set(asyncio.all_tasks())  # what runs for good is not work to wait for
        try:
            while (line := await self.term.read(PROMPT)) is not None:
                try:
                    if not await self.handle(line):
                        break
                except Exception as e:  # the shell must survive its own mistakes
                    log.debug("shell command failed", exc_info=e)
                    self.term.say(f"error: {_one_line(e)}")
            await self.settle()
        finally:
            watcher.cancel()

    async def handle(self, line: str) -> bool:
        """One line; False means leave."""
        text = line.strip()
        if not text:
            return True
        word = text.split()[0].lower()
        if word in ("quit", "exit", "/quit", "/exit"):
            return False
        if word in ("help", "?", "/?"):
            self.term.say(SHELL_HELP)
        elif word == "click":
            await self.click(text.split()[1:])
        elif word == "advance":
            await self.advance(text.split()[1:])
        elif word == COMMAND:
            await self.command(text[len(COMMAND):].strip())
        elif word.startswith("/"):
            self.term.say(f"{word} is not a command of this app; it has `{COMMAND}` "
                          f"(try `{COMMAND} help`).")
        else:
            self.term.say(HINT)
        return True

    # ---- what a person can do -----------------------------------------------------------

    async def command(self, text: str) -> None:
        n = next(self._ids)
        payload = slash_command(self.session.actor, COMMAND, text,
                                self.session.fake.response_url(f"command-{n}"), _trigger(n))
        ack = await self._dispatch(payload)
        if ack.status != 200:
            self.term.say(f'(Slack would show: {COMMAND} failed with the error "dispatch_failed")')
        elif ack.body:
            self.transcript.show_ack(ack.body)
        await self.settle()
        await self._fill_forms()

    async def advance(self, args: list[str]) -> None:
        m = _SPAN.match(args[0].lower()) if len(args) == 1 else None
        if m is None:
            self.term.say("Usage: advance T — T is e.g. 30m, 6h or 2d.")
            return
        n, unit = int(m.group(1)), m.group(2)
        delta = {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n)}[unit]
        taken = await self.session.advance(delta)
        moment = self.session.clock().astimezone(ZoneInfo(self.session.options.tz))
        self.term.say(f"(the bot's clock is now {moment:%a %d %b %Y %H:%M} "
                      f"{self.session.options.tz}; {taken} planned part(s) taken)")
        await self.settle()

    async def click(self, args: list[str]) -> None:
        if len(args) != 1 or not args[0].isdigit():
            self.term.say("Usage: click N — N is the number in [brackets] next to a button.")
            return
        pressable = self.transcript.buttons.get(int(args[0]))
        if pressable is None:
            self.term.say(f"There is no button {args[0]} now (an edited message gets new "
                          "numbers).")
            return
        button = pressable.button
        if button.confirm and not await self._confirmed(button.confirm):
            self.term.say("(not pressed)")
            return
        if button.url:
            self.term.say(f"(in Slack this opens {button.url})")
        n = next(self._ids)
        payload = block_actions(self.session.actor, button, pressable.channel_id,
                                pressable.message_ts, pressable.is_ephemeral,
                                self.session.fake.response_url(f"click-{n}"), _trigger(n))
        ack = await self._dispatch(payload)
        if ack.status != 200:
            self.term.say("(Slack would show a warning sign next to the button: the app did "
                          "not answer)")
        await self.settle()
        await self._fill_forms()

    async def _confirmed(self, confirm: dict[str, Any]) -> bool:
        """Slack's confirm dialog as a y/N question; only yes presses the button."""
        title = self.renderer.text(confirm.get("title"))
        body = self.renderer.text(confirm.get("text"))
        yes = self.renderer.text(confirm.get("confirm")) or "Yes"
        no = self.renderer.text(confirm.get("deny")) or "No"
        self.term.say(f"{title} {body}")
        answer = await self.term.read(f"  y = {yes}, N = {no} [y/N]: ")
        return (answer or "").strip().lower() in ("y", "yes")

    async def _fill_forms(self) -> None:
        """Forms the bot opened, one after another, each until submitted or closed."""
        while self.transcript.forms:
            view = self.transcript.forms.popleft()
            try:
                await self.forms.run(view, lambda values, v=view: self._submit(v, values))
            except FormClosed:
                self.term.say("(form closed; nothing was submitted)")
                if view.get("notify_on_close"):
                    await self._dispatch(view_closed(self.session.actor, view))
                continue
            await self.settle()

    async def _submit(self, view: dict[str, Any], values: dict[str, Any]) -> Ack:
        n = next(self._ids)
        ack = await self._dispatch(view_submission(self.session.actor, view, values,
                                                   _trigger(n)))
        if ack.status != 200:
            self.term.say("(Slack would show in the form: We had some trouble connecting. "
                          "Try again?)")
            raise FormClosed
        return ack

    # ---- dispatch and waiting -----------------------------------------------------------

    async def _dispatch(self, payload: dict[str, Any]) -> Ack:
        """Dispatch; what the bot posts meanwhile is shown after the ack, as Slack orders it."""
        self.transcript.poll()
        self._baseline = set(asyncio.all_tasks())
        self._dispatching = True
        try:
            return await self.session.dispatch(payload)
        finally:
            self._dispatching = False

    async def settle(self) -> None:
        """Wait until the work started since the last dispatch is done, or a form waits.

        Work is every task created since then (Bolt's listener after its ack, the bot's
        background jobs), and the outbox's messages still to deliver; once none is left,
        everything the bot sent has reached the fake.
        A task still running at the cap (say, a recheck that sleeps 30 s) keeps running and its
        output is printed when it comes.
        """
        deadline = time.monotonic() + self._settle_cap
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            self.transcript.poll()
            if self.transcript.forms:
                return
            current = asyncio.current_task()
            busy = [t for t in asyncio.all_tasks()
                    if t not in self._baseline and t is not current and not t.done()]
            if busy or not await self.session.outbox_empty():
                continue  # the bot's messages are still going out
            if time.monotonic() - self.transcript.last_activity >= QUIET_SECONDS:
                return

    async def _watch(self) -> None:
        """Print what arrives while nobody is waiting for it (late answers)."""
        while True:
            await asyncio.sleep(POLL_SECONDS * 2)
            if self._dispatching:
                continue
            try:
                self.transcript.poll()
            except Exception as e:
                log.debug("showing a message failed", exc_info=e)
                self.term.say(f"error: could not show a message ({_one_line(e)})")


_SPAN = re.compile(r"^(\d{1,4})(m|h|d)$")


def _trigger(n: int) -> str:
    return f"{n}.{int(time.time())}.shelltrigger"


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
