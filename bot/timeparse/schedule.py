"""parse_schedule: parse_window, plus repeating recordings ("every friday 20:00-22:00").

    parse_schedule("every friday 20:00-22:00 for 6 weeks", now) -> Repeat(rrule=
        "FREQ=WEEKLY;COUNT=6;BYDAY=FR", start_time=20:00, duration=2 h, …)

The repeat words are found first ("every day", "weekdays", "每周一三五",
"工作日", "每个周末"…), with the series' end ("until Dec 31", "直到12月31日",
"10 times", "for 6 weeks", "共6次"); what is left must be one window on a
day, which parse_window's grammar reads (so "every day at 8" asks am or pm
like "tomorrow at 8"). The rule is computed and checked with python-dateutil's
rrule, on the wall clock of the zone: 20:00 stays 20:00 across a DST change.

Conventions:

* ``rrule`` is an RFC 5545 RRULE value without DTSTART. It pairs with a
  DTSTART of the first occurrence's local start in ``zone``
  (``DTSTART;TZID=<zone>:<first day>T<start_time>``). ``UNTIL`` is written in
  the same local wall clock, without a ``Z``, as the last second of the until
  day (``UNTIL=20261231T235959``): a series "until Dec 31" includes Dec 31.
* ``zone`` is always an IANA key. A repeat read in a fixed UTC offset
  ("UTC+8", an ISO offset, a ``now`` with a fixed offset) is refused
  (REPEAT_NEEDS_REGION): an offset has no DST rules, so "20:00 every day"
  would silently drift by an hour for anyone whose region changes clocks;
  naming the region (Asia/Shanghai, Europe/Paris) is one word more.
* A local start that does not exist on some day (skipped by DST) is moved
  forward by the length of the gap, as ``zoneinfo`` does.
* ``duration`` is elapsed time; each occurrence ends ``duration`` after its start.
* No end given: ``until`` and ``count`` are None (the service applies its
  documented default limit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .durations import format_duration
from .errors import ParseProblem, TimeParseError
from .lexer import WD, WEEKDAYS_EN, WEEKDAYS_ZH, tokenize
from .normalize import normalize
from .numbers import CN_NUM, EN_NUM, number
from .tokens import DayTok, Sep, SepTok
from .window import RecordingWindow, _fixed, describe, parse_window, run_parse

P = ParseProblem
_CJK = re.compile(r"[\u3400-\u9fff]")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = (0, 1, 2, 3, 4)
_WEEKEND = (5, 6)


@dataclass(frozen=True)
class Repeat:
    """A repeating recording (see the module docstring for the conventions)."""

    rrule: str  # RFC 5545 RRULE value, no DTSTART, e.g. "FREQ=WEEKLY;COUNT=6;BYDAY=FR"
    start_time: time  # wall clock in ``zone``
    duration: timedelta
    zone: str  # IANA key
    until: date | None  # last day that may hold an occurrence (inclusive)
    count: int | None
    first: RecordingWindow  # the first occurrence whose end is after ``now``
    description: str  # "every Friday 20:00–22:00, 6 times (Asia/Shanghai)"


@dataclass
class _Rule:
    freq: str = "DAILY"  # DAILY | WEEKLY
    days: tuple[int, ...] = ()
    interval: int = 1
    words: str = "every day"


_WD_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_LIST = rf"{WD}s?(?:\s*(?:,|and|&|/|\+)\s*{WD}s?)*"
_PLURAL_LIST = rf"{_WD_FULL}s(?:\s*(?:,|and|&|/)\s*{_WD_FULL}s)*"
_ZH_WD = r"[一二三四五六日天1-7]"
_ZH_WD_LIST = (rf"(?:周|星期|礼拜){_ZH_WD}"
               rf"(?:\s*[、,和及与跟]?\s*(?:(?:周|星期|礼拜){_ZH_WD}|[一二三四五六日天]))*")

# (pattern, kind). Each pattern's group "x" is the text to blank (default: all).
_MARKERS: list[tuple[re.Pattern, str]] = [(re.compile(p), k) for p, k in [
    (r"(?P<x>every\s+)(?=(?:night|evening|morning|afternoon)(?![a-z]))", "daily"),
    (r"every\s*day(?![a-z])|each\s+day(?![a-z])|daily(?![a-z])|nightly(?![a-z])", "daily"),
    (r"(?:every|each|on)\s+week\s*days?(?![a-z])|(?:on\s+)?weekdays(?![a-z])"
     r"|every\s+workday(?![a-z])|workdays(?![a-z])"
     r"|(?:every\s+)?mon(?:day)?s?\s*(?:-|to|through|thru)\s*fri(?:day)?s?(?![a-z])", "weekdays"),
    (r"(?:every|each)\s+weekend(?![a-z])|(?:on\s+)?weekends(?![a-z])", "weekend"),
    (rf"(?:every|each)\s+(?P<other>other\s+)?(?P<list>{_WD_LIST})(?![a-z])", "days"),
    (rf"(?:every\s+week|weekly)\s+on\s+(?P<list>{_WD_LIST})(?![a-z])", "days"),
    (rf"(?:on\s+)?(?P<list>{_PLURAL_LIST})(?![a-z])", "days"),
    (r"every\s+week(?![a-z])|weekly(?![a-z])", "weekly"),
    (r"(?:每个?|逢)(?:工作日)|工作日|(?:每)?(?:周|星期|礼拜)一\s*(?:到|至|-|~)\s*(?:周|星期|礼拜)?五",
     "weekdays"),
    (r"(?:每个?|逢)(?:周末)|周末", "weekend"),
    (rf"(?:每个?|逢)(?P<list>{_ZH_WD_LIST})", "days"),
    (r"(?P<x>每个?)(?=晚|夜)", "daily"),
    (r"每天|每日|天天|每一天", "daily"),
    (r"每个?(?:周|星期|礼拜)(?!\s*" + _ZH_WD + ")", "weekly"),
]]

_COUNTS: list[tuple[re.Pattern, str]] = [(re.compile(p), k) for p, k in [
    (rf"(?:,\s*)?(?:for\s+)?(?P<n>{EN_NUM})\s+(?:times|occurrences|sessions|episodes)(?![a-z])"
     rf"(?:\s+in\s+total)?", "count"),
    (rf"(?:,\s*)?for\s+(?:the\s+next\s+)?(?P<n>{EN_NUM}|a)\s+(?P<u>weeks?|days?|months?)(?![a-z])",
     "span"),
    (rf"(?:,\s*)?(?:共|一共|总共|重复|连续)?\s*(?P<n>{CN_NUM})\s*次", "count"),
    (rf"(?:,\s*)?(?:连续|为期|持续|共)\s*(?P<n>{CN_NUM})\s*(?:个)?\s*"
     rf"(?P<u>周|星期|礼拜|天|日|月)", "span"),
]]
_REPEAT_WORD = re.compile(r"(?:every|each|daily|weekly|nightly|weekdays?|weekends?)(?![a-z])|每|逢")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _days_en(listing: str) -> tuple[int, ...]:
    found = re.findall(WD, listing)
    return tuple(sorted({WEEKDAYS_EN[w[:3]] for w in found}))


def _days_zh(listing: str) -> tuple[int, ...]:
    out = set()
    for ch in re.findall(_ZH_WD, listing):
        out.add(int(ch) - 1 if ch.isdigit() else WEEKDAYS_ZH[ch])
    return tuple(sorted(out))


def _list_words(days: tuple[int, ...]) -> str:
    names = [_DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _find_rule(norm: str) -> tuple[_Rule, str] | None:
    for pattern, kind in _MARKERS:
        m = pattern.search(norm)
        if not m:
            continue
        start, end = m.span("x") if "x" in pattern.groupindex and m.group("x") else m.span()
        rest = _blank(norm, start, end)
        if kind == "daily":
            return _Rule("DAILY", (), 1, "every day"), rest
        if kind == "weekdays":
            return _Rule("WEEKLY", _WEEKDAYS, 1, "weekdays"), rest
        if kind == "weekend":
            return _Rule("WEEKLY", _WEEKEND, 1, "weekends"), rest
        if kind == "weekly":
            return _Rule("WEEKLY", (), 1, "every week"), rest
        listing = m.group("list")
        days = _days_zh(listing) if _CJK.search(listing) else _days_en(listing)
        if not days:
            continue
        other = "other" in pattern.groupindex and bool(m.group("other"))
        words = f"every {'other ' if other else ''}{_list_words(days)}"
        if days == _WEEKDAYS and not other:
            words = "weekdays"
        return _Rule("WEEKLY", days, 2 if other else 1, words), rest
    return None


def _find_count(text: str) -> tuple[str, int, str | None, str] | None:
    """(kind, n, unit, text with it blanked)."""
    for pattern, kind in _COUNTS:
        m = pattern.search(text)
        if not m:
            continue
        raw = m.group("n")
        n = 1 if raw == "a" else number(raw)
        if n != int(n) or n < 1:
            return None
        unit = m.group("u") if "u" in pattern.groupindex else None
        return kind, int(n), unit, _blank(text, *m.span())
    return None


def strip_repeat(text: str) -> str | None:
    """The text without its repeat words and series end (unchanged when it has none)."""
    norm = normalize(text)
    found = _find_rule(norm)
    if found is None:
        return None if _REPEAT_WORD.search(norm) else text
    _, rest = found
    counted = _find_count(rest)
    if counted:
        rest = counted[3]
    rest, _ = _strip_until(rest)
    return rest


def _strip_until(rest: str) -> tuple[str, DayTok | None]:
    """Blank "until Dec 31" / "直到12月31日" (a day right after an until word)."""
    tokens = tokenize(rest).tokens
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        is_until = isinstance(t, SepTok) and (
            t.sep == Sep.UNTIL or rest[t.start:t.end].strip() in ("through", "thru"))
        if is_until and isinstance(nxt, DayTok):
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            end = nxt.end
            tail = re.match(r"\s*(?:为止|止)", rest[end:])
            if tail:
                end += tail.end()
            if after is not None and after.start < end:
                continue
            blanked = _blank(rest, t.start, end)
            lead = re.search(r"[,，]\s*$", blanked[:t.start])
            if lead:
                blanked = _blank(blanked, lead.start(), lead.end())
            return blanked, nxt
    return rest, None


def parse_schedule(text: str, now: datetime) -> RecordingWindow | Repeat:
    """A window (anything parse_window reads) or a repeating rule, relative to ``now``.

    Raises TimeParseError (with a ``problem``) for what it cannot read.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(text, str) or not text.strip():
        return parse_window(text, now)
    norm = normalize(text)
    found = _find_rule(norm)
    chinese = bool(_CJK.search(text))
    if found is None:
        word = _REPEAT_WORD.search(norm)
        if word:
            raise TimeParseError(
                "I can't read {q} as a repeat; say e.g. \"every friday 20:00-22:00\" or "
                "\"weekdays 9-11am until Dec 31\"", text.strip(), text, chinese,
                problem=P.REPEAT_NOT_UNDERSTOOD)
        return parse_window(text, now)
    rule, rest = found
    count: int | None = None
    span: tuple[int, str] | None = None
    counted = _find_count(rest)
    if counted:
        kind, n, unit, rest = counted
        if kind == "count":
            count = n
        else:
            assert unit is not None
            span = (n, unit)
    rest, until_tok = _strip_until(rest)
    if until_tok is not None and (count is not None or span is not None):
        raise TimeParseError("Give the series one end, a last day or a number of times, not "
                             "both: {q}", text.strip(), text, chinese, problem=P.REPEAT_TWO_ENDS)
    original_rest = "".join(c if r != " " or c.isspace() else " " for c, r in zip(text, rest,
                                                                                 strict=True))
    if not original_rest.strip():
        raise TimeParseError("Say when each recording runs, e.g. \"every day 8pm to 10pm\": {q}",
                             text.strip(), text, chinese, problem=P.REPEAT_NEEDS_LENGTH)
    today = now.date()
    try:
        window = run_parse(original_rest, now, implied_day=today, choice_text=text,
                           verify=_verify_repeat)
    except TimeParseError as e:
        if e.problem != P.DST_GAP:
            raise
        # Today's start is skipped by DST; the series is read on the next day instead
        # (on a gap day itself its occurrence moves forward by the gap, see _localize).
        window = run_parse(original_rest, now, implied_day=today + timedelta(days=1),
                           choice_text=text, verify=_verify_repeat)
    if window.end is None:
        raise TimeParseError("Say how long each recording runs, e.g. \"every day 8pm to 10pm\" "
                             "or \"every day 8pm for 2 hours\": {q}", text.strip(), text, chinese,
                             problem=P.REPEAT_NEEDS_LENGTH)
    try:
        tz = ZoneInfo(window.zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeParseError(
            "A repeat follows a region's clock, and {q} is a fixed UTC offset; name the region, "
            "e.g. Asia/Shanghai", window.zone, text, chinese, problem=P.REPEAT_NEEDS_REGION,
            params={"zone": window.zone}) from None
    local_start = window.start.astimezone(tz)
    start_time = local_start.time().replace(tzinfo=None)
    duration = window.end - window.start
    first_day = local_start.date()

    until: date | None = None
    if until_tok is not None:
        from . import dates

        try:
            until = dates.resolve(until_tok.spec, today, today)
        except ValueError:
            raise TimeParseError("Can't use {q} as the last day", text[until_tok.start:
                                 until_tok.end].strip(), text, chinese,
                                 problem=P.NO_SUCH_DAY, params={"reason": "not a day"}) from None
    if span is not None:
        n, unit = span
        if unit in ("week", "weeks", "周", "星期", "礼拜"):
            if rule.freq == "WEEKLY" and len(rule.days) <= 1:
                count = n
            else:
                until = first_day + timedelta(weeks=n) - timedelta(days=1)
        elif unit in ("day", "days", "天", "日"):
            if rule.freq == "DAILY":
                count = n
            else:
                until = first_day + timedelta(days=n - 1)
        else:
            from dateutil.relativedelta import relativedelta

            until = first_day + relativedelta(months=n) - timedelta(days=1)
    return _build(rule, start_time, duration, tz, window, first_day, until, count, now, text,
                  chinese)


def _verify_repeat(text: str, now: datetime) -> None:
    if not isinstance(parse_schedule(text, now), Repeat):
        raise TimeParseError("not a repeat", text)


def _build(rule: _Rule, start_time: time, duration: timedelta, tz: ZoneInfo,
           window: RecordingWindow, first_day: date, until: date | None, count: int | None,
           now: datetime, text: str, chinese: bool) -> Repeat:
    from dateutil import rrule as du

    freq = du.DAILY if rule.freq == "DAILY" else du.WEEKLY
    days = rule.days or ((first_day.weekday(),) if freq == du.WEEKLY else ())
    kwargs: dict = {"dtstart": datetime.combine(first_day, start_time), "interval": rule.interval}
    if days and freq == du.WEEKLY:
        kwargs["byweekday"] = [du.weekdays[d] for d in days]
    if until is not None:
        kwargs["until"] = datetime.combine(until, time(23, 59, 59))
    if count is not None:
        kwargs["count"] = count
    rule_obj = du.rrule(freq, **kwargs)
    rrule_text = next(line for line in str(rule_obj).splitlines()
                      if line.startswith("RRULE:"))[len("RRULE:"):]
    first = None
    local_now = now.astimezone(tz)
    for i, occurrence in enumerate(rule_obj):
        if i > 5000:
            break
        start = _localize(occurrence, tz)
        end = (start.astimezone(UTC) + duration).astimezone(tz)
        if end.astimezone(UTC) > now.astimezone(UTC):
            first = RecordingWindow(_fixed(start), _fixed(end),
                                    describe(start, end, window.zone, local_now), window.zone,
                                    window.notes)
            break
    if first is None:
        raise TimeParseError("{q} has no recording still to come", text.strip(), text, chinese,
                             problem=P.REPEAT_NO_OCCURRENCE)
    if not rule.days and freq == du.WEEKLY:
        rule.words = f"every {_DAY_NAMES[days[0]]}"
    end_clock = (datetime.combine(first_day, start_time) + duration).time()
    words = f"{rule.words} {start_time:%H:%M}–{end_clock:%H:%M}"
    if duration >= timedelta(hours=24) or end_clock <= start_time:
        words += f" ({format_duration(duration)})"
    if until is not None:
        words += f", until {_DAY_NAMES[until.weekday()][:3]} {until.day} {until:%b %Y}"
    if count is not None:
        words += f", {count} time{'s' if count != 1 else ''}"
    return Repeat(rrule_text, start_time, duration, window.zone, until, count, first,
                  f"{words} ({window.zone})")


def _localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Wall clock in ``tz``; a time skipped by DST moves forward by the gap."""
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz)
    return back if back.replace(tzinfo=None) != naive else aware
