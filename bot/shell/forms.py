"""A modal form as questions on the command line, submitted the way Slack submits it.

Slack shows the bot's modal and, on Submit, sends ``view.state.values`` keyed by block id and
action id; when the app acks with ``response_action: errors`` the modal stays open with the
messages under their fields. The shell does the same in text: one prompt per input block
(label, hint, default), numbered choices for selects and radio buttons, errors printed under
the field's name and only those fields asked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.shell.render import Renderer
from bot.shell.session import Ack
from bot.shell.terminal import Terminal

CANCEL_WORD = "cancel"
_CHOICE_TYPES = ("static_select", "radio_buttons")
#: Asked as text: what is typed is what Slack would send (a date as YYYY-MM-DD, a number).
_TEXT_TYPES = {"plain_text_input": "value", "datepicker": "selected_date",
               "number_input": "value"}


class FormClosed(Exception):
    """The person typed ``cancel`` or input ended: the form goes away unsubmitted."""


@dataclass
class Field:
    """One input block of the view: how to ask for it and how Slack reports its state."""

    block_id: str
    action_id: str
    kind: str  # the element type, e.g. plain_text_input, static_select
    label: str
    optional: bool
    hint: str = ""
    placeholder: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    element: Mapping[str, Any] = field(default_factory=dict)

    @property
    def asks_choice(self) -> bool:
        return self.kind in _CHOICE_TYPES

    @property
    def supported(self) -> bool:
        return self.kind in _TEXT_TYPES or self.asks_choice

    def initial(self) -> Any:
        if self.kind in _TEXT_TYPES:
            return (self.element.get("initial_value") or self.element.get("initial_date")
                    or None)
        if self.asks_choice:
            return self.element.get("initial_option")
        return None

    def state(self, answer: Any) -> dict[str, Any]:
        """The ``state.values[block_id][action_id]`` entry Slack would send for ``answer``."""
        if self.kind in _TEXT_TYPES:
            return {"type": self.kind, _TEXT_TYPES[self.kind]: answer}
        if self.asks_choice:
            return {"type": self.kind, "selected_option": answer}
        # Other elements are not asked in the shell; they keep what the form preset.
        preset = {k.replace("initial_", "selected_", 1): v for k, v in self.element.items()
                  if k.startswith("initial_")}
        return {"type": self.kind, **preset}


def fields_of(view: Mapping[str, Any], renderer: Renderer) -> list[Field]:
    fields: list[Field] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options += group.get("options") or []
        fields.append(Field(
            block_id=str(block.get("block_id", "")),
            action_id=str(element.get("action_id", "")),
            kind=str(element.get("type", "")),
            label=renderer.text(block.get("label")),
            optional=bool(block.get("optional")),
            hint=renderer.text(block.get("hint")),
            placeholder=renderer.text(element.get("placeholder")),
            options=options,
            element=element,
        ))
    return fields


Submit = Callable[[dict[str, Any]], Awaitable[Ack]]


class FormPrompter:
    def __init__(self, terminal: Terminal, renderer: Renderer) -> None:
        self._term = terminal
        self._render = renderer

    async def run(self, view: Mapping[str, Any], submit: Submit) -> Ack:
        """Ask, submit, and ask again what the app refused; FormClosed when abandoned."""
        fields = self._open(view)
        answers = {f.block_id: f.initial() for f in fields}
        ask = fields
        while True:
            for f in ask:
                answers[f.block_id] = await self._ask(f, answers[f.block_id])
            values = {f.block_id: {f.action_id: f.state(answers[f.block_id])} for f in fields}
            ack = await submit(values)
            body = ack.body or {}
            action = body.get("response_action")
            if action == "errors":
                errors = body.get("errors") or {}
                by_id = {f.block_id: f for f in fields}
                for block_id, problem in errors.items():
                    label = by_id[block_id].label if block_id in by_id else block_id
                    self._term.say(f"│ ⚠️ {label}: {self._render.mrkdwn(str(problem))}")
                ask = [f for f in fields if f.block_id in errors] or fields
                continue
            if action in ("update", "push") and body.get("view"):
                view = body["view"]
                fields = self._open(view)
                answers = {f.block_id: f.initial() for f in fields}
                ask = fields
                continue
            self._term.say("(form submitted)")
            return ack

    def _open(self, view: Mapping[str, Any]) -> list[Field]:
        title = self._render.text(view.get("title"))
        submit = self._render.text(view.get("submit")) or "Submit"
        self._term.say(f"┌ Form: {title}")
        self._term.say(f"│ Answer each field, then it is submitted ({submit}). Enter keeps the "
                       f"[default]; type {CANCEL_WORD} to close the form.")
        for block in view.get("blocks") or []:
            if block.get("type") in ("section", "context", "header", "divider"):
                for line in self._render.message({"blocks": [block]}, lambda _b: 0).lines:
                    self._term.say(f"│ {line}")
        return fields_of(view, self._render)

    async def _ask(self, f: Field, current: Any) -> Any:
        if not f.supported:
            self._term.say(f"│ {f.label}: ({f.kind} is not asked in the shell; its preset is "
                           "kept)")
            return current
        if f.hint:
            self._term.say(f"│ {f.label} — {f.hint}")
        if f.asks_choice:
            return await self._ask_choice(f, current)
        return await self._ask_text(f, current)

    async def _ask_text(self, f: Field, current: str | None) -> str | None:
        suffix = " (optional)" if f.optional else ""
        if current:
            suffix += f" [{current}]"
        elif f.placeholder:
            suffix += f" (e.g. {f.placeholder})"
        while True:
            line = await self._line(f"│ {f.label}{suffix}: ")
            if line.strip():
                return line.strip()
            if current or f.optional:
                return current or None
            self._term.say("│   Please fill in this field.")

    async def _ask_choice(self, f: Field, current: Mapping[str, Any] | None) -> Any:
        labels = [self._render.text(o.get("text")) for o in f.options]
        default = next((i for i, o in enumerate(f.options, 1)
                        if current and o.get("value") == current.get("value")), None)
        self._term.say(f"│ {f.label}{' (optional)' if f.optional else ''}:")
        for i, label in enumerate(labels, 1):
            self._term.say(f"│   {i}) {label}")
        while True:
            line = (await self._line(
                f"│   choose 1-{len(labels)}{f' [{default}]' if default else ''}: ")).strip()
            if not line:
                if default or f.optional:
                    return f.options[default - 1] if default else None
                self._term.say("│   Please choose one.")
                continue
            picked = _pick(line, f.options, labels)
            if picked is not None:
                return picked
            self._term.say(f"│   Type a number from 1 to {len(labels)}.")

    async def _line(self, prompt: str) -> str:
        line = await self._term.read(prompt)
        if line is None or line.strip().lower() == CANCEL_WORD:
            raise FormClosed
        return line


def _pick(answer: str, options: list[dict[str, Any]], labels: list[str]) -> Any:
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    wanted = answer.casefold()
    for option, label in zip(options, labels, strict=True):
        if wanted in (str(option.get("value", "")).casefold(), label.casefold()):
            return option
    return None
