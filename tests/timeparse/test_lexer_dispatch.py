"""The lexer tries only the rules whose regex can begin with the next characters: it must
never leave out a rule that would have read the text there (the phrase would then be read
differently, or refused)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.timeparse import lexer
from bot.timeparse.normalize import normalize

CORPUS = Path(__file__).with_name("corpus.json")
PHRASES = [case[0] for group in json.loads(CORPUS.read_text(encoding="utf-8"))["groups"]
           for case in group["cases"]]
PIECES = st.sampled_from(sorted({word for phrase in PHRASES for word in phrase.split()}))


def left_out(text: str) -> list[tuple[int, int]]:
    """(position, rule index) of every rule that reads ``text`` at a position it is not
    tried at."""
    norm = normalize(text)
    ctx = lexer.Ctx(norm, text)
    cjk = lexer._HAS_CJK.search(norm) is not None
    missed = []
    for pos in range(len(norm)):
        tried = lexer._rules_for(norm[pos:pos + lexer._HEAD], cjk)
        for i, rule in enumerate(lexer.RULES):
            if rule in tried or (not cjk and rule in lexer._CJK_RULES):
                continue
            try:
                found = rule(ctx, pos)
            except (ValueError, OverflowError, OSError, ZeroDivisionError):  # as tokenize
                continue
            if found is not None:
                missed.append((pos, i))
    return missed


def test_no_rule_that_reads_a_corpus_phrase_is_left_out():
    missed = {phrase: m for phrase in PHRASES if (m := left_out(phrase))}
    assert not missed


@given(st.one_of(st.lists(PIECES, max_size=6).map(" ".join),
                 st.lists(PIECES, max_size=6).map("".join), st.text(max_size=40)))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_no_rule_that_reads_any_text_is_left_out(text):
    assert not left_out(text)
