"""Every word the bot shows, in the reader's language: English, Simplified Chinese (zh_CN) and
Traditional Chinese (zh_TW, also for zh-HK).

The texts are gettext messages (``tr._("…")``, ``tr.n_(…)`` for plurals, ``tr.p_(context, …)``)
kept in catalogues under ``locale/``, managed with Babel (README "Translations"). English is the
source language: its text is the message id. Dates, numbers and sizes are formatted by Babel for
the reader's locale.

Placeholders are ``{name}`` fields filled by keyword. Every value is escaped for mrkdwn on the
way in (user text can never become a mention, a link or formatting) unless it is ``Mrkdwn``:
what the bot itself built (``code()``, ``mention()``, date tokens) and means as markup.
"""

from __future__ import annotations

import enum
import gettext
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "recordbot"


class Lang(enum.StrEnum):
    """A language the bot answers in; the value is its catalogue's name."""

    EN = "en"
    ZH_HANS = "zh_CN"
    ZH_HANT = "zh_TW"

    @property
    def chinese(self) -> bool:
        return self is not Lang.EN


_HANT_LOCALES = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def lang_of_locale(locale: str | None) -> Lang | None:
    """A Slack locale ("zh-CN", "zh-TW", "en-US", …) as a language of the bot; None for one it
    does not speak (the default language is used then)."""
    if not locale:
        return None
    tag = locale.strip().replace("_", "-").lower()
    if tag.startswith(_HANT_LOCALES):
        return Lang.ZH_HANT
    if tag == "zh" or tag.startswith("zh-"):
        return Lang.ZH_HANS
    if tag == "en" or tag.startswith("en-"):
        return Lang.EN
    return None


def parse_lang(value: str) -> Lang:
    """A setting or option ("en", "zh-CN", "zh_TW", "zh-HK", …); ValueError for another."""
    lang = lang_of_locale(value)
    if lang is None:
        raise ValueError(value)
    return lang


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Characters written only in Traditional Chinese that time phrases use (點 not 点, 時 not 时…);
# their Simplified forms are in _HANS_ONLY. A phrase with some of the first and none of the
# second is Traditional, whatever the locale says.
_HANT_ONLY = frozenset("點時週鐘後個錄開與從這禮拜兩節結東製")
_HANS_ONLY = frozenset("点时周钟后个录开与从这礼两节结东制")


def written_in(text: str) -> Lang | None:
    """The language a phrase is clearly written in, if it is: any Chinese character makes it
    Chinese (Traditional only when its characters say so), English words make it English;
    digits and punctuation alone say nothing."""
    if _HAN.search(text):
        chars = set(text)
        if chars & _HANT_ONLY and not chars & _HANS_ONLY:
            return Lang.ZH_HANT
        return Lang.ZH_HANS
    if _LATIN_WORD.search(text):
        return Lang.EN
    return None


def choose_language(text: str | None, locale: str | None, default: Lang) -> Lang:
    """The language to answer in: the phrase's when it is clear (Chinese in the script the
    user's locale prefers), else the user's Slack locale, else ``default``."""
    from_locale = lang_of_locale(locale)
    said = written_in(text or "")
    if said is not None and said.chinese:
        if from_locale is Lang.ZH_HANT or said is Lang.ZH_HANT:
            return Lang.ZH_HANT
        return Lang.ZH_HANS
    if said is Lang.EN:
        return Lang.EN
    return from_locale or default


# ---- escaping -----------------------------------------------------------------------------------


class Mrkdwn(str):
    """Text the bot built as mrkdwn: inserted into a message as it is."""

    __slots__ = ()


_BROADCAST = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)

#: How much of a user's text a message quotes by default: enough to recognise it.
QUOTE_LIMIT: Final = 300


def escape(text: str, limit: int = QUOTE_LIMIT) -> Mrkdwn:
    """Escape for mrkdwn: no mentions, links or formatting from user text; bounded length."""
    text = str(text)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width joiner keeps "@channel" and friends from ever becoming a mention.
    text = _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)
    return Mrkdwn(text.replace("`", "'"))


