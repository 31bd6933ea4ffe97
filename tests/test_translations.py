"""The translation catalogues: every message the code says exists in every language, with the
same placeholders, compiled into what the package ships; the template is up to date with the
code; and every example phrase a translation tells people to type is one the parser reads."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from bot.slack.i18n import DOMAIN, LOCALE_DIR, Lang, Tr
from bot.timeparse import TimeParseError, parse_window

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "n_": (1, 2), "p_": ((1, "c"), 2), "N_": None}
TRANSLATED = [lang for lang in Lang if lang is not Lang.EN]
FIELD = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def _key(message) -> tuple[str | None, str]:
    mid = message.id[0] if isinstance(message.id, tuple) else message.id
    return message.context, mid


def _code_messages() -> set[tuple[str | None, str]]:
    found = set()
    for _name, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), [("bot/slack/**.py", "python")], keywords=KEYWORDS):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def _po(lang: Lang):
    path = LOCALE_DIR / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang.value)


def _fields(text: str) -> list[str]:
    return sorted(FIELD.findall(text))


def test_the_template_holds_every_message_the_code_says():
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as f:
        template = {_key(m) for m in read_po(f) if m.id}
    in_code = _code_messages()
    assert in_code - template == set(), "run pybabel extract and update (README)"
    assert template - in_code == set(), "the template keeps messages the code no longer says"


@pytest.mark.parametrize("lang", TRANSLATED, ids=str)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalogue = {_key(m): m for m in _po(lang) if m.id}
    missing, fuzzy, mismatched = [], [], []
    for key in sorted(_code_messages(), key=lambda k: (k[0] or "", k[1])):
        message = catalogue.get(key)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or not all(strings):
            missing.append(key[1])
            continue
        if message.fuzzy:
            fuzzy.append(key[1])
        # A plural's translation says every field of the plural form ({n}: the count).
        expected = set(_fields(message.id[1] if message.pluralizable else key[1]))
        for text in strings:
            if set(_fields(text)) != expected:
                mismatched.append((key[1], text))
    assert missing == [], f"{len(missing)} messages not translated into {lang}"
    assert fuzzy == []
    assert mismatched == []


@pytest.mark.parametrize("lang", TRANSLATED, ids=str)
def test_the_shipped_catalogue_is_the_compiled_po(lang):
    """Forgetting `pybabel compile` after editing a .po fails here, not in production."""
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    mo_path = LOCALE_DIR / lang.value / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo_path.open("rb") as f:
        shipped = read_mo(f)
    compiled.seek(0)
    expected = read_mo(compiled)
    assert _strings(shipped) == _strings(expected)


def _strings(catalogue) -> dict:
    def tup(value):  # a plural's ids and strings come back from read_mo as lists
        return tuple(value) if isinstance(value, list) else value
    return {(m.context, tup(m.id)): tup(m.string) for m in catalogue if m.id}


EXAMPLES = [  # (context, English example); each translation must parse too
    (None, "tomorrow 8pm to 10pm"),
    (None, "in 10 minutes for 1 hour"),
    (None, "Dec 24 10:00 to Dec 26 22:00"),
    (None, "tomorrow 8pm for 2 hours"),
    ("example", "明天晚上8点到10点"),
    ("example", "今天20:00录90分钟"),
    ("example", "10分钟后开始，录一个小时"),
    ("example", "明晚8点 录两小时"),
]
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("lang", list(Lang), ids=str)
@pytest.mark.parametrize(("context", "example"), EXAMPLES)
def test_every_example_a_message_offers_is_understood(lang, context, example):
    tr = Tr.of(lang)
    said = tr.p_(context, example) if context else tr._(example)
    try:
        window = parse_window(said, NOW)
    except TimeParseError as e:
        pytest.fail(f"{lang} example {said!r} is refused: {e}")
    english = parse_window(example, NOW)
    assert (window.start, window.end) == (english.start, english.end)


def test_the_list_example_command_parses_in_every_language():
    for lang in Lang:
        command = Tr.of(lang)._("/record livetest tomorrow 8pm to 10pm")
        phrase = command.removeprefix("/record livetest ")
        assert parse_window(phrase, NOW).end.hour == 22
