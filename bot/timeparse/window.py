"""parse_window: a time phrase and "now" -> a RecordingWindow.

Steps: normalise the text, tokenise it (nothing may be left over), split it
into a start side, an optional end side and an optional duration, then
resolve each side to an instant in the window's zone. The API's window rules
(length, how far ahead) are not checked here; a window in the past is
returned as parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from . import dates, zones
from .errors import TimeParseError
from .lexer import (
    ABS,
    BETWEEN,
    CLOCK,
    DAY,
    DUR,
    NOW,
    OFFSET,
    PERIOD,
    SEP,
    UNKNOWN,
    ZONE,
    Clock,
    Token,
    tokenize,
)
from .normalize import normalize


@dataclass(frozen=True)
class RecordingWindow:
    """What the text asked for.

    ``start``/``end`` are aware datetimes (``end`` is None when only a start
    was given) whose tzinfo is the fixed UTC offset that ``zone`` has at that
    instant. Fixed offsets, rather than a shared ZoneInfo, keep ``end - start``
    and comparisons exact across a DST change (Python compares and subtracts
    two datetimes sharing a ZoneInfo by wall clock). ``zone`` names the zone
    the text was read in: the IANA key of ``now``'s zone, or the one the text
    named ("Europe/Paris" for CET, "UTC+08:00" for an offset).
    """

    start: datetime
    end: datetime | None
    description: str
    zone: str


_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class _Side:
    tokens: list[Token] = field(default_factory=list)
    day: Token | None = None
    period: Token | None = None
    clock: Token | None = None
    now: Token | None = None
    offset: Token | None = None
    absolute: Token | None = None

    @property
    def empty(self) -> bool:
        return not self.tokens


_SLOTS = {DAY: "day", PERIOD: "period", CLOCK: "clock", NOW: "now", OFFSET: "offset",
          ABS: "absolute"}  # fmt: skip
_SLOT_WORDS = {"day": "two days", "period": "two times of day", "clock": "two clock times",
               "now": "two starts", "offset": "two starts", "absolute": "two instants"}  # fmt: skip


class _Parse:
    """One call of parse_window: the text, the zone, and the error helper."""

    def __init__(self, text: str, now: datetime):
        self.text = text
        self.chinese = bool(_CJK.search(text))
        self.now = now

    def error(self, reason: str, *tokens: Token, fragment: str | None = None) -> TimeParseError:
        if fragment is None:
            if tokens:
                start = min(t.start for t in tokens)
                end = max(t.end for t in tokens)
                fragment = self.text[start:end].strip()
            else:
                fragment = self.text.strip()
        return TimeParseError(reason, fragment, self.text, self.chinese)

    # -- structure ---------------------------------------------------------

    def run(self) -> RecordingWindow:
        tokens = tokenize(normalize(self.text))
        unknown = [t for t in tokens if t.kind == UNKNOWN]
        if unknown:
            ambiguous = [t.value for t in unknown if t.value]
            reason = (f"{{q}} could be {ambiguous[0]}; name the zone, e.g. Asia/Shanghai"
                      if ambiguous else "I didn't understand {q}")
            fragment = " … ".join(self.text[t.start:t.end].strip() for t in unknown)
            raise self.error(reason, fragment=fragment)
        if not tokens:
            raise self.error("No time found in {q}")

        zone = self._zone(tokens)
        durations = [t for t in tokens if t.kind == DUR]
        if len(durations) > 1:
            raise self.error("Give one duration, not two: {q}", *durations)
        seps = [t for t in tokens if t.kind == SEP]
        betweens = [t for t in tokens if t.kind == BETWEEN]
        if len(seps) > 1:
            raise self.error("Give one range, not two: {q}", *seps)
        if len(betweens) > 1 or (betweens and not seps):
            raise self.error('Use "between <start> and <end>", not {q}', *betweens)
        if seps and seps[0].value == "and" and not betweens:
            raise self.error('Use "between <start> and <end>", or "to" instead of {q}', seps[0])
        if betweens and betweens[0].start > seps[0].start:
            raise self.error('Use "between <start> and <end>", not {q}', betweens[0])

        core = [t for t in tokens if t.kind not in (ZONE, DUR, BETWEEN)]
        if seps:
            i = core.index(seps[0])
            left, right = self._side(core[:i]), self._side(core[i + 1:])
        else:
            left, right = self._side(core), None

        # "8-10pm tomorrow", "14:00-16:30 next friday": a day written after the
        # whole range is the day of both ends.
        if (right is not None and right.day and right.clock and left.day is None
                and left.clock and not left.period and right.day.start >= right.clock.end):
            left.day = right.day
        if zone is None:
            zone = self._iso_zone(left) or zones.Zone(self.now.tzinfo, zones.zone_of(
                self.now.tzinfo, self.now))
        local_now = self.now.astimezone(zone.tz)

        if seps and durations:
            raise self.error("Give an end or a duration, not both; drop {q} or the end", *durations)
        if right is not None and right.empty:
            raise self.error("Missing the end after {q}", seps[0])
        if left.empty:
            if seps and seps[0].value != "until":
                raise self.error("Missing the start before {q}", seps[0])
            if not seps and not durations:
                raise self.error("No time found in {q}")
            left.now = seps[0] if seps else durations[0]

        start, start_day_given = self._start(left, right, local_now, zone)
        end = None
        if right is not None:
            end = self._end(right, left, start, local_now, zone, start_day_given)
        elif durations:
            end = _add(start, durations[0].value)
        return RecordingWindow(
            _fixed(start), _fixed(end) if end else None,
            describe(start, end, zone.name, local_now), zone.name,
        )

    def _zone(self, tokens: list[Token]) -> zones.Zone | None:
        found = [t for t in tokens if t.kind == ZONE]
        if len({t.value.name for t in found}) > 1:
            raise self.error("Give one time zone, not two: {q}", *found)
        return found[0].value if found else None

    def _iso_zone(self, side: _Side) -> zones.Zone | None:
        if side.absolute and side.absolute.value[1] is not None:
            return side.absolute.value[1]
        return None

    def _side(self, tokens: list[Token]) -> _Side:
        side = _Side(tokens=list(tokens))
        for t in tokens:
            slot = _SLOTS.get(t.kind)
            if slot is None:  # a separator where none belongs
                raise self.error("Unexpected {q}", t)
            first = getattr(side, slot)
            if first is not None:
                raise self.error(f"{{q}} names {_SLOT_WORDS[slot]}", first, t)
            setattr(side, slot, t)
        alone = [t for t in (side.now, side.offset, side.absolute) if t is not None]
        if alone and len(tokens) > 1:
            raise self.error("{q} names two different starts", *tokens)
        return side

    # -- resolution --------------------------------------------------------

    def _day(self, side: _Side, today: date) -> date | None:
        if side.day is None:
            return None
        try:
            return dates.resolve(side.day.value, today)
        except dates.DayError as exc:
            raise self.error(f"Can't use {{q}}: {exc}", side.day) from None

    def _options(self, side: _Side) -> tuple[list[tuple[time, int]], str]:
        """Candidate (time of day, day shift) for a side's clock, and how sure they are.

        The kind is "fixed" (one reading), "colon" (8:30: 24-hour unless the
        other end says am/pm) or "bare" (8, 8点: morning or evening).
        """
        clock: Clock | None = side.clock.value if side.clock else None
        period = side.period.value if side.period else None
        if clock is None:
            if period == "noon":
                return [(time(12), 0)], "fixed"
            what = side.period or side.day or side.tokens[0]
            raise self.error("Missing a clock time for {q}", what)
        t = time(clock.hour, clock.minute, clock.second)
        if clock.day_shift or (clock.style == "exact" and clock.meridiem is None and not period):
            return [(t, clock.day_shift)], "fixed"
        if clock.meridiem:
            hour = clock.hour % 12 + (12 if clock.meridiem == "pm" else 0)
            shift = 0
            if period:
                ok = {"morning": hour < 12 or hour == 12, "early": hour <= 6,
                      "noon": 11 <= hour <= 14, "afternoon": 12 <= hour <= 18,
                      "dusk": 15 <= hour <= 20, "evening": hour >= 17 or hour < 5,
                      "night": hour >= 17 or hour < 5}[period]  # fmt: skip
                if not ok:
                    raise self.error("The time of day and the clock time disagree in {q}",
                                     side.period, side.clock)
                if period in ("evening", "night") and hour < 5:
                    shift = 1
            return [(t.replace(hour=hour), shift)], "fixed"
        if period:
            reading = _with_period(clock, period)
            if reading is None:
                raise self.error("The time of day and the clock time disagree in {q}",
                                 side.period, side.clock)
            hour, shift = reading
            return [(t.replace(hour=hour), shift)], "fixed"
        other = (t.replace(hour=0), 1) if clock.hour == 12 else (t.replace(hour=clock.hour + 12), 0)
        return [(t, 0), other], clock.style

    def _start(self, left: _Side, right: _Side | None, local_now: datetime,
               zone: zones.Zone) -> tuple[datetime, bool]:
        tz = zone.tz
        if left.now:
            return local_now, False
        if left.offset:
            return _add(local_now, left.offset.value), False
        if left.absolute:
            return left.absolute.value[0].astimezone(tz), False
        today = local_now.date()
        day = self._day(left, today)
        options, kind = self._options(left)
        if len(options) > 1 and right is not None and right.clock is not None:
            end_options, end_kind = self._options(right)
            end_explicit = right.clock.value.meridiem or right.period
            if end_kind == "fixed" and (kind == "bare" or end_explicit):
                end_minutes = _minutes(*end_options[0])
                options = [min(options, key=lambda o: (end_minutes - _minutes(*o)) % 1440 or 1440)]
                kind = "fixed"
        if kind == "colon":
            options = options[:1]
        if day is not None:
            if len(options) > 1:
                h = left.clock.value.hour
                raise self.error(
                    f"Is {{q}} {options[0][0]:%H:%M} or {options[1][0]:%H:%M}? Add am/pm, "
                    f"a 24-hour time or a time of day (e.g. {h}pm, 晚上{h}点)", left.clock)
            t, shift = options[0]
            start = datetime.combine(day + timedelta(days=shift), t, tzinfo=tz)
        else:
            candidates = [
                datetime.combine(today + timedelta(days=base + shift), t, tzinfo=tz)
                for base in (0, 1) for t, shift in options
            ]
            start = min((c for c in candidates if _utc(c) >= _utc(local_now)), key=_utc)
        self._check_exists(start, zone, left)
        return start, day is not None

    def _end(self, right: _Side, left: _Side, start: datetime, local_now: datetime,
             zone: zones.Zone, start_day_given: bool) -> datetime:
        tz = zone.tz
        if right.now or right.offset:
            raise self.error("The end must be a clock time, not {q}", right.now or right.offset)
        if right.absolute:
            return right.absolute.value[0].astimezone(tz)
        start_local = start.astimezone(tz)
        day = self._day(right, local_now.date())  # a day of its own, counted from today
        options, kind = self._options(right)
        start_explicit = left.clock is not None and (left.clock.value.meridiem or left.period)
        if kind == "colon" and not start_explicit:
            options = options[:1]
        bases = [day] if day is not None else [start_local.date(), start_local.date()
                                               + timedelta(days=1)]
        candidates = []
        for base in bases:
            for t, shift in options:
                naive = datetime.combine(base + timedelta(days=shift), t)
                for fold in (0, 1):
                    candidates.append(naive.replace(tzinfo=tz, fold=fold))
        later = [c for c in candidates if _utc(c) > _utc(start)]
        end = min(later, key=_utc) if later else candidates[0]
        self._check_exists(end, zone, right)
        return end

    def _check_exists(self, moment: datetime, zone: zones.Zone, side: _Side) -> None:
        back = moment.astimezone(UTC).astimezone(moment.tzinfo)
        if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise self.error(
                f"{{q}} does not exist: {moment:%H:%M} on {moment:%d %b} is skipped when "
                f"the clocks go forward in {zone.name}", *side.tokens)


def _with_period(clock: Clock, period: str) -> tuple[int, int] | None:
    """24-hour reading of a clock time qualified by a time of day, or None if they clash."""
    h = clock.hour
    if clock.style == "exact":  # 24-hour already: only check that it fits
        fits = {"morning": h <= 12, "early": h <= 6, "noon": 11 <= h <= 14,
                "afternoon": 12 <= h <= 18, "dusk": 15 <= h <= 20,
                "evening": h >= 17 or h < 5, "night": h >= 17 or h < 5}[period]  # fmt: skip
        if not fits:
            return None
        return h, 1 if period in ("evening", "night") and h < 5 else 0
    if period == "morning":
        return h, 0
    if period == "early":
        return (0, 0) if h == 12 else (h, 0) if h <= 6 else None
    if period == "noon":
        return (h, 0) if h in (11, 12) else (h + 12, 0) if h <= 3 else None
    if period == "afternoon":
        return (12, 0) if h == 12 else (h + 12, 0)
    if period == "dusk":
        return (h + 12, 0) if 4 <= h <= 8 else None
    # evening / night: 12 is midnight and 1-4 the small hours of the next day
    if h == 12:
        return 0, 1
    if h <= 4:
        return h, 1
    return h + 12, 0


def _fixed(moment: datetime) -> datetime:
    """The same instant with its UTC offset as a fixed zone (see RecordingWindow)."""
    offset = moment.utcoffset()
    assert offset is not None
    return moment.astimezone(timezone(offset))


def _minutes(t: time, shift: int) -> int:
    return (t.hour * 60 + t.minute + shift * 1440) % 1440


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _add(moment: datetime, delta: timedelta) -> datetime:
    """Elapsed-time addition, correct across DST changes."""
    tz: tzinfo | None = moment.tzinfo
    return (moment.astimezone(UTC) + delta).astimezone(tz)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt_day(moment: datetime, now: datetime) -> str:
    text = f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"
    return text if moment.year == now.year else f"{text} {moment.year}"


def _fmt_duration(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    sign, minutes = ("-", -minutes) if minutes < 0 else ("", minutes)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{sign}{hours}h{minutes:02d}m"
    return f"{sign}{hours}h" if hours else f"{sign}{minutes}m"


def describe(start: datetime, end: datetime | None, zone: str, now: datetime) -> str:
    """Short echo of the window, e.g. "Thu 26 Nov 20:00 → 22:00 (2h, Asia/Shanghai)"."""
    if abs(_utc(start) - _utc(now)) < timedelta(seconds=1):
        head = f"now ({_fmt_day(start, now)} {start:%H:%M})"
    else:
        head = f"{_fmt_day(start, now)} {start:%H:%M}"
    if end is None:
        return f"{head} ({zone})"
    tail = f"{end:%H:%M}" if end.date() == start.date() else f"{_fmt_day(end, now)} {end:%H:%M}"
    return f"{head} → {tail} ({_fmt_duration(_utc(end) - _utc(start))}, {zone})"


def parse_window(text: str, now: datetime) -> RecordingWindow:
    """Read a recording window from ``text``, relative to ``now`` (timezone-aware).

    Raises TimeParseError when any part of the text is not understood, is
    ambiguous, or would be dropped.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(text, str) or not text.strip():
        raise TimeParseError("No time given", text if isinstance(text, str) else "")
    try:
        return _Parse(text, now).run()
    except OverflowError:  # a duration or offset beyond the calendar
        raise TimeParseError("{q} is too far away", text.strip()) from None