def _fill(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Mrkdwn):
        return escape(value)
    return value  # markup the bot built, or a number (which may carry a format: {m:02d})


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``tr._`` translates it where it
    is said."""
    return message


# ---- the translator -----------------------------------------------------------------------------


@cache
def _catalogue(lang: Lang) -> gettext.NullTranslations:
    if lang is Lang.EN:
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang.value])
    except OSError:  # a broken install: answer in English rather than not at all
        log.error("no compiled %s catalogue under %s; answering in English (README "
                  "\"Translations\": pybabel compile)", lang.value, LOCALE_DIR)
        return gettext.NullTranslations()


_BABEL_LOCALE = {Lang.EN: "en_GB", Lang.ZH_HANS: "zh_Hans_CN", Lang.ZH_HANT: "zh_Hant_TW"}


@dataclass(frozen=True)
class Tr:
    """The texts and formats of one language. ``tr._`` is named for gettext's extractors."""

    lang: Lang

    @classmethod
    def of(cls, lang: Lang | str | None) -> Tr:
        """For a stored or given language; English for none or an unknown one."""
        try:
            return _translator(Lang(lang) if lang else Lang.EN)
        except ValueError:
            return _translator(Lang.EN)

    @property
    def locale(self) -> Locale:
        return Locale.parse(_BABEL_LOCALE[self.lang])

    def _(self, message: str, /, **params: object) -> Mrkdwn:
        """The message in this language, its ``{fields}`` filled (and escaped)."""
        text = _catalogue(self.lang).gettext(message)
        return Mrkdwn(text.format_map({k: _fill(v) for k, v in params.items()}) if params
                      else text)

    def n_(self, singular: str, plural: str, n: int, /, **params: object) -> Mrkdwn:
        """A message that depends on a count; ``{n}`` is the count."""
        text = _catalogue(self.lang).ngettext(singular, plural, n)
        return Mrkdwn(text.format_map({"n": n, **{k: _fill(v) for k, v in params.items()}}))

    def p_(self, context: str, message: str, /, **params: object) -> Mrkdwn:
        """A message whose English is ambiguous without ``context`` (a label, a pattern)."""
        text = _catalogue(self.lang).pgettext(context, message)
        return Mrkdwn(text.format_map({k: _fill(v) for k, v in params.items()}) if params
                      else text)

    # ---- formats --------------------------------------------------------------------------------

    def day(self, day: date | datetime) -> str:
        """ "Thu 3 Dec" · "12月3日 周四" · "12月3日 週四"."""
        return format_date(day, self.p_("date format (Unicode LDML)", "EEE d MMM"),
                           locale=self.locale)

    def clock(self, moment: datetime) -> str:
        return f"{moment:%H:%M}"

    def day_clock(self, moment: datetime) -> str:
        """ "Thu 3 Dec 20:00" · "12月3日 周四 20:00"."""
        return f"{self.day(moment)} {self.clock(moment)}"

    def full_date(self, moment: datetime) -> str:
        """With the year and the time: "Thu 3 Dec 2026 20:00" · "2026年12月3日 周四 20:00"."""
        return format_datetime(moment, self.p_("date and time format with year (Unicode LDML)",
                                               "EEE d MMM y HH:mm"), locale=self.locale)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def duration(self, delta: timedelta, days: bool = True) -> Mrkdwn:
        """ "1 h 30 min", "2 d 4 h" · "1 小时 30 分钟"; with ``days=False``, "26 h"."""
        minutes = round(delta.total_seconds() / 60)
        n_days, rem = divmod(minutes, 24 * 60) if days else (0, minutes)
        hours, mins = divmod(rem, 60)
        parts = [self.p_("duration", "{n} d", n=n_days)] if n_days else []
        if hours:
            parts.append(self.p_("duration", "{n} h", n=hours))
        if mins or not parts:
            parts.append(self.p_("duration", "{n} min", n=mins))
        return Mrkdwn(" ".join(parts))

    def elapsed(self, seconds: float) -> Mrkdwn:
        """A file's or a push's length: "42 s", "49 min 22 s", "1 h 02 min" (no days)."""
        total = max(0, round(seconds))
        if total < 60:
            return self.p_("duration", "{n} s", n=total)
        if total < 3600:
            minutes, secs = divmod(total, 60)
            return (self.p_("duration", "{m} min {s:02d} s", m=minutes, s=secs) if secs
                    else self.p_("duration", "{n} min", n=minutes))
        hours, rem = divmod(total, 3600)
        return self.p_("duration", "{h} h {m:02d} min", h=hours, m=rem // 60)

    def size(self, size: int) -> str:
        """Binary units (1 MiB = 1024 × 1024 bytes), three significant digits: "265 MiB"."""
        if size < 1024:
            return f"{size} B"
        value = float(size)
        for unit in _BINARY_UNITS:
            value /= 1024
            if value < 1024 or unit == _BINARY_UNITS[-1]:
                break
        pattern = "0" if value >= 100 else "0.0" if value >= 10 else "0.00"
        return f"{format_decimal(value, pattern, locale=self.locale)} {unit}"


_BINARY_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


@cache
def _translator(lang: Lang) -> Tr:
    return Tr(lang)


EN: Final = Tr(Lang.EN)
