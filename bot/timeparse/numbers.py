"""Numbers written as digits, fractions, Chinese numerals or English words.

English number words are valued by ``text2num`` (a maintained Rust-backed
library: ~1 µs a call, 1.5 ms to import); the regex below only recognises
their shape so the lexer can find where a number starts and ends.
``number-parser`` gave the same values but costs 1–2 ms a call, past the
whole parse budget. Chinese numerals are read by ``cn_int`` below rather than
``cn2an``: on every numeral 0–9999 the two agree, but cn2an costs 20–30 µs a
call and 130–200 ms to import, which the parse budget (a fraction of one
``dateparser.parse`` call) cannot carry.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

#: Regex fragment for a number written with digits or Chinese numerals.
CN_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十百千]+)"

_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
#: An English number word from one to ninety-nine ("twenty-five", "twenty five").
EN_WORD = rf"(?:{_TENS}(?:[- ]{_ONES})?|{_TEENS}|{_ONES})(?![a-z])"
#: Hours 1-12 and minutes 1-59 as words.
EN_HOUR_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?![a-z])"
EN_MINUTE_WORD = rf"(?:(?:twenty|thirty|forty|fifty)(?:[- ]{_ONES})?|{_TEENS})(?![a-z])"

#: Regex fragment for a number written with digits or an English word.
EN_NUM = rf"(?:\d+(?:\.\d+)?|{EN_WORD})"

_EN_WORD_RE = re.compile(EN_WORD)


@lru_cache(maxsize=256)
def en_int(text: str) -> int:
    """Value of an English number word ("twenty-five" -> 25); ValueError otherwise."""
    from text_to_num import text2num

    words = " ".join(text.replace("-", " ").split())
    if not _EN_WORD_RE.fullmatch(words):
        raise ValueError(f"not a number word: {text!r}")
    return text2num(words, "en")


def cn_int(text: str) -> int:
    """Read a Chinese numeral such as 二十三, 十五, 两, 一百二十 or 零五.

    Raises ValueError for anything else.
    """
    if not text:
        raise ValueError("empty number")
    if all(ch in _CN_DIGITS for ch in text):
        # Digit by digit: 二零二六 -> 2026, 零五 -> 5.
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total = 0
    pending = None
    last_unit = 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if pending is not None and _CN_DIGITS[ch] != 0:
                raise ValueError(f"malformed number {text!r}")
            pending = _CN_DIGITS[ch] if _CN_DIGITS[ch] else pending
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"malformed number {text!r}")
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
        else:
            raise ValueError(f"not a number: {text!r}")
    return total + (pending or 0)


_FRACTION = re.compile(r"(?:(\d+)\s+)?(\d+)/(\d+)|(\d+)?\s*([½¼¾])")
_VULGAR = {"½": Fraction(1, 2), "¼": Fraction(1, 4), "¾": Fraction(3, 4)}


@lru_cache(maxsize=4096)
def number(text: str) -> float:
    """Read digits, a fraction ("5/4", "1 1/2", "1½"), Chinese numerals or an English word.

    Pure, and called for every number the lexer reads: remembered (a Chinese numeral
    goes through a failed float() and a regex before it is read).
    """
    text = text.strip()
    if text in ("a", "an"):
        return 1
    try:
        return float(text)
    except ValueError:
        pass
    m = _FRACTION.fullmatch(text)
    if m:
        if m.group(3):
            if int(m.group(3)) == 0:
                raise ValueError("division by zero")
            value = int(m.group(1) or 0) + Fraction(int(m.group(2)), int(m.group(3)))
        else:
            value = int(m.group(4) or 0) + _VULGAR[m.group(5)]
        return float(value)
    if text[0].isascii():
        return en_int(text)
    return cn_int(text)
