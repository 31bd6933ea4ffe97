"""Numbers written as digits, Chinese numerals or English words."""

from __future__ import annotations

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

#: Regex fragment for a number written with digits or Chinese numerals.
CN_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"

EN_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip

#: Regex fragment for a number written with digits or an English word.
EN_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(
    sorted((w for w in EN_WORDS if w not in ("a", "an")), key=len, reverse=True)
) + ")"


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


def number(text: str) -> float:
    """Read digits, Chinese numerals or an English number word."""
    text = text.strip()
    if text in EN_WORDS:
        return EN_WORDS[text]
    try:
        return float(text)
    except ValueError:
        return cn_int(text)
