"""Turn a normalised time phrase into tokens.

Every rule is an anchored regex tried at the current position, in order; the
first one whose handler accepts the match wins. Text no rule accepts is
collected as "not understood" — the parser refuses rather than skipping it.
The lexer only recognises shapes; turning "tomorrow" or "下周一" into a date
happens later, once the zone (and so "today") is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import zones
from .numbers import CN_NUM, EN_NUM, number

# Token kinds
DAY = "day"          # DaySpec
PERIOD = "period"    # one of the PERIODS keys
CLOCK = "clock"      # Clock
NOW = "now"          # None
OFFSET = "offset"    # timedelta from now ("in 10 minutes", "10分钟后")
DUR = "duration"     # timedelta ("for 2 hours", "两个小时")
ZONE = "zone"        # zones.Zone
ABS = "absolute"     # aware datetime (ISO 8601 with offset, unix timestamp)
SEP = "sep"          # "range" | "until" | "and"
BETWEEN = "between"  # None
UNKNOWN = "unknown"  # text nobody understood


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    start: int
    end: int


@dataclass(frozen=True)
class DaySpec:
    """A day, still relative to "today" in the window's zone.

    kind: "rel" (args: days), "weekday" (weekday 0=Mon, mode), "date" (year|None,
    month, day), "dom" (day of month), "en_date" (phrase, year|None, month, day,
    weekday|None) which dateparser resolves.
    """

    kind: str
    args: tuple


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" | "pm"
    # "exact": unambiguous (20:00, 8pm, 08:30, noon); "colon": 8:30 read as
    # 24-hour unless the other end of a range says am/pm; "bare": 8, 8点 — either half.
    style: str = "exact"
    day_shift: int = 0  # midnight / 24:00 belong to the next day


WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
MONTHS_EN = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}

# English -----------------------------------------------------------------

_B = r"(?![a-z0-9])"  # end of an English word
_WD = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_UH = r"(?:hours?|hrs?|h)"
_UM = r"(?:minutes?|mins?|m)"
_N = rf"(?:{EN_NUM}|an?)"
_DUR_EN = (
    rf"(?:{_N}\s+and\s+a\s+half\s+{_UH}"
    rf"|{_N}\s*{_UH}\s+and\s+a\s+half"
    rf"|(?:a\s+|one\s+)?half\s+(?:an?\s+)?hour"
    rf"|(?:a\s+|one\s+)?quarter\s+(?:of\s+an\s+)?hour|three\s+quarters\s+of\s+an\s+hour"
    rf"|{_N}\s*{_UH}(?:\s*(?:and\s+)?{EN_NUM}\s*{_UM}|\d{{1,2}}(?![\d:]))?"
    rf"|{_N}\s*{_UM})(?![a-z0-9])"
)

# Chinese -----------------------------------------------------------------

_CN_DUR = (
    rf"(?:{CN_NUM}\s*个?\s*半?\s*(?:小时|钟头)(?:\s*零?\s*{CN_NUM}\s*分钟?)?"
    rf"|半\s*个?\s*(?:小时|钟头)|{CN_NUM}\s*分钟|[一三]刻钟)"
)
_CN_NUM_CLASS = r"[零〇一二两三四五六七八九十百\d.]"

PERIODS_EN = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
              "night": "night", "tonight": "night"}
PERIODS_ZH = {
    "早": "morning", "晚": "evening",
    "凌晨": "early", "清晨": "morning", "早上": "morning", "早晨": "morning", "上午": "morning",
    "中午": "noon", "午间": "noon", "正午": "noon", "下午": "afternoon", "傍晚": "dusk",
    "晚上": "evening", "晚间": "evening", "夜晚": "night", "夜里": "night", "夜间": "night",
    "深夜": "night", "半夜": "night",
}  # fmt: skip


def en_duration(span: str) -> timedelta:
    """Value of a span matched by _DUR_EN."""
    s = " ".join(span.split())
    if "three quarters" in s:
        return timedelta(minutes=45)
    if "quarter" in s:
        return timedelta(minutes=15)
    if re.fullmatch(r"(?:a |one )?half (?:an? )?hour", s):
        return timedelta(minutes=30)
    hours = 0.0
    minutes = 0.0
    m = re.match(rf"({EN_NUM}|an?)\s*{_UH}(?![a-z])", s)
    if m:
        hours = number(m.group(1))
        rest = s[m.end():]
        mm = re.search(rf"({EN_NUM})\s*{_UM}?$", rest)
        if mm and "half" not in rest:
            minutes = number(mm.group(1))
    else:  # "90 minutes", "two and a half hours"
        m = re.match(rf"({EN_NUM}|an?)\s*", s)
        assert m is not None
        if re.fullmatch(_UM, s[m.end():]):
            minutes = number(m.group(1))
        else:
            hours = number(m.group(1))
    if "and a half" in s:
        hours += 0.5
    return timedelta(hours=hours, minutes=minutes)


def cn_duration(span: str) -> timedelta:
    """Value of a span matched by _CN_DUR."""
    s = span.replace(" ", "")
    if s.endswith("刻钟"):
        return timedelta(minutes=15 if s[0] == "一" else 45)
    hours = 0.0
    minutes = 0.0
    m = re.match(rf"(?:({CN_NUM})个?)?(半)?个?(?:小时|钟头)", s)
    if m:
        hours = (number(m.group(1)) if m.group(1) else 0) + (0.5 if m.group(2) else 0)
        rest = s[m.end():]
        mm = re.match(rf"零?({CN_NUM})分钟?$", rest)
        if mm:
            minutes = number(mm.group(1))
    else:
        minutes = number(s[: s.index("分")])
    return timedelta(hours=hours, minutes=minutes)


# Handlers: each takes the match and returns a list of (kind, value), or None
# to let later rules try.

Emit = list[tuple[str, Any]] | None


def _clock(h: int, m: int = 0, s: int = 0, mer: str | None = None, style: str = "exact") -> Emit:
    if m >= 60 or s >= 60:
        return None
    if mer:
        if not 1 <= h <= 12:
            return None
        return [(CLOCK, Clock(h, m, s, mer, "exact"))]
    if h == 24 and m == 0 and s == 0:
        return [(CLOCK, Clock(0, day_shift=1))]
    if h > 23:
        return None
    if h == 0 or h >= 13:
        style = "exact"
    return [(CLOCK, Clock(h, m, s, None, style))]


def _en_clock(m: re.Match) -> Emit:
    h, mins, sec, mer = m.group("h"), m.group("m"), m.group("s"), m.group("mer")
    mer = mer.replace(".", "")[0] + "m" if mer else None
    if mins is None:
        style = "bare"
    elif m.group("sep") == "." and not mer:
        return None  # "8.30" alone is too easily a number; "8.30pm" is fine
    elif h.startswith("0"):
        style = "exact"
    else:
        style = "colon"
    return _clock(int(h), int(mins or 0), int(sec or 0), mer, style)


def _cn_clock(m: re.Match) -> Emit:
    if "." in m.group("h") or "." in (m.group("m") or ""):
        return None
    try:
        h = int(number(m.group("h")))
        if m.group("half"):
            mins = 30
        elif m.group("q"):
            mins = 15 if m.group("q") == "一刻" else 45
        elif m.group("m"):
            mins = int(number(m.group("m")))
        else:
            mins = 0
    except ValueError:
        return None
    return _clock(h, mins, 0, None, "bare")


def _duration(m: re.Match) -> Emit:
    pre, post = m.group("pre"), m.group("post")
    value = en_duration(m.group("d"))
    if value <= timedelta(0):
        return None
    if post and pre == "for":
        return None
    if re.search(r"(?:^|\s)at\s+$", m.string[: m.start()]):
        return None  # "at 20h" is a clock time in some styles, never a duration
    return [(OFFSET if (pre == "in" or pre == "after" or post) else DUR, value)]


def _cn_offset(m: re.Match) -> Emit:
    value = cn_duration(m.group("d"))
    return [(OFFSET, value)] if value > timedelta(0) else None


def _cn_dur(m: re.Match) -> Emit:
    value = cn_duration(m.group("d"))
    return [(DUR, value)] if value > timedelta(0) else None


def _weekday_en(m: re.Match) -> Emit:
    wd = WEEKDAYS_EN[m.group("wd")[:3]]
    mod = " ".join((m.group("mod") or "").split())
    if m.group("nw"):
        if mod:
            return None
        mode = "next_week"
    else:
        mode = {"": "upcoming", "this": "upcoming", "coming": "upcoming",
                "this coming": "upcoming", "next": "next"}[mod]
    return [(DAY, DaySpec("weekday", (wd, mode)))]


def _weekday_zh(m: re.Match) -> Emit:
    mod = m.group("mod") or ""
    mode = {"": "upcoming", "这": "this_week", "本": "this_week", "这个": "this_week",
            "下": "next_week", "下个": "next_week", "下下": "week_after",
            "下下个": "week_after", "上": "last_week", "上个": "last_week"}[mod]
    wd = m.group("wd")
    wd = int(wd) - 1 if wd.isdigit() else WEEKDAYS_ZH[wd]
    return [(DAY, DaySpec("weekday", (wd, mode)))]


def _en_date(m: re.Match) -> Emit:
    month = MONTHS_EN[(m.group("m1") or m.group("m2"))[:3]]
    day = int(m.group("d1") or m.group("d2"))
    year = int(m.group("y")) if m.group("y") else None
    wd = WEEKDAYS_EN[m.group("wd")[:3]] if m.group("wd") else None
    return [(DAY, DaySpec("en_date", (m.group(0), year, month, day, wd)))]


def _num_date(m: re.Match) -> Emit:
    return [(DAY, DaySpec("date", (int(m.group("y")), int(m.group("mo")), int(m.group("d")))))]


def _cn_date(m: re.Match) -> Emit:
    try:
        year = int(number(m.group("y"))) if m.group("y") else None
        return [(DAY, DaySpec("date", (year, int(number(m.group("mo"))),
                                       int(number(m.group("d"))))))]
    except ValueError:
        return None


def _cn_dom(m: re.Match) -> Emit:
    try:
        return [(DAY, DaySpec("dom", (int(number(m.group("d"))),)))]
    except ValueError:
        return None


def _iso(m: re.Match) -> Emit:
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
    return [(ABS, (naive.replace(tzinfo=zone.tz), zone))]


def _unix(m: re.Match) -> Emit:
    value = float(m.group("ts"))
    if len(m.group("ts").split(".")[0]) == 13:
        value /= 1000
    return [(ABS, (datetime.fromtimestamp(value, tz=UTC), None))]


def _utc_offset(m: re.Match) -> Emit:
    try:
        minutes = zones.offset_minutes(m.group("sign"), m.group("h"), m.group("m"))
    except ValueError:
        return None
    return [(ZONE, zones.fixed(minutes))]


def _cn_utc_offset(m: re.Match) -> Emit:
    hours = int(number(m.group(2)))
    if hours > 12:
        return None
    return [(ZONE, zones.fixed(hours * 60 * (1 if m.group(1) == "东" else -1)))]


def _abbrev(m: re.Match) -> Emit:
    word = " ".join(m.group(0).split())
    if word in zones.AMBIGUOUS:
        return [(UNKNOWN, f"{zones.AMBIGUOUS[word]} time")]
    return [(ZONE, zones.named(zones.ABBREVIATIONS[word]))]


def _iana(m: re.Match) -> Emit:
    zone = zones.iana(m.group(0))
    return [(ZONE, zone)] if zone else None


def _const(*items: tuple[str, Any]) -> Callable[[re.Match], Emit]:
    return lambda m: list(items)


def _period_en(m: re.Match) -> Emit:
    word = m.group("p")
    items: list[tuple[str, Any]] = []
    if m.group("this") or word == "tonight":
        items.append((DAY, DaySpec("rel", (0,))))
    items.append((PERIOD, PERIODS_EN[word]))
    return items


def _cn_day_period(day: int, period: str) -> Callable[[re.Match], Emit]:
    return _const((DAY, DaySpec("rel", (day,))), (PERIOD, period))


def _past_to(m: re.Match) -> Emit:
    """"half past 8", "quarter to 9", "10 past 8": a bare clock time."""
    words = m.group("mm")
    minutes = 30 if words == "half" else 15 if "quarter" in words else int(words.split()[0])
    hour = int(m.group("h"))
    if not (1 <= hour <= 12 and 0 < minutes < 60):
        return None
    mer = m.group("mer")
    if m.group("rel") in ("to", "before"):
        if mer and hour == 12:
            return None  # "quarter to 12pm" crosses the meridiem; say 11:45am
        hour, minutes = (hour - 1 or 12), 60 - minutes
    if mer:
        return _clock(hour, minutes, 0, mer.replace(".", "")[0] + "m")
    return _clock(hour, minutes, 0, None, "bare")


def _in_days(text: str) -> Emit:
    days = 1 if text == "a" else number(text)
    if days != int(days) or not 0 < days < 400:
        return None
    return [(DAY, DaySpec("rel", (int(days),)))]


def _weekday_en_nw(m: re.Match) -> Emit:
    return [(DAY, DaySpec("weekday", (WEEKDAYS_EN[m.group("wd2")[:3]], "next_week")))]


def _cn_offset_d2(m: re.Match) -> Emit:
    value = cn_duration(m.group("d2"))
    return [(OFFSET, value)] if value > timedelta(0) else None


_ABBREV_RE = "|".join(
    sorted((re.escape(k).replace(r"\ ", r"\s+") for k in
            list(zones.ABBREVIATIONS) + list(zones.AMBIGUOUS) if k != "z"),
           key=len, reverse=True)
)

RULES: list[tuple[re.Pattern, Callable[[re.Match], Emit]]] = [
    (r"(?P<date>\d{4}-\d{2}-\d{2})(?P<t>[t ])"
     r"(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<off>z|[+-]\d{2}(?::?\d{2})?)(?![\d:])", _iso),
    (r"@?(?P<ts>\d{10}(?:\d{3})?(?:\.\d+)?)(?![\d:])", _unix),
    (r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:t(?=\d))?(?![\d])", _num_date),
    (r"(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?![\d:])", _utc_offset),
    # Chinese
    (rf"(?:再?过\s*)?(?P<d>{_CN_DUR})\s*(?:之|以)?后|再?过\s*(?P<d2>{_CN_DUR})",
     lambda m: _cn_offset(m) if m.group("d") else _cn_offset_d2(m)),
    (rf"(?:录制|录像|录|持续|时长|总共|共)?\s*(?P<d>{_CN_DUR})", _cn_dur),
    (r"现在|马上|立刻|立即|即刻|此刻", _const((NOW, None))),
    (r"一直到|直到", _const((SEP, "until"))),
    (rf"(?P<n>{CN_NUM})\s*天\s*(?:之|以)?后", lambda m: _in_days(m.group("n"))),
    (r"到|至", _const((SEP, "until"))),
    (r"大后天", _const((DAY, DaySpec("rel", (3,))))),
    (r"后天", _const((DAY, DaySpec("rel", (2,))))),
    (r"明天|明日", _const((DAY, DaySpec("rel", (1,))))),
    (r"今天|今日", _const((DAY, DaySpec("rel", (0,))))),
    (r"昨天|昨日", _const((DAY, DaySpec("rel", (-1,))))),
    (r"今晚|今夜", _cn_day_period(0, "night")),
    (r"明晚|明夜", _cn_day_period(1, "night")),
    (r"今早", _cn_day_period(0, "morning")),
    (r"明早", _cn_day_period(1, "morning")),
    (r"(?P<mod>下下个|下下|下个|下|这个|这|本|上个|上)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])",
     _weekday_zh),
    (rf"(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*)?(?P<mo>{CN_NUM})\s*月\s*"
     rf"(?P<d>{CN_NUM})\s*(?:日|号)", _cn_date),
    (rf"(?P<d>{CN_NUM})\s*(?:日|号)", _cn_dom),
    (r"午夜", _const((CLOCK, Clock(0, day_shift=1)))),
    ("|".join(sorted(PERIODS_ZH, key=len, reverse=True)),
     lambda m: [(PERIOD, PERIODS_ZH[m.group(0)])]),
    (rf"(?P<h>{CN_NUM})\s*(?:点|时)\s*钟?\s*(?:(?P<half>半)|(?P<q>一刻|三刻)"
     rf"|(?!{_CN_NUM_CLASS}*\s*(?:个|小时|钟头|分钟))(?P<m>{CN_NUM})\s*分?|整)?", _cn_clock),
    ("|".join(sorted(zones.CHINESE, key=len, reverse=True)),
     lambda m: [(ZONE, zones.named(zones.CHINESE[m.group(0)]))]),
    (zones.CHINESE_OFFSET_RE.pattern, _cn_utc_offset),
    (r"从|起|开始|录制|录像|录播|录|在|于|的|之间|为止|,|[()\[\]\"'「」“”]", _const()),
    # English
    (rf"(?:(?P<pre>for|in|after)\s+)?(?P<d>{_DUR_EN})(?:\s+(?P<post>from\s+now|later))?{_B}",
     _duration),
    (rf"(?:right\s+now|now|immediately|straight\s+away|asap){_B}", _const((NOW, None))),
    (rf"between{_B}", _const((BETWEEN, None))),
    (rf"(?:until|till|til|'til|up\s+to){_B}", _const((SEP, "until"))),
    (rf"(?:to|thru|through){_B}|->|=>|-|~", _const((SEP, "range"))),
    (rf"and{_B}", _const((SEP, "and"))),
    (rf"(?:the\s+)?day\s+after\s+tomorrow{_B}", _const((DAY, DaySpec("rel", (2,))))),
    (rf"(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow){_B}", _const((DAY, DaySpec("rel", (1,))))),
    (rf"today{_B}", _const((DAY, DaySpec("rel", (0,))))),
    (rf"yesterday{_B}", _const((DAY, DaySpec("rel", (-1,))))),
    (rf"(?:(?P<wd>{_WD}),?\s+)?(?:(?P<m1>{_MON})\.?\s+(?:the\s+)?(?P<d1>\d{{1,2}}){_ORD}"
     rf"|(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m2>{_MON})\.?)"
     rf"(?:,?\s+(?P<y>\d{{4}}))?(?![a-z0-9:])", _en_date),
    (rf"(?:next\s+week\s+(?:on\s+)?(?P<wd2>{_WD})|(?:(?P<mod>next|this\s+coming|this|coming)\s+)?"
     rf"(?P<wd>{_WD})(?P<nw>\s+(?:of\s+)?next\s+week)?){_B}",
     lambda m: _weekday_en(m) if m.group("wd") else _weekday_en_nw(m)),
    (rf"(?:(?P<this>this)\s+|in\s+the\s+|at\s+)?(?P<p>morning|afternoon|evening|night|tonight){_B}",
     _period_en),
    (rf"(?:noon|midday){_B}", _const((CLOCK, Clock(12)))),
    (rf"midnight{_B}", _const((CLOCK, Clock(0, day_shift=1)))),
    # "10 to 9" is left to the range rules; "10 minutes to 9" is a clock time.
    (rf"(?P<mm>half|(?:a\s+)?quarter|\d{{1,2}}\s+minutes?|\d{{1,2}}(?=\s+(?:past|after)))"
     rf"\s+(?P<rel>past|after|to|before)\s+(?P<h>\d{{1,2}})(?:\s*(?P<mer>a\.?m\.?|p\.?m\.?))?{_B}",
     _past_to),
    (rf"(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th){_B}",
     lambda m: [(DAY, DaySpec("dom", (int(m.group("d")),)))]),
    (rf"in\s+(?P<n>{EN_NUM}|a)\s+days?{_B}|(?P<n2>{EN_NUM}|a)\s+days?\s+from\s+now{_B}",
     lambda m: _in_days(m.group("n") or m.group("n2"))),
    (r"(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
     r"(?:\s*(?P<mer>a\.?m\.?|p\.?m\.?)|\s*o'?clock)?(?![a-z0-9]|:\d)", _en_clock),
    (rf"(?:{_ABBREV_RE}){_B}", _abbrev),
    (r"[a-z]+(?:/[a-z0-9_+\-]+){1,2}", _iana),
    (rf"(?:at|on|from|starting|start|starts|begin|begins|beginning|record|recording|rec"
     rf"|the|please|pls|o'?clock){_B}|[@,.;!?]", _const()),
]  # fmt: skip
RULES = [(re.compile(p) if isinstance(p, str) else p, h) for p, h in RULES]


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9'/_+]+")


def tokenize(norm: str) -> list[Token]:
    """Tokens of a normalised phrase; unrecognised text becomes UNKNOWN tokens."""
    tokens: list[Token] = []
    pos = 0
    n = len(norm)
    while pos < n:
        space = _SPACE.match(norm, pos)
        if space:
            pos = space.end()
            continue
        for pattern, handler in RULES:
            m = pattern.match(norm, pos)
            if not m or m.end() == pos:
                continue
            try:
                emitted = handler(m)
            except (ValueError, OverflowError, OSError):  # e.g. a numeral out of range
                emitted = None
            if emitted is None:
                continue
            for kind, value in emitted:
                tokens.append(Token(kind, value, m.start(), m.end()))
            pos = m.end()
            break
        else:
            word = _WORD.match(norm, pos)
            end = word.end() if word else pos + 1
            if tokens and tokens[-1].kind == UNKNOWN and tokens[-1].value is None:
                # Merge neighbouring unknown text into one quoted fragment.
                last = tokens.pop()
                tokens.append(Token(UNKNOWN, None, last.start, end))
            else:
                tokens.append(Token(UNKNOWN, None, pos, end))
            pos = end
    return tokens


