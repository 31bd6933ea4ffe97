"""Read the text after `/record` into a command.

Syntax: `/record <stream> <when> [domain=<push domain>] [app=<app>] [template=<id>] [mixed]`,
`/record list [stream]`, `/record stop <TaskId>`, `/record cancel <TaskId>`, `/record help`, and
`/record` or `/record new` for the form. The command words have Chinese forms too (`帮助`/`幫助`,
`列表`, `停止`, `取消`, `新建`). Options may stand anywhere after the stream; everything
else after the stream is the time phrase. A stream whose name is a command word or reads as a
time (`list`, `tomorrow`) is named with `stream=` (or in the form).

What cannot be used comes back as ``ShowHelp`` with a ``UsageProblem`` and its details: data,
which the Slack layer words.
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass
from datetime import timedelta

from bot.recording.series import parse_pad
from bot.timeparse import is_time_phrase, starts_with_time

MAX_TEXT = 3000

COMMAND_WORDS = ("list", "stop", "cancel", "help", "new")


class UsageProblem(enum.StrEnum):
    TOO_LONG = "too long"  # length
    LIST_ARGS = "list args"
    TASK_ID_NEEDED = "task id needed"  # verb
    OPTION_FIRST = "option first"  # the first word is an option, not the stream
    OPTION_NEEDS_VALUE = "option needs value"  # key
    TYPE_OPTION = "type option"
    TEMPLATE_NOT_A_NUMBER = "template not a number"  # value
    TEMPLATE_NEGATIVE = "template negative"
    PAD_INVALID = "pad invalid"  # value
    NO_WHEN = "no when"  # stream
    NO_STREAM = "no stream"  # when: the time phrase that came first
    DID_YOU_MEAN = "did you mean"  # word, suggestion, rest


@dataclass(frozen=True)
class ShowHelp:
    """Help, asked for (``problem`` None) or shown because the text could not be used."""

    problem: UsageProblem | None = None
    length: int = 0
    verb: str = ""
    key: str = ""
    value: str = ""
    stream: str = ""
    when: str = ""
    word: str = ""
    suggestion: str = ""
    rest: str = ""


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
    pad: timedelta | None = None  # pad=5m: start this much early and end this late


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

_OPTION_KEYS = {"domain", "app", "template", "stream", "pad"}
_VERB_WORDS = {"stop": "stop", "cancel": "cancel", "停止": "stop", "取消": "cancel"}
_MIXED_WORDS = {"mixed", "type=mixed", "--mixed"}


def parse_command(text: str) -> Command:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        return ShowHelp(UsageProblem.TOO_LONG, length=len(text))
    if not text or text.lower() in {"new", "form", "新建", "表单", "表單"}:
        return OpenForm()
    words = text.split()
    first = words[0].lower()
    if first in {"help", "-h", "--help", "?", "帮助", "幫助"}:
        return ShowHelp()
    if first in {"list", "ls", "列表"}:
        if len(words) > 2:
            return ShowHelp(UsageProblem.LIST_ARGS)
        return ListRecordings(stream=words[1] if len(words) == 2 else None)
    verb = _VERB_WORDS.get(first)
    if verb is not None:
        if len(words) != 2:
            return ShowHelp(UsageProblem.TASK_ID_NEEDED, verb=verb)
        return StopTask(words[1]) if verb == "stop" else CancelTask(words[1])

    options: dict[str, str] = {}
    mixed = False
    rest: list[str] = []
    for position, word in enumerate(words):
        key, sep, value = word.partition("=")
        if position > 0 and word.lower() in _MIXED_WORDS:
            mixed = True
        elif sep and key.lower() in _OPTION_KEYS:
            if position == 0 and key.lower() != "stream":
                return ShowHelp(UsageProblem.OPTION_FIRST)
            if not value:
                return ShowHelp(UsageProblem.OPTION_NEEDS_VALUE, key=key.lower())
            options[key.lower()] = value
        elif sep and key.lower() == "type":
            return ShowHelp(UsageProblem.TYPE_OPTION)
        elif position == 0 and sep:
            return ShowHelp(UsageProblem.OPTION_FIRST)
        else:
            rest.append(word)

    template_id: int | None = None
    if "template" in options:
        raw = options["template"]
        if not (raw.isascii() and raw.lstrip("-").isdigit()):
            return ShowHelp(UsageProblem.TEMPLATE_NOT_A_NUMBER, value=raw[:40])
        template_id = int(raw)
        if template_id < 0:
            return ShowHelp(UsageProblem.TEMPLATE_NEGATIVE)

    pad: timedelta | None = None
    if "pad" in options:
        pad = parse_pad(options["pad"])
        if pad is None:
            return ShowHelp(UsageProblem.PAD_INVALID, value=options["pad"][:40])

    if "stream" in options:
        stream, when = options["stream"], rest
    elif not rest:
        return ShowHelp(UsageProblem.OPTION_FIRST)
    else:
        stream, when = rest[0], rest[1:]
        # "/record tomorrow 8pm to 10pm" has no stream: the first word is the time phrase's.
        if starts_with_time(stream) or is_time_phrase(" ".join(rest)):
            return ShowHelp(UsageProblem.NO_STREAM, when=" ".join(rest)[:300])
        close = difflib.get_close_matches(stream.lower(), COMMAND_WORDS, n=1, cutoff=0.7)
        if close and not (when and is_time_phrase(" ".join(when))):
            return ShowHelp(UsageProblem.DID_YOU_MEAN, word=stream[:40], suggestion=close[0],
                            rest=" ".join(when)[:80])
    if not when:
        return ShowHelp(UsageProblem.NO_WHEN, stream=stream[:80])
    return Schedule(
        stream=stream,
        when_text=" ".join(when),
        domain=options.get("domain"),
        app=options.get("app"),
        template_id=template_id,
        mixed=mixed,
        pad=pad,
    )


def stored_when_text(source: str, raw_text: str) -> str:
    """The time phrase of a request stored before the store kept it apart: the form stored the
    phrase alone, a command its whole text."""
    if source == "command":
        command = parse_command(raw_text)
        if isinstance(command, Schedule):
            return command.when_text
    return raw_text
