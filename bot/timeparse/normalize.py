"""Text normalisation that keeps every character in place.

The lexer works on the normalised text, but error messages quote the user's
own text, so normalisation maps each character to exactly one character:
ASCII is lower-cased, full-width forms become ASCII, dashes and waves become
``-`` / ``~``, and the traditional Chinese characters this grammar uses
become their simplified forms.
"""

from __future__ import annotations

_TRADITIONAL = str.maketrans(
    "點時週後鐘個兩禮從開錄現間淩號區東臺灣倫約紐磯製這頭長總續為馬協調內以過晝聽當來於複連際",
    "点时周后钟个两礼从开录现间凌号区东台湾伦约纽矶制这头长总续为马协调内以过昼听当来于复连际",
)

_PUNCT = str.maketrans(
    {
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",  # minus sign
        "\u301c": "~",  # wave dash
        "\u2192": "~",  # arrow, as echoed back in descriptions
        "\u2019": "'",
        "\u3001": ",",  # ideographic comma
        "\u3002": ".",  # ideographic full stop
    }
)


def _table() -> dict[int, str]:
    """One translation table: punctuation, full-width forms, ASCII case, traditional forms."""
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0).lower()
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(ch)] = ch.lower()
    for code, target in _PUNCT.items():
        table[code] = target if isinstance(target, str) else chr(target)
    for code, target in _TRADITIONAL.items():
        table[code] = target if isinstance(target, str) else chr(target)
    return table


_TABLE = _table()


def normalize(text: str) -> str:
    """Return ``text`` normalised character by character (same length)."""
    result = text.translate(_TABLE)
    assert len(result) == len(text)
    return result
