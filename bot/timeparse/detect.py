"""Is this text a time phrase? For the command parser, which must not book a stream
called "tomorrow" (``/record tomorrow 8pm to 10pm``)."""

from __future__ import annotations

import re

from .lexer import tokenize
from .normalize import normalize
from .tokens import UnknownTok

# Words that open a time phrase without being one alone ("next friday", "every day").
_OPENERS = frozenset({
    "next", "this", "every", "each", "daily", "nightly", "weekly", "weekdays", "weekends",
    "from", "at", "on", "in", "between", "until", "till", "by", "for", "starting", "around",
    "about", "after", "before", "over", "within", "the", "half", "quarter", "right",
})  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff]")
_REPEAT_ZH = re.compile(r"每|工作日|周末")


def _understood(text: str) -> bool:
    tokens = tokenize(normalize(text), text).tokens
    return bool(tokens) and not any(isinstance(t, UnknownTok) for t in tokens)


def starts_with_time(text: str) -> bool:
    """True when the first word of ``text`` begins a time phrase.

    "tomorrow 8pm", "now", "next friday", "every day…", "8pm", "明天…",
    "今晚8点到10点" (a Chinese run without spaces is one word): True. A stream
    name such as "livetest", "show_2", "news-am": False.
    """
    words = text.split()
    if not words:
        return False
    first = words[0]
    if normalize(first) in _OPENERS:
        return True
    if _CJK.search(first):
        if _REPEAT_ZH.match(normalize(first)):
            return True
        tokens = tokenize(normalize(first), first).tokens
        return bool(tokens) and tokens[0].start == 0 and not isinstance(tokens[0], UnknownTok)
    return _understood(first)


def is_time_phrase(text: str) -> bool:
    """True when the whole of ``text`` reads as a time phrase, nothing left over.

    Whether the phrase also makes a valid window is parse_window's question
    ("in 10 minutes for 1 hour": True; "tomorrow banana": False).
    """
    from .schedule import strip_repeat

    if not text.strip():
        return False
    rest = strip_repeat(text)
    if rest is None:
        return False
    return not rest.strip() or _understood(rest)
