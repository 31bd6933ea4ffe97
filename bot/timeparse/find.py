"""Find the time phrase in a longer text ("Show starts tomorrow 8pm, runs two hours" →
"tomorrow 8pm two hours"): for the message shortcut, which opens the form prefilled."""

from __future__ import annotations

from datetime import datetime

from .errors import TimeParseError
from .lexer import tokenize
from .normalize import normalize
from .tokens import UnknownTok
from .window import parse_window

#: The longest phrase tried, in tokens, and how much of a message is read.
_MAX_TOKENS = 12
_MAX_TEXT = 2000


def find_window_phrase(text: str, now: datetime) -> str | None:
    """The longest run of the text's time words that reads as a recording window (a start
    and an end), as the words were written; None when there is none."""
    text = text[:_MAX_TEXT]
    norm = normalize(text)  # the tokens' spans are in the normalised text
    tokens = [t for t in tokenize(norm, text).tokens if not isinstance(t, UnknownTok)]
    if not tokens:
        return None
    best: tuple[int, int, str] | None = None  # (token count, -start, phrase)
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + _MAX_TOKENS), i, -1):
            if best is not None and j - i <= best[0]:
                break
            phrase = _join([norm[t.start:t.end].strip(" ,;，。") for t in tokens[i:j]])
            if not phrase or phrase.isdigit():  # a bare number is not a time someone gave
                continue
            try:
                parse_window(phrase, now)
            except (TimeParseError, ValueError):
                continue
            best = (j - i, -i, phrase)
            break
    return best[2] if best else None


def _join(parts: list[str]) -> str:
    """Words joined as written: a space between Latin words, none between Chinese ones."""
    out = ""
    for part in (p for p in parts if p):
        if out and (out[-1].isascii() or part[0].isascii()):
            out += " "
        out += part
    return out
