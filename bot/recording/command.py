"""Read the text after `/record` into a command.

Syntax: `/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]`,
`/record list [stream]`, `/record stop <TaskId>`, `/record cancel <TaskId>`, `/record help`, and
`/record` or `/record new` for the form. (So a stream cannot be called `list`, `stop`, `cancel`,
`help` or `new` in the inline syntax; the form takes any name.) Options may stand anywhere after the
stream; everything else after the stream is the time phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_TEXT = 3000


@dataclass(frozen=True)
class ShowHelp:
    reason: str | None = None  # why help is shown instead of doing something


@dataclass(frozen=True)
class OpenForm:
    pass


@dataclass(frozen=True)
class Schedule:
    stream: str
    when_text: str
    domain: str | None = None
    app: str | None = None
    template_id: int | None = None
    mixed: bool = False


@dataclass(frozen=True)
class ListRecordings:
    stream: str | None = None
    page: int = 0


@dataclass(frozen=True)
class StopTask:
    task_id: str


@dataclass(frozen=True)
class CancelTask:
    task_id: str


Command = ShowHelp | OpenForm | Schedule | ListRecordings | StopTask | CancelTask

_OPTION_KEYS = {"domain", "app", "template"}
_MIXED_WORDS = {"mixed", "type=mixed", "--mixed"}


def parse_command(text: str) -> Command:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        return ShowHelp(f"That is {len(text)} characters; `/record` takes at most {MAX_TEXT}.")
    if not text or text.lower() in {"new", "form"}:
        return OpenForm()
    words = text.split()
    first = words[0].lower()
    if first in {"help", "-h", "--help", "?", "帮助"}:
        return ShowHelp()
    if first in {"list", "ls"}:
        if len(words) > 2:
            return ShowHelp("`/record list` takes at most a stream name, e.g. "
                            "`/record list livetest`.")
        return ListRecordings(stream=words[1] if len(words) == 2 else None)
    if first in {"stop", "cancel"}:
        if len(words) != 2:
            return ShowHelp(f"`/record {first}` takes the TaskId shown in the recording's "
                            f"thread, e.g. `/record {first} UpTbk5RSVhRQ…`.")
        return StopTask(words[1]) if first == "stop" else CancelTask(words[1])
    if "=" in words[0]:
        return ShowHelp("The first word must be the stream name, e.g. `/record livetest …`.")

    stream = words[0]
    options: dict[str, str] = {}
    mixed = False
    when: list[str] = []
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if word.lower() in _MIXED_WORDS:
            mixed = True
        elif sep and key.lower() in _OPTION_KEYS:
            if not value:
                example = f"{key.lower()}={_EXAMPLE[key.lower()]}"
                return ShowHelp(f"`{key}=` needs a value, e.g. `{example}`.")
            options[key.lower()] = value
        elif sep and key.lower() == "type":
            return ShowHelp("`type=` takes `mixed`; leave it out for a live push stream.")
        else:
            when.append(word)

    template_id: int | None = None
    if "template" in options:
        try:
            template_id = int(options["template"])
        except ValueError:
            return ShowHelp(
                f"`template={options['template'][:40]}` must be a number (the recording "
                "template id from the CSS console)."
            )
        if template_id < 0:
            return ShowHelp("`template=` must be a positive number.")
    if not when:
        return ShowHelp(f"Say when to record `{stream[:80]}`, with a start and an end.")
    return Schedule(
        stream=stream,
        when_text=" ".join(when),
        domain=options.get("domain"),
        app=options.get("app"),
        template_id=template_id,
        mixed=mixed,
    )


_EXAMPLE = {"domain": "push.example.com", "app": "live", "template": "12345"}


def stored_when_text(source: str, raw_text: str) -> str:
    """The time phrase of a request stored before the store kept it apart: the form stored the
    phrase alone, a command its whole text."""
    if source == "command":
        command = parse_command(raw_text)
        if isinstance(command, Schedule):
            return command.when_text
    return raw_text
