"""Turn a normalised time phrase into tokens (see tokens.py).

Every rule is an anchored regex tried at the current position, in order; the
first one whose handler accepts the match wins. Only the rules whose regex can
begin with the next two characters are tried (see _heads): the same result,
for a fraction of the regex calls. Text no rule accepts becomes
an UnknownTok — the parser refuses rather than skipping it. The lexer only
recognises shapes; turning "tomorrow" or "下周一" into a date happens later,
once the zone (and so "today") is known. Words it corrects ("tommorow") are
reported as ReadAs notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from . import zones
from .notes import Approximate, ReadAs
from .numbers import CN_NUM, EN_HOUR_WORD, EN_MINUTE_WORD, EN_NUM, EN_WORD, en_int, number
from .tokens import (
    AfterTok,
    AnchorDay,
    ApproxTok,
    BeforeTok,
    BetweenTok,
    CalDate,
    Clock,
    ClockOrDurationTok,
    ClockTok,
    DayOfMonth,
    DayTok,
    DurationTok,
    EitherDate,
    InstantTok,
    NowTok,
    OffsetTok,
    Period,
    PeriodTok,
    QuestionTok,
    RelDay,
    Sep,
    SepTok,
    Style,
    Token,
    UnknownTok,
    Weekday,
    WeekMode,
    ZoneTok,
)


@dataclass
class Lexed:
    tokens: list[Token]
    notes: list[ReadAs | Approximate] = field(default_factory=list)


WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS_EN = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}

# English -----------------------------------------------------------------

_B = r"(?![a-z0-9])"  # end of an English word
_BC = r"(?=-?ish(?![a-z])|(?![a-z0-9]))"  # end of a clock time ("9ish" is fine)
WD = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday|s)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
MER = r"(?:\s*(?P<mer>[ap])\.?\s?m\.?|(?P<mer1>[ap]))(?![a-z0-9])"

# Spellings people type, and what they mean (reported as ReadAs notes).
TYPOS = {
    "tommorow": "tomorrow", "tommorrow": "tomorrow", "tomorow": "tomorrow",
    "tomorroe": "tomorrow", "tomrrow": "tomorrow", "tmorrow": "tomorrow", "tomoro": "tomorrow",
    "tomorro": "tomorrow", "2morrow": "tomorrow", "2moro": "tomorrow", "2mrw": "tomorrow",
    "tommorw": "tomorrow", "tomorrw": "tomorrow", "tomrw": "tomorrow", "2morow": "tomorrow",
    "tomoz": "tomorrow", "toniht": "tonight", "tonihgt": "tonight", "untli": "until",
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tomm": "tomorrow",
    "tonite": "tonight", "tonight": "tonight", "tonigh": "tonight", "tonght": "tonight",
    "2nite": "tonight", "2night": "tonight", "tonigth": "tonight",
    "untl": "until", "untill": "until", "unitl": "until", "utnil": "until", "unti": "until",
    "tdy": "today", "todya": "today",
}  # fmt: skip
_TOMORROW = "|".join(sorted([k for k, v in TYPOS.items() if v == "tomorrow"], key=len,
                            reverse=True))
_TONIGHT = "|".join(sorted([k for k, v in TYPOS.items() if v == "tonight"], key=len,
                           reverse=True))
_UNTIL_TYPO = "|".join(k for k, v in TYPOS.items() if v == "until")

# Durations: quantity + unit, several in descending units ("1 h 30 min", "2 min 15 s").
_QTY = (rf"(?:(?:a\s+)?couple(?:\s+of)?|\d+\s+\d+/\d+|\d+/\d+|\d*[½¼¾]|\d+(?:\.\d+)?"
        rf"|{EN_WORD}|an?(?![a-z]))")
_FRAC = r"(?:a\s+half|a\s+quarter|three\s+quarters|one\s+half)"
_UNITS = {
    "w": r"(?:weeks?|wks?|w)",
    "d": r"(?:days?|d)",
    "h": r"(?:hours?|hrs?|h)",
    "m": r"(?:minutes?|mins?|m)",
    "s": r"(?:seconds?|secs?|s)",
}
_UNIT_ANY = "|".join(f"(?P<u_{k}>{v})" for k, v in _UNITS.items())
_COMP = re.compile(
    rf"(?P<q>{_QTY})\s*(?:-\s*)?(?:and\s+(?P<frac>{_FRAC})\s+)?(?:of\s+an?\s+)?(?:{_UNIT_ANY})"
    rf"(?![a-z])"
    rf"(?:\s+and\s+(?P<frac2>{_FRAC}))?"
)
_SPECIAL_DUR = re.compile(
    r"(?:(?:a|one)\s+)?half\s*-?\s*(?:an?\s+)?hour(?![a-z])"
    r"|(?:(?:a|one)\s+)?quarter\s*-?\s*(?:of\s+an\s+)?hour(?![a-z])"
    r"|three\s+quarters\s+of\s+an\s+hour(?![a-z])"
    r"|half\s+a\s+day(?![a-z])"
    r"|hour\s+and\s+(?:a\s+)?(?P<f>half|quarter)(?![a-z])"
)
_DUR_PRE = re.compile(
    r"(?P<pre>for\s+the\s+next|over\s+the\s+next|in\s+the\s+next|during\s+the\s+next"
    r"|within\s+the\s+next|the\s+next|next|within|for|in|after)\s+"
    r"(?P<approx>(?:about|around|roughly|approximately|approx\.?|some)\s+)?"
)
_BARE_UNIT = re.compile(r"(?P<u>hour|minute)(?![a-z])")
_DUR_POST = re.compile(r"\s+(?P<post>from\s+now|later|time|'s\s+time|s\s+time)(?![a-z])")
_JOIN = re.compile(r"\s*,?\s*(?:and\s+)?")
_COMPACT_REST = re.compile(r"(?P<n>\d{1,2})(?![\d:.a-z])")
_ISO_DUR = re.compile(
    r"p(?:(?P<d>\d+)d)?(?:t(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?)?(?![a-z0-9])"
)

_FRAC_VALUE = {"a half": 0.5, "one half": 0.5, "a quarter": 0.25, "three quarters": 0.75}
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_RANKS = {"w": -1, "d": 0, "h": 1, "m": 2, "s": 3}  # units in a length go largest first
_UNIT_GROUPS = tuple((k, f"u_{k}") for k in "wdhms")  # _COMP's group for each unit
_FOUR_DIGITS = re.compile(r"\d{4}")
_LOOSE_MINUTES = re.compile(r"\s+(?P<n>[1-5]\d)(?![\d:.]|\s*(?:[ap]\.?\s?m|o'?clock|h(?![a-z])"
                            r"|hours?|hrs?|minutes?|mins?|m(?![a-z])|s(?![a-z])|seconds?|secs?))")
_DAYS_OR_WEEKS = re.compile(r"\d\s*[dw](?![a-z])|(?:days?|weeks?|wks?)(?![a-z])")


def _qty(text: str) -> float:
    s = " ".join(text.split())
    if "couple" in s:
        return 2
    return number(s)


class Ctx:
    """The text being lexed, for handlers that look around their match."""

    def __init__(self, norm: str, original: str):
        self.norm = norm
        self.original = original
        self.notes: list[ReadAs | Approximate] = []

    def before(self, pos: int) -> str:
        return self.norm[max(0, pos - 24):pos]

    def note_approx(self, start: int, end: int) -> None:
        self.notes.append(Approximate(self.original[start:end].strip()))

    def typo(self, start: int, end: int, canonical: str) -> None:
        written = self.original[start:end]
        if written.strip().lower() != canonical:
            self.notes.append(ReadAs(written.strip(), canonical))


Rule = Callable[[Ctx, int], tuple[int, list[Token]] | None]


def _scan_duration(ctx: Ctx, pos: int) -> tuple[int, float] | None:
    """A duration starting at pos: (end, seconds)."""
    s = ctx.norm
    m = _SPECIAL_DUR.match(s, pos)
    if m:
        text = " ".join(m.group(0).split())
        if m.group("f"):
            secs = 3600 * (1.5 if m.group("f") == "half" else 1.25)
        elif text.startswith("three"):
            secs = 2700
        elif text.endswith("day"):
            secs = 43200
        elif "half" in text:
            secs = 1800
        else:
            secs = 900
        return m.end(), secs
    total = 0.0
    end = pos
    last_rank = -2
    cur = pos
    while True:
        m = _COMP.match(s, cur)
        if not m:
            break
        unit = next(k for k, group in _UNIT_GROUPS if m.group(group))
        if _RANKS[unit] <= last_rank:
            break
        q = m.group("q")
        if unit == "h" and _FOUR_DIGITS.fullmatch(q):
            return None  # "2130 hrs": a 24-hour clock time, not 89 days
        if q in ("a", "an") and m.group(f"u_{unit}") in ("w", "d", "h", "m", "s"):
            break  # "a h" is not a duration
        try:
            value = _qty(q)
        except (ValueError, ZeroDivisionError):
            return None
        frac = m.group("frac") or m.group("frac2")
        if frac:
            value += _FRAC_VALUE[" ".join(frac.split())]
        total += value * _UNIT_SECONDS[unit]
        last_rank = _RANKS[unit]
        end = m.end()
        # "1h30", "2m30": a bare number right after the unit is the next unit.
        if unit in "hm" and not frac:
            rest = _COMPACT_REST.match(s, end)
            if rest and s[end - 1].isalpha() and len(m.group(f"u_{unit}")) == 1:
                total += int(rest.group("n")) * _UNIT_SECONDS["m" if unit == "h" else "s"]
                end = rest.end()
                break
            loose = _LOOSE_MINUTES.match(s, end) if unit == "h" else None
            if loose:  # "2 hours 15": 2 h 15 min, not a clock time at 15:00
                total += int(loose.group("n")) * 60
                end = loose.end()
                break
        j = _JOIN.match(s, end)
        cur = j.end() if j else end
    if end == pos:
        return None
    return end, total


_AT_BEFORE = re.compile(r"(?:^|\s)at\s+$")


def _rule_duration(ctx: Ctx, pos: int):
    s = ctx.norm
    pre_m = _DUR_PRE.match(s, pos)
    pre = " ".join(pre_m.group("pre").split()) if pre_m else None
    start = pre_m.end() if pre_m else pos
    found = _scan_duration(ctx, start)
    if found is None and pre is not None and "next" in pre:
        bare = _BARE_UNIT.match(s, start)  # "over the next hour"
        if bare:
            found = bare.end(), 3600.0 if bare.group("u") == "hour" else 60.0
    if found is None:
        return None
    end, secs = found
    if secs <= 0:
        return None
    post_m = _DUR_POST.match(s, end)
    post = post_m.group("post") if post_m else None
    if post:
        end = post_m.end()
    if post and pre == "for":
        return None
    if s[end:end + 1].isalnum() and not s[end - 1].isspace():
        return None
    before = ctx.before(pos)
    if pre is None and _AT_BEFORE.search(before):
        return None  # "at 20h" is a clock time, never a duration
    delta = timedelta(seconds=secs)
    if pre_m and pre_m.group("approx"):
        ctx.note_approx(pos, end)
    if (pre in ("in", "after") or post) and _DAYS_OR_WEEKS.search(s[start:end]):
        return None  # "in 2 days": a day, not an instant (see the day rules)
    if pre in ("in", "after") or post:
        return end, [OffsetTok(delta, start=pos, end=end)]
    return end, [DurationTok(delta, start=pos, end=end)]


_FOR_HMM = re.compile(r"for\s+(?P<h>\d{1,2}):(?P<m>[0-5]\d)(?![\d:]|\s*(?:[ap]\.?\s?m|o'?clock))"
                      r"(?:\s*(?:hours?|hrs?|h))?(?![a-z0-9])")


def _rule_for_hmm(ctx: Ctx, pos: int):
    """"for 1:30": a length of 1 h 30 min (a clock time never follows "for")."""
    m = _FOR_HMM.match(ctx.norm, pos)
    if not m:
        return None
    delta = timedelta(hours=int(m.group("h")), minutes=int(m.group("m")))
    if delta <= timedelta(0):
        return None
    return m.end(), [DurationTok(delta, start=pos, end=m.end())]


def _rule_iso_duration(ctx: Ctx, pos: int):
    m = _ISO_DUR.match(ctx.norm, pos)
    if not m or m.end() - pos < 3 or not any(m.group(k) for k in "dhms"):
        return None
    secs = (int(m.group("d") or 0) * 86400 + float(m.group("h") or 0) * 3600
            + int(m.group("m") or 0) * 60 + int(m.group("s") or 0))
    if secs <= 0:
        return None
    return m.end(), [DurationTok(timedelta(seconds=secs), start=pos, end=m.end())]


# Chinese -----------------------------------------------------------------

_CN_HOURS = r"(?:小时|钟头|个钟头?|个点)"
_CN_DUR = (
    rf"(?:{CN_NUM}\s*个?\s*半?\s*{_CN_HOURS}(?:\s*零?\s*{CN_NUM}\s*分钟?)?"
    rf"|(?:{CN_NUM}\s*)?个半\s*(?:小时|钟头?)"
    rf"|半\s*个?\s*(?:小时|钟头?)"
    rf"|{CN_NUM}\s*分\s*半\s*钟?"
    rf"|{CN_NUM}\s*分钟?\s*(?:零\s*)?{CN_NUM}\s*秒钟?"
    rf"|{CN_NUM}\s*分钟|{CN_NUM}\s*秒钟?|[一三]刻钟)"
)
_CN_NUM_CLASS = r"[零〇一二两俩三四五六七八九十百\d.]"

PERIODS_EN = {"morning": Period.MORNING, "afternoon": Period.AFTERNOON, "arvo": Period.AFTERNOON,
              "evening": Period.EVENING, "night": Period.NIGHT, "tonight": Period.NIGHT}
PERIODS_ZH = {
    "早": Period.MORNING, "晚": Period.EVENING,
    "凌晨": Period.EARLY, "清晨": Period.MORNING, "早上": Period.MORNING,
    "早晨": Period.MORNING, "上午": Period.MORNING, "朝早": Period.MORNING,
    "中午": Period.NOON, "午间": Period.NOON, "正午": Period.NOON, "晏昼": Period.NOON,
    "下午": Period.AFTERNOON, "下昼": Period.AFTERNOON, "傍晚": Period.DUSK, "黄昏": Period.DUSK,
    "晚上": Period.EVENING, "晚间": Period.EVENING, "夜晚": Period.NIGHT, "夜里": Period.NIGHT,
    "夜间": Period.NIGHT, "深夜": Period.NIGHT, "半夜": Period.NIGHT,
}  # fmt: skip


def cn_duration(span: str) -> timedelta:
    """Value of a span matched by _CN_DUR."""
    s = span.replace(" ", "")
    if s.endswith("刻钟"):
        return timedelta(minutes=15 if s[0] == "一" else 45)
    m = re.fullmatch(rf"({CN_NUM})?个半(?:小时|钟头?)", s)
    if m:
        return timedelta(hours=(number(m.group(1)) if m.group(1) else 1) + 0.5)
    m = re.fullmatch(rf"({CN_NUM})分半钟?", s)
    if m:
        return timedelta(minutes=number(m.group(1)) + 0.5)
    m = re.fullmatch(rf"({CN_NUM})分钟?零?({CN_NUM})秒钟?", s)
    if m:
        return timedelta(minutes=number(m.group(1)), seconds=number(m.group(2)))
    m = re.fullmatch(rf"({CN_NUM})秒钟?", s)
    if m:
        return timedelta(seconds=number(m.group(1)))
    m = re.match(rf"(?:({CN_NUM})个?)?(半)?个?{_CN_HOURS}", s)
    if m:
        hours = (number(m.group(1)) if m.group(1) else 0) + (0.5 if m.group(2) else 0)
        minutes = 0.0
        mm = re.match(rf"零?({CN_NUM})分钟?$", s[m.end():])
        if mm:
            minutes = number(mm.group(1))
        return timedelta(hours=hours, minutes=minutes)
    return timedelta(minutes=number(s[: s.index("分")]))


# Handlers: each takes the match and the context and returns tokens, or None
# to let later rules try.

Emit = list[Token] | None


def _sp(m: re.Match) -> dict[str, int]:
    return {"start": m.start(), "end": m.end()}


def _clock(m: re.Match, h: int, mi: int = 0, s: int = 0, mer: str | None = None,
           style: Style = Style.EXACT) -> Emit:
    clock = _clock_value(h, mi, s, mer, style)
    return None if clock is None else [ClockTok(clock, **_sp(m))]


@lru_cache(maxsize=4096, typed=True)
def _clock_value(h: int, mi: int, s: int, mer: str | None, style: Style) -> Clock | None:
    """The Clock that h:mi:s (am/pm ``mer``) reads as, None if there is none; pure, and
    remembered (there are few clock times, and each phrase has one or two)."""
    if mi >= 60 or s >= 60:
        return None
    if mer:
        if not 1 <= h <= 12:
            return None
        return Clock(h, mi, s, mer, Style.EXACT)
    if h == 24 and mi == 0 and s == 0:
        return Clock(0, day_shift=1)
    if h > 23:
        return None
    if h == 0 or h >= 13:
        style = Style.EXACT
    return Clock(h, mi, s, None, style)


def _mer(m: re.Match) -> str | None:
    letter = m.group("mer") or m.group("mer1")
    return f"{letter}m" if letter else None


def _en_clock(m: re.Match, ctx: Ctx) -> Emit:
    h, mins, sec = m.group("h"), m.group("m"), m.group("s")
    mer = _mer(m)
    if mins is None:
        style = Style.BARE
    elif h.startswith("0"):
        style = Style.EXACT
    else:
        style = Style.COLON
    return _clock(m, int(h), int(mins or 0), int(sec or 0), mer, style)


def _dot_clock(m: re.Match, ctx: Ctx) -> Emit:
    """"19.30", "8.30pm": a clock time (a number with a unit was taken as a duration)."""
    h, mins = m.group("h"), m.group("m")
    mer = _mer(m)
    style = Style.EXACT if h.startswith("0") else Style.COLON
    return _clock(m, int(h), int(mins), 0, mer, style)


def _colonless(m: re.Match, ctx: Ctx) -> Emit:
    """"845pm", "1130am"; "at 2115", "from 2000 to 2200" (24-hour, no colon)."""
    hm = m.group("hm")
    mer = _mer(m)
    if not mer:
        before = ctx.before(m.start())
        after = ctx.norm[m.end():m.end() + 16]
        context = (re.search(r"(?:^|\s)(?:at|from|until|till|til|by|to|starting|between|and)\s*$"
                             r"|[-~]\s*$", before)
                   or re.match(r"\s*(?:-|~|to|until|till)\s*\d{4}(?!\d)", after)
                   or m.group("hrs"))
        if len(hm) != 4 or not context:
            return None
    return _clock(m, int(hm[:-2]), int(hm[-2:]), 0, mer)


def _euro_h(m: re.Match, ctx: Ctx) -> Emit:
    """"21h", "19h45", "8h-10h": European clock times, when nothing says duration."""
    h = int(m.group("h"))
    mins = m.group("m")
    before = ctx.before(m.start())
    after = ctx.norm[m.end():m.end() + 12]
    if re.search(r"(?:^|\s)(?:for|in|after|within|next)\s+$", before):
        return None  # a duration
    says_clock = (re.search(r"(?:^|\s)(?:at|from|until|till|til|to|by|starting|à|a)\s+$|[-~]\s*$",
                            before)
                  or re.match(r"\s*(?:-|~|to)\s*\d{1,2}h", after))
    if h > 23 or (mins and int(mins) >= 60):
        return None
    if says_clock or (mins == "00") or (mins and h >= 13):
        return _clock(m, h, int(mins or 0))
    delta = timedelta(hours=h, minutes=int(mins or 0))
    if mins and h <= 9:
        return None  # "1h30", "2h45": a duration
    if not mins and h <= 12:
        return None  # "2h": a duration, as English writes it
    return [ClockOrDurationTok(Clock(h, int(mins or 0)), delta, **_sp(m))]


def _spelled_clock(m: re.Match, ctx: Ctx) -> Emit:
    """"nine", "eleven fifteen", "six forty pm", "seven oh five"."""
    h = en_int(m.group("h"))
    mins_text = m.group("m")
    mins = 0
    if mins_text:
        if "clock" in mins_text:
            mins = 0
        elif mins_text.startswith("oh") or mins_text.startswith("o "):
            mins = en_int(mins_text.split()[-1])
        else:
            mins = en_int(mins_text)
    mer = _mer(m)
    return _clock(m, h, mins, 0, mer, Style.BARE)


def _hour_value(text: str) -> int:
    return int(text) if text.isdigit() else en_int(text)


_ARITH_TO = {5, 10, 20, 25}
_CLOCK_BEFORE = re.compile(r"(?:^|\s)(?:at|by|until|till|til|around|about|before|after|starting"
                           r"|from\s+now\s+until)\s+$")
_CLOCK_AFTER = re.compile(r"\s*(?:for\s|until|till|til|to\s|-|~|'?ish)")


def _says_clock(ctx: Ctx, m: re.Match) -> bool:
    """Context that makes "five to eleven" a clock time: "at …", "… for 2 hours", "… until 1"."""
    return bool(_CLOCK_BEFORE.search(ctx.before(m.start()))
                or _CLOCK_AFTER.match(ctx.norm, m.end()))


def _past_to(m: re.Match, ctx: Ctx) -> Emit:
    """"half past 8", "quarter to nine", "ten after 4pm", "five to eleven"."""
    words = " ".join(m.group("mm").split())
    rel = m.group("rel")
    hour_text = m.group("h")
    if rel in ("to", "till", "til") and re.search(r"(?:^|\s)(?:from|between)\s+$",
                                                  ctx.before(m.start())):
        return None  # "from five to eleven" is a range
    if words == "half":
        minutes = 30
    elif "three quarters" in words:
        minutes = 45
    elif "quarter" in words:
        minutes = 15
    else:
        num = words.split()[0]
        minutes = int(num) if num.isdigit() else en_int(num)
        with_unit = "min" in words
        if rel in ("to", "till", "til", "before", "of") and not with_unit:
            if num.isdigit():
                return None  # "10 to 9", "20 to 1": the range rules (and question) decide
            if minutes not in _ARITH_TO:
                return None  # "seven to nine" is a range
            hour = _hour_value(hour_text) if hour_text not in ("noon", "midnight", "midday") else 12
            if minutes < hour and not _says_clock(ctx, m):
                # "ten to eleven": 10:50, or the range 10-11? Both read naturally: ask.
                h1, m1 = (hour - 1 or 12), 60 - minutes
                clock = f"{h1}:{m1:02d}"
                ranged = f"{minutes} to {hour}"
                return [QuestionTok("clock-or-range", (("clock", clock), ("range", ranged)),
                                    (f"at {clock}", ranged), **_sp(m))]
        if rel == "of" and not with_unit:
            return None
    if hour_text in ("noon", "midnight", "midday"):
        base = 12 if hour_text != "midnight" else 0
        total = base * 60 + (minutes if rel in ("past", "after") else -minutes)
        h, mi = divmod(total % 1440, 60)
        shift = 1 if hour_text == "midnight" and rel in ("past", "after") else 0
        if not 0 < minutes < 60:
            return None
        return [ClockTok(Clock(h, mi, day_shift=shift), **_sp(m))]
    hour = _hour_value(hour_text)
    mer = _mer(m)
    if not (0 < minutes < 60 and (1 <= hour <= 12 or (13 <= hour <= 23 and not mer))):
        return None
    if rel in ("to", "till", "til", "before", "of"):
        if mer and hour == 12:
            return None  # "quarter to 12pm" crosses the meridiem; say 11:45am
        hour, minutes = (hour - 1 or 12), 60 - minutes
    if mer:
        return _clock(m, hour, minutes, 0, mer)
    return _clock(m, hour, minutes, 0, None, Style.EXACT if hour >= 13 else Style.BARE)


def _half_hour_british(m: re.Match, ctx: Ctx) -> Emit:
    """British "half ten" = 10:30."""
    hour = _hour_value(m.group("h"))
    if not 1 <= hour <= 12:
        return None
    return _clock(m, hour, 30, 0, _mer(m), Style.BARE)


def _n_to_h(m: re.Match, ctx: Ctx) -> Emit:
    """"20 to 1", "10 to 9": minutes-to or a range? Asked when both read."""
    n, h = int(m.group("n")), int(m.group("h"))
    if re.search(r"(?:^|\s)(?:from|between)\s+$", ctx.before(m.start())):
        return None
    if n not in _ARITH_TO or not 1 <= h <= 12 or n < h:
        return None
    hour, minutes = (h - 1 or 12), 60 - n
    clock = f"{hour}:{minutes:02d}"
    ranged = f"{n:02d}:00 to {h:02d}:00" if n > 12 else f"{n} to {h}"
    return [QuestionTok("clock-or-range", (("clock", clock), ("range", ranged)),
                        (clock, ranged), **_sp(m))]


def _cn_clock(m: re.Match, ctx: Ctx) -> Emit:
    if "." in m.group("h") or "." in (m.group("m") or ""):
        return None
    try:
        h = int(number(m.group("h")))
        if m.group("half"):
            mins = 30
        elif m.group("q"):
            mins = 15 if m.group("q") == "一刻" else 45
        elif m.group("zi"):
            mins = int(number(m.group("zi"))) * 5  # Cantonese: one 字 is five minutes
        elif m.group("m"):
            raw = m.group("m")
            mins = int(number(raw))
            if (len(raw) == 1 and 1 <= mins <= 11 and not m.group("fen")
                    and not m.group("before_m")):
                # 8点5: Mandarin 8:05, Cantonese 8:25 (5 字). Ask.
                first, second = f"{h}点{mins:02d}分", f"{h}点{mins * 5}分"
                if mins * 5 >= 60:
                    return _clock(m, h, mins, 0, None, Style.BARE)
                return [QuestionTok("minutes-reading", (("first", first), ("second", second)),
                                    (first, second), **_sp(m))]
        else:
            mins = 0
    except ValueError:
        return None
    return _clock(m, h, mins, 0, None, Style.BARE)


def _cn_minutes_to(m: re.Match, ctx: Ctx) -> Emit:
    """"差一刻九点" (8:45), "差五分十点" (9:55)."""
    h = int(number(m.group("h")))
    mins = (15 if m.group("q") == "一刻" else 45) if m.group("q") else int(number(m.group("m")))
    if not (1 <= h <= 24 and 0 < mins < 60):
        return None
    return _clock(m, h - 1 or 12, 60 - mins, 0, None, Style.BARE if h - 1 <= 12 else Style.EXACT)


def _cn_offset(m: re.Match, ctx: Ctx) -> Emit:
    value = cn_duration(m.group("d") or m.group("d2"))
    return [OffsetTok(value, **_sp(m))] if value > timedelta(0) else None


def _cn_dur(m: re.Match, ctx: Ctx) -> Emit:
    value = cn_duration(m.group("d"))
    return [DurationTok(value, **_sp(m))] if value > timedelta(0) else None


def _weekday_en(m: re.Match, ctx: Ctx) -> Emit:
    if m.group("wd2"):
        return [DayTok(Weekday(WEEKDAYS_EN[m.group("wd2")[:3]], WeekMode.NEXT_WEEK), **_sp(m))]
    wd = WEEKDAYS_EN[m.group("wd")[:3]]
    mod = " ".join((m.group("mod") or "").split())
    if m.group("nw"):
        if mod:
            return None
        mode = WeekMode.NEXT_WEEK
    elif m.group("tw"):
        if mod:
            return None
        mode = WeekMode.THIS_WEEK
    else:
        mode = {"": WeekMode.UPCOMING, "this": WeekMode.UPCOMING, "coming": WeekMode.UPCOMING,
                "this coming": WeekMode.UPCOMING, "next": WeekMode.NEXT,
                "the following": WeekMode.NEXT_WEEK, "a week on": WeekMode.NEXT_WEEK,
                }[mod]  # fmt: skip
    return [DayTok(Weekday(wd, mode), **_sp(m))]


def _weekday_zh(m: re.Match, ctx: Ctx) -> Emit:
    mod = (m.group("mod") or "").replace("个", "")
    mode = {"": WeekMode.UPCOMING, "这": WeekMode.THIS_WEEK, "本": WeekMode.THIS_WEEK,
            "今": WeekMode.THIS_WEEK, "下": WeekMode.NEXT_WEEK, "下下": WeekMode.WEEK_AFTER,
            "上": WeekMode.LAST_WEEK}[mod]  # fmt: skip
    wd = m.group("wd")
    wd = int(wd) - 1 if wd.isdigit() else WEEKDAYS_ZH[wd]
    return [DayTok(Weekday(wd, mode), **_sp(m))]


def _en_date(m: re.Match, ctx: Ctx) -> Emit:
    month = MONTHS_EN[(m.group("m1") or m.group("m2"))[:3]]
    day = int(m.group("d1") or m.group("d2"))
    year = int(m.group("y")) if m.group("y") else None
    wd = WEEKDAYS_EN[m.group("wd")[:3]] if m.group("wd") else None
    return [DayTok(CalDate(year, month, day, wd), **_sp(m))]


def _num_date(m: re.Match, ctx: Ctx) -> Emit:
    return [DayTok(CalDate(int(m.group("y")), int(m.group("mo")), int(m.group("d"))), **_sp(m))]


def _slash_date(m: re.Match, ctx: Ctx) -> Emit:
    """"28/12", "12/11", "12/11/2026": day/month or month/day."""
    a, b = int(m.group("a")), int(m.group("b"))
    y = m.group("y")
    year = None if y is None else int(y) + (2000 if len(y) == 2 else 0)
    if y is not None and len(y) not in (2, 4):
        return None
    if not (1 <= a <= 31 and 1 <= b <= 31):
        return None
    return [DayTok(EitherDate(CalDate(year, b, a), CalDate(year, a, b)), **_sp(m))]


def _dash_date(m: re.Match, ctx: Ctx) -> Emit:
    """"12-28": month-day, only when it cannot be a range of hours."""
    a, b = int(m.group("a")), int(m.group("b"))
    if a <= 24 and b <= 24:
        return None
    if not (1 <= a <= 31 and 1 <= b <= 31):
        return None
    return [DayTok(EitherDate(CalDate(None, b, a), CalDate(None, a, b)), **_sp(m))]


def _cn_date(m: re.Match, ctx: Ctx) -> Emit:
    try:
        year = int(number(m.group("y"))) if m.group("y") else None
        return [DayTok(CalDate(year, int(number(m.group("mo"))), int(number(m.group("d")))),
                       **_sp(m))]
    except ValueError:
        return None


def _cn_dom(m: re.Match, ctx: Ctx) -> Emit:
    try:
        months = {"下个月": 1, "下月": 1, "本月": 0, "这个月": 0, "这月": 0, "当月": 0}.get(
            (m.group("mon") or "").replace(" ", ""))
        return [DayTok(DayOfMonth(int(number(m.group("d"))), months), **_sp(m))]
    except ValueError:
        return None


def _iso(m: re.Match, ctx: Ctx) -> Emit:
    off = m.group("off")
    if m.group("t") == " " and off.startswith("-"):
        return None  # "2026-12-03 09:30-10:30" is a range, not an offset
    try:
        naive = datetime.fromisoformat(f"{m.group('date')}T{m.group('time')}")
        if off == "z":
            zone = zones.named("UTC")
        else:
            o = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", off)
            assert o is not None
            zone = zones.fixed(zones.offset_minutes(o.group(1), o.group(2), o.group(3)))
    except ValueError:
        return None
    return [InstantTok(naive.replace(tzinfo=zone.tz), zone, **_sp(m))]


def _unix(m: re.Match, ctx: Ctx) -> Emit:
    value = float(m.group("ts"))
    if len(m.group("ts").split(".")[0]) == 13:
        value /= 1000
    return [InstantTok(datetime.fromtimestamp(value, tz=UTC), None, **_sp(m))]


def _utc_offset(m: re.Match, ctx: Ctx) -> Emit:
    try:
        minutes = zones.offset_minutes(m.group("sign"), m.group("h"), m.group("m"))
    except ValueError:
        return None
    return [ZoneTok(zones.fixed(minutes), **_sp(m))]


def _cn_utc_offset(m: re.Match, ctx: Ctx) -> Emit:
    hours = int(number(m.group(2)))
    if hours > 12:
        return None
    return [ZoneTok(zones.fixed(hours * 60 * (1 if m.group(1) == "东" else -1)), **_sp(m))]


def _abbrev(m: re.Match, ctx: Ctx) -> Emit:
    word = " ".join(m.group(0).split())
    if word in zones.AMBIGUOUS:
        return [UnknownTok(zone_meaning=f"{zones.AMBIGUOUS[word]} time", **_sp(m))]
    return [ZoneTok(zones.named(zones.ABBREVIATIONS[word]), **_sp(m))]


def _iana(m: re.Match, ctx: Ctx) -> Emit:
    zone = zones.iana(m.group(0))
    return [ZoneTok(zone, **_sp(m))] if zone else None


def _period_en(m: re.Match, ctx: Ctx) -> Emit:
    word = m.group("p")
    items: Emit = []
    if word in TYPOS and TYPOS[word] == "tonight":
        ctx.typo(m.start("p"), m.end("p"), "tonight")
        word = "tonight"
    if m.group("this") or word == "tonight":
        items.append(DayTok(RelDay(0), **_sp(m)))
    items.append(PeriodTok(PERIODS_EN[word], **_sp(m)))
    return items


def _in_days(m: re.Match, ctx: Ctx) -> Emit:
    text = m.group("n") or m.group("n2")
    days = 1 if text in ("a", "an") else number(text)
    unit = m.group("unit") or m.group("unit2")
    if unit.startswith("week"):
        days *= 7
    if days != int(days) or not 0 < days < 400:
        return None
    return [DayTok(RelDay(int(days)), **_sp(m))]


def _typo_day(canonical: str, days: int) -> Callable[[re.Match, Ctx], Emit]:
    def handler(m: re.Match, ctx: Ctx) -> Emit:
        ctx.typo(m.start(), m.end(), canonical)
        return [DayTok(RelDay(days), **_sp(m))]

    return handler


def _until(m: re.Match, ctx: Ctx) -> Emit:
    word = m.group(0).strip()
    if word in TYPOS:
        ctx.typo(m.start(), m.end(), "until")
    return [SepTok(Sep.UNTIL, **_sp(m))]


def _const(*factories: Callable[[dict], Token]) -> Callable[[re.Match, Ctx], Emit]:
    return lambda m, ctx: [f(_sp(m)) for f in factories]


def _day(spec) -> Callable[[dict], Token]:
    return lambda sp: DayTok(spec, **sp)


def _period(period: Period) -> Callable[[dict], Token]:
    return lambda sp: PeriodTok(period, **sp)


def _nothing(m: re.Match, ctx: Ctx) -> Emit:
    return []


_ABBREV_RE = "|".join(
    sorted((re.escape(k).replace(r"\ ", r"\s+") for k in
            list(zones.ABBREVIATIONS) + list(zones.AMBIGUOUS) if k != "z"),
           key=len, reverse=True)
)
_HOUR_ANY = rf"(?:\d{{1,2}}|{EN_HOUR_WORD}|noon|midnight|midday)"
_MM = (rf"half|(?:a\s+)?quarter|three\s+quarters|\d{{1,2}}(?:\s+(?:minutes?|mins?))?"
       rf"|{EN_WORD}(?:\s+(?:minutes?|mins?))?")

_CJK_BEGIN, _CJK_END = "cjk-begin", "cjk-end"
_REGEX_RULES: list = [
    (r"(?P<date>\d{4}-\d{2}-\d{2})(?P<t>[t ])"
     r"(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<off>z|[+-]\d{2}(?::?\d{2})?)(?![\d:])", _iso),
    (r"@?(?P<ts>\d{10}(?:\d{3})?(?:\.\d+)?)(?![\d:])", _unix),
    (r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:t(?=\d)|(?![\d]))", _num_date),
    # ISO 8601 interval: start/end; start/PT2H (the duration follows)
    (r"(?<=[\dz])/(?=\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|t\d))",
     _const(lambda sp: SepTok(Sep.RANGE, **sp))),
    (r"(?<=[\dz])/(?=p)", _nothing),
    _rule_iso_duration,
    (r"(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?![\d:])", _utc_offset),
    _CJK_BEGIN,  # rules below need a Chinese character: not tried on text without one
    (r"(?:接下来|未来|之后|往后|在接下来)的?\s*(?P<d>" + _CN_DUR + ")",
     lambda m, ctx: _cn_dur(m, ctx)),
    (rf"(?P<d>{_CN_DUR})\s*(?:之内|以内|内)", _cn_dur),
    (rf"(?:再?过\s*)?(?P<d>{_CN_DUR})\s*(?:之|以)?后|再?过\s*(?P<d2>{_CN_DUR})", _cn_offset),
    (rf"(?:录制|录像|录|持续|时长|总共|共|长)?\s*(?P<d>{_CN_DUR})", _cn_dur),
    (r"现在马上|现在立刻|现在就|现在|马上|立刻|立即|即刻|此刻|即时|立马|而家|依家|宜家", _const(
        lambda sp: NowTok(**sp))),
    (r"一直到|直到|截止到|截至|截止", _const(lambda sp: SepTok(Sep.UNTIL, **sp))),
    (rf"(?:(?P<n>{CN_NUM})|(?P<n2>[一两二三四五六七八九十]))\s*(?P<unit>天|日|个?(?:星期|礼拜)|周)"
     rf"\s*(?:之|以)?后(?P<unit2>)",
     _in_days),
    (r"到|至", _const(lambda sp: SepTok(Sep.UNTIL, **sp))),
    (r"大后天|大后日", _const(_day(RelDay(3)))),
    (r"后天|后日|后儿", _const(_day(RelDay(2)))),
    (r"明天|明日|听日|明儿", _const(_day(RelDay(1)))),
    (r"今天|今日|当下|今儿", _const(_day(RelDay(0)))),
    (r"昨天|昨日|琴日|寻日", _const(_day(RelDay(-1)))),
    (r"第二天|第二日|次日|翌日|隔天|隔日", _const(_day(AnchorDay(1)))),
    (r"当天|当日|同一天|同日", _const(_day(AnchorDay(0)))),
    (r"当晚|当夜", _const(_day(AnchorDay(0)), _period(Period.NIGHT))),
    (r"今晚|今夜", _const(_day(RelDay(0)), _period(Period.NIGHT))),
    (r"明晚|明夜|听晚", _const(_day(RelDay(1)), _period(Period.NIGHT))),
    (r"今早|今朝", _const(_day(RelDay(0)), _period(Period.MORNING))),
    (r"明早|听朝|明朝", _const(_day(RelDay(1)), _period(Period.MORNING))),
    (r"(?P<mod>下下个|下下|下个|下|这个|这|本|今|上个|上)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])",
     _weekday_zh),
    (rf"(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*)?(?P<mo>{CN_NUM})\s*月(?:份)?\s*"
     rf"(?P<d>{CN_NUM})\s*(?:日|号)", _cn_date),
    (rf"(?P<mon>下\s*个\s*月|下月|本月|这\s*个\s*月|这月|当月)?\s*(?P<d>{CN_NUM})\s*(?:日|号)",
     _cn_dom),
    (r"午夜", _const(lambda sp: ClockTok(Clock(0, day_shift=1), **sp))),
    ("|".join(sorted(PERIODS_ZH, key=len, reverse=True)),
     lambda m, ctx: [PeriodTok(PERIODS_ZH[m.group(0)], **_sp(m))]),
    (rf"差\s*(?:(?P<q>一刻|三刻)|(?P<m>{CN_NUM})\s*分钟?)\s*(?P<h>{CN_NUM})\s*(?:点|时)钟?",
     _cn_minutes_to),
    (rf"(?P<h>{CN_NUM})\s*(?:点|时)\s*差\s*(?:(?P<q>一刻|三刻)|(?P<m>{CN_NUM})\s*分钟?)",
     _cn_minutes_to),
    (rf"(?P<h>{CN_NUM})\s*(?:点|时)\s*钟?\s*(?:(?P<half>半)|(?P<q>一刻|三刻)"
     rf"|(?P<zi>{CN_NUM})\s*个\s*字"
     rf"|(?!{_CN_NUM_CLASS}*\s*(?:个|小时|钟头|分钟|秒))(?P<before_m>零)?(?P<m>{CN_NUM})\s*(?P<fen>分)?"
     rf"|整)?", _cn_clock),
    ("|".join(sorted(zones.CHINESE, key=len, reverse=True)),
     lambda m, ctx: [ZoneTok(zones.named(zones.CHINESE[m.group(0)]), **_sp(m))]),
    (zones.CHINESE_OFFSET_RE.pattern, _cn_utc_offset),
    (r"左右|前后|大约|大概|约莫|约|差不多|差唔多", _const(lambda sp: ApproxTok(**sp))),
    (r"(?:之|以)前|前", _const(lambda sp: BeforeTok(**sp))),
    (r"(?:之|以)后|后|开始之后", _const(lambda sp: AfterTok(**sp))),
    (r"(?:录制|直播|开播)?(?:时间|时段)\s*[:是为]?", _nothing),
    (r"从|起|开始|开播|直播|录制|录像|录播|录|在|于|的|之间|为止", _nothing),
    _CJK_END,
    (r"[,()\[\]\"'「」“”]|\+(?=\s*\d)", _nothing),
    (rf"(?P<mm>{_MM})\s+(?P<rel>past|after|to|before|till|til|of)\s+(?P<h>{_HOUR_ANY})"
     rf"(?:{MER})?{_BC}", _past_to),
    (rf"half\s+(?P<h>\d{{1,2}}|{EN_HOUR_WORD})(?!\s*(?:hours?|hrs?|h|minutes?|mins?|:))(?:{MER})?{_BC}",
     _half_hour_british),
    (r"(?P<n>\d{1,2})\s+(?:to|till|til)\s+(?P<h>\d{1,2})(?![\d:]|\s*(?:[ap]\.?m|o'?clock))",
     _n_to_h),
    (r"(?P<h>\d{1,2})h(?P<m>\d{2})?(?![a-z0-9])", _euro_h),
    _rule_for_hmm,
    _rule_duration,  # after clock arithmetic ("ten minutes to nine")
    (rf"(?:right\s+now|right\s+away|straight\s+away|now|immediately|asap|at\s+once"
     rf"|this\s+(?:very\s+)?(?:minute|moment)){_B}", _const(lambda sp: NowTok(**sp))),
    (rf"between{_B}", _const(lambda sp: BetweenTok(**sp))),
    (rf"(?:until|till|til|'til|up\s+to|up\s+until|by|before|{_UNTIL_TYPO}){_B}", _until),
    (r"(?:and\s+)?(?:end(?:s|ing)?|finish(?:es|ing)?|stop(?:s|ping)?)(?:\s+at)?(?![a-z])",
     _const(lambda sp: SepTok(Sep.UNTIL, **sp))),
    (rf"(?:to|thru|through){_B}|->|=>|-(?!\s*ish(?![a-z]))|~",
     _const(lambda sp: SepTok(Sep.RANGE, **sp))),
    (rf"and{_B}", _const(lambda sp: SepTok(Sep.AND, **sp))),
    (rf"(?:the\s+)?day\s+after\s+(?:tomorrow|{_TOMORROW}){_B}|overmorrow{_B}",
     _const(_day(RelDay(2)))),
    (rf"(?:tomorrow|{_TOMORROW}){_B}", _typo_day("tomorrow", 1)),
    (rf"(?:today|tdy|todya){_B}", _typo_day("today", 0)),
    (rf"yesterday{_B}", _const(_day(RelDay(-1)))),
    (rf"(?:the\s+)?(?:next|following)\s+day{_B}|the\s+day\s+after{_B}",
     _const(_day(AnchorDay(1)))),
    (rf"(?:that|the\s+same)\s+day{_B}", _const(_day(AnchorDay(0)))),
    (rf"that\s+(?:night|evening){_B}", _const(_day(AnchorDay(0)), _period(Period.NIGHT))),
    (rf"(?:(?P<wd>{WD}),?\s+)?(?:(?P<m1>{_MON})\.?\s+(?:the\s+)?(?P<d1>\d{{1,2}}){_ORD}"
     rf"|(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m2>{_MON})\.?)"
     rf"(?:,?\s+(?P<y>\d{{4}}))?(?![a-z0-9:])", _en_date),
    (rf"(?:next\s+week\s+(?:on\s+)?(?P<wd2>{WD})|(?:(?P<mod>next|this\s+coming|this|coming"
     rf"|the\s+following|a\s+week\s+on)\s+)?"
     rf"(?P<wd>{WD})(?P<nw>\s+(?:of\s+)?next\s+week|\s+week\s+after\s+next)?"
     rf"(?P<tw>\s+this\s+week)?){_B}", _weekday_en),
    (rf"(?:(?P<this>this)\s+|in\s+the\s+|at\s+)?(?P<p>morning|afternoon|arvo|evening|night|tonight"
     rf"|{_TONIGHT}){_B}", _period_en),
    (rf"(?:(?:12|twelve)\s+)?(?:noon|midday){_B}", _const(lambda sp: ClockTok(Clock(12), **sp))),
    (rf"(?:(?:12|twelve)\s+)?midnight{_B}",
     _const(lambda sp: ClockTok(Clock(0, day_shift=1), **sp))),
    (rf"(?:(?:on\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>next|this)"
     rf"\s+month|(?P<mon2>next|this)\s+month\s+(?:on\s+)?(?:the\s+)?(?P<d2>\d{{1,2}})"
     rf"(?:st|nd|rd|th)?){_B}",
     lambda m, ctx: [DayTok(DayOfMonth(int(m.group("d") or m.group("d2")),
                                       1 if (m.group("mon") or m.group("mon2")) == "next" else 0),
                            **_sp(m))]),
    (rf"(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th){_B}",
     lambda m, ctx: [DayTok(DayOfMonth(int(m.group("d"))), **_sp(m))]),
    (rf"in\s+(?P<n>{EN_NUM}|an?)\s+(?P<unit>days?|weeks?)(?:'?\s*s?\s+time)?{_B}"
     rf"|(?P<n2>{EN_NUM}|an?)\s+(?P<unit2>days?|weeks?)\s+(?:from\s+now|later|from\s+today){_B}",
     _in_days),
    (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2,4}))?(?![\d/])", _slash_date),
    (r"(?P<a>\d{1,2})-(?P<b>\d{1,2})(?![\d:])", _dash_date),
]


_HEAD = 2  # characters of text the rule dispatch looks at
_MAX_HEADS = 20000  # beyond this many heads a rule is simply tried everywhere


def _heads(*patterns: re.Pattern) -> frozenset[str] | None:
    """How a match of any of ``patterns`` can begin: its first _HEAD characters, or all of it
    when a match can be that short; None when unknown (the rule is then tried everywhere).

    Read from the compiled regex's parse tree. Lookarounds and anchors are
    skipped, so the set may hold heads that never match, never the reverse.
    """
    from re import _constants as c
    from re import _parser

    def item(op, av, k: int) -> set[str] | None:
        """Heads (at most k characters) of one element of a sequence."""
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            return _class_chars(av)
        if op is c.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            return None if add_flags or del_flags else seq(sub, k)
        if op is c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                got = seq(branch, k)
                if got is None:
                    return None
                out |= got
            return out
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            done: set[str] = set()
            frontier = {""}  # what n copies consumed, while shorter than k
            seen: set[str] = set()
            n = 0
            while frontier:
                if n >= lo:
                    if frontier <= seen:
                        break
                    seen |= frontier
                    done |= frontier
                if n == hi:
                    break
                grown: set[str] = set()
                by_room: dict[int, set[str] | None] = {}  # the same for every f of one length
                for f in frontier:
                    room = k - len(f)
                    got = by_room[room] if room in by_room else by_room.setdefault(
                        room, seq(sub, room))
                    if got is None:
                        return None
                    for g in got:
                        (done if len(f + g) == k else grown).add(f + g)
                frontier = grown
                n += 1
            return done
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            return {""}  # zero-width
        return None  # anything else (any character, a back-reference…): unknown

    def seq(items, k: int) -> set[str] | None:
        """Heads (at most k characters) of a sequence."""
        done: set[str] = set()
        open_ = {""}  # consumed so far, shorter than k
        for op, av in items:
            if not open_:
                break
            grown: set[str] = set()
            by_room: dict[int, set[str] | None] = {}  # the same for every a of one length
            for a in open_:
                room = k - len(a)
                got = by_room[room] if room in by_room else by_room.setdefault(
                    room, item(op, av, room))
                if got is None:
                    return None
                for g in got:
                    (done if len(a + g) == k else grown).add(a + g)
            if len(done) + len(grown) > _MAX_HEADS:
                return None
            open_ = grown
        return done | open_

    out: set[str] = set()
    for compiled in patterns:
        if compiled.flags & re.IGNORECASE:  # heads are read case by case
            return None
        got = seq(_parser.parse(compiled.pattern, compiled.flags), _HEAD)
        if got is None or "" in got:
            return None
        out |= got
    return frozenset(out)


def _class_chars(items) -> set[str] | None:
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE:
            lo, hi = av
            if hi - lo > 0x3000:
                return None
            out.update(chr(i) for i in range(lo, hi + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            out.update("0123456789")
        elif op is c.CATEGORY and av is c.CATEGORY_SPACE:
            out.update(" \t\n\r\f\v")
        else:
            return None
    return out


def _regex_rule(pattern: str, handler: Callable[[re.Match, Ctx], Emit]) -> Rule:
    compiled = re.compile(pattern)

    def rule(ctx: Ctx, pos: int):
        m = compiled.match(ctx.norm, pos)
        if not m or m.end() == pos:
            return None
        emitted = handler(m, ctx)
        return None if emitted is None else (m.end(), emitted)

    rule.heads = _heads(compiled)  # type: ignore[attr-defined]
    return rule


_LATE_RULES: list[tuple[str, Callable[[re.Match, Ctx], Emit]]] = [
    (rf"(?P<hm>\d{{3,4}})(?:(?P<hrs>\s*(?:hrs|hours|h))(?![a-z])|{MER})?{_BC}", _colonless),
    (rf"(?P<h>\d{{1,2}})\.(?P<m>\d{{2}})(?:{MER})?{_BC}", _dot_clock),
    (rf"(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?)?"
     rf"(?:{MER}|\s*o'?clock)?(?!:\d){_BC}", _en_clock),
    (rf"(?P<h>{EN_HOUR_WORD})(?:\s+(?P<m>{EN_MINUTE_WORD}|o'?clock|oh\s+(?:one|two|three|four"
     rf"|five|six|seven|eight|nine)(?![a-z])|o\s+(?:five|one|two|three|four|six|seven|eight"
     rf"|nine)(?![a-z])))?(?:{MER})?{_BC}", _spelled_clock),
    (r"-?\s*ish(?![a-z])|(?:around|about|approximately|approx\.?|roughly|circa|ca\.|round"
     r"|somewhere\s+around|at\s+around|at\s+about)(?![a-z])",
     _const(lambda sp: ApproxTok(**sp))),
    (r"(?:after|onwards|onward|and\s+later|or\s+later)(?![a-z])",
     _const(lambda sp: AfterTok(**sp))),
    (rf"(?:{_ABBREV_RE}){_B}", _abbrev),
    (r"[a-z]+(?:/[a-z0-9_+\-]+){1,2}", _iana),
    (rf"(?:(?:your|my|our)\s+)?local\s+time{_B}|my\s+time{_B}", _nothing),  # now's zone
    (rf"(?:at|on|from|starting|start|starts|begin|begins|beginning|record|recording|rec|the"
     rf"|please|pls|o'?clock|lasting|for\s+a\s+duration\s+of|duration|of){_B}|[@,.;!?]", _nothing),
]

def _build_rules() -> tuple[list[Rule], set[Rule]]:
    rules: list[Rule] = []
    cjk: set[Rule] = set()
    inside = False
    for r in [*_REGEX_RULES, *_LATE_RULES]:
        if r in (_CJK_BEGIN, _CJK_END):
            inside = r == _CJK_BEGIN
            continue
        rule = r if callable(r) else _regex_rule(*r)
        rules.append(rule)
        if inside:
            cjk.add(rule)
    return rules, cjk


RULES, _CJK_RULES = _build_rules()
# Where a rule written as a function can match: its text begins as one of these regexes does.
_rule_duration.heads = _heads(_DUR_PRE, _SPECIAL_DUR, _COMP)  # type: ignore[attr-defined]
_rule_iso_duration.heads = _heads(_ISO_DUR)  # type: ignore[attr-defined]
_rule_for_hmm.heads = _heads(_FOR_HMM)  # type: ignore[attr-defined]


@lru_cache(maxsize=4096)
def _rules_for(head: str, cjk: bool) -> tuple[Rule, ...]:
    """The rules whose match can begin with ``head`` (the next _HEAD characters of the text,
    fewer at its end), in order: most rules cannot.

    ``cjk``: the text has a Chinese character, so the Chinese rules may match.
    """
    starts = {head[:i] for i in range(1, len(head) + 1)}
    return tuple(r for r in RULES
                 if (r.heads is None or not starts.isdisjoint(r.heads))  # type: ignore[attr-defined]
                 and (cjk or r not in _CJK_RULES))

_SPACE = re.compile(r"\s+")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9'/_+]+")


def tokenize(norm: str, original: str | None = None) -> Lexed:
    """Tokens of a normalised phrase; unrecognised text becomes UnknownTok."""
    ctx = Ctx(norm, original if original is not None else norm)
    tokens: list[Token] = []
    pos = 0
    n = len(norm)
    cjk = _HAS_CJK.search(norm) is not None
    while pos < n:
        space = _SPACE.match(norm, pos)
        if space:
            pos = space.end()
            continue
        for rule in _rules_for(norm[pos:pos + _HEAD], cjk):
            try:
                found = rule(ctx, pos)
            except (ValueError, OverflowError, OSError, ZeroDivisionError):
                found = None  # e.g. a numeral out of range
            if found is None:
                continue
            end, emitted = found
            tokens.extend(emitted)
            pos = end
            break
        else:
            word = _WORD.match(norm, pos)
            end = word.end() if word else pos + 1
            last = tokens[-1] if tokens else None
            if isinstance(last, UnknownTok) and last.zone_meaning is None:
                # Merge neighbouring unknown text into one quoted fragment.
                tokens.pop()
                tokens.append(UnknownTok(start=last.start, end=end))
            else:
                tokens.append(UnknownTok(start=pos, end=end))
            pos = end
    return Lexed(tokens, ctx.notes)


def weekday_word(wd: int) -> str:
    return WEEKDAY_WORDS[wd]
