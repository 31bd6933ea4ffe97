"""parse_window: a time phrase and "now" -> a RecordingWindow.

Steps: normalise the text, tokenise it (nothing may be left over), settle the
tokens that depend on the rest of the phrase (questions, "21h", "around",
"after"), split it into a start side, an optional end side and an optional
duration, then resolve each side to an instant in the window's zone. The
API's window rules (length, how far ahead) are not checked here; a window in
the past is returned as parsed. How something was read, where it could have
been read otherwise, is recorded in ``RecordingWindow.notes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from operator import itemgetter

from . import dates, zones
from .durations import format_length
from .errors import ParseProblem, TimeParseError
from .lexer import tokenize
from .normalize import normalize
from .notes import (
    Approximate,
    EndOnNextDay,
    InProgress,
    OpenEnded,
    ShorterReading,
    WeekdayReading,
    WindowNote,
)
from .periods import fits, with_period
from .tokens import (
    AfterTok,
    ApproxTok,
    BeforeTok,
    BetweenTok,
    Clock,
    ClockOrDurationTok,
    ClockTok,
    DayTok,
    DurationTok,
    InstantTok,
    NowTok,
    OffsetTok,
    PeriodTok,
    QuestionTok,
    Sep,
    SepTok,
    Style,
    Token,
    UnknownTok,
    ZoneTok,
)

P = ParseProblem


@dataclass(frozen=True)
class RecordingWindow:
    """What the text asked for.

    ``start``/``end`` are aware datetimes (``end`` is None when only a start
    was given) whose tzinfo is the fixed UTC offset that ``zone`` has at that
    instant. Fixed offsets, rather than a shared ZoneInfo, keep ``end - start``
    and comparisons exact across a DST change (Python compares and subtracts
    two datetimes sharing a ZoneInfo by wall clock). ``zone`` names the zone
    the text was read in: the IANA key of ``now``'s zone, or the one the text
    named ("Europe/Paris" for CET, "UTC+08:00" for an offset). ``notes`` are
    facts about the reading the answer should state (see notes.py).
    """

    start: datetime
    end: datetime | None
    description: str
    zone: str
    notes: tuple[WindowNote, ...] = ()


_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class _Side:
    tokens: list[Token] = field(default_factory=list)
    day: DayTok | None = None
    period: PeriodTok | None = None
    clock: ClockTok | None = None
    now: NowTok | None = None
    offset: OffsetTok | None = None
    absolute: InstantTok | None = None

    @property
    def empty(self) -> bool:
        return not self.tokens


_SLOTS = {DayTok: "day", PeriodTok: "period", ClockTok: "clock", NowTok: "now",
          OffsetTok: "offset", InstantTok: "absolute"}  # fmt: skip
_SLOT_WORDS = {"day": "two days", "period": "two times of day", "clock": "two clock times",
               "now": "two starts", "offset": "two starts", "absolute": "two instants"}  # fmt: skip


class _Parse:
    """One call of parse_window: the text, the zone, and the error helper."""

    def __init__(self, text: str, now: datetime, *, offer_choices: bool = True,
                 implied_day: date | None = None, choice_text: str | None = None,
                 verify=None):
        self.text = text
        # Questions offer the user's whole text with the span replaced (the
        # same length as ``text``, which may have repeat words blanked out),
        # each checked with ``verify`` (parse_window by default).
        self.choice_text = choice_text if choice_text is not None else text
        self.verify = verify
        self.now = now
        self.notes: list[WindowNote] = []
        self.offer_choices = offer_choices
        self.implied_day = implied_day

    def error(self, problem: ParseProblem, reason: str, *tokens, fragment: str | None = None,
              params: dict[str, str] | None = None,
              readings: tuple[str, ...] = ()) -> TimeParseError:
        if fragment is None:
            if tokens:
                start = min(t.start for t in tokens)
                end = max(t.end for t in tokens)
                fragment = self.text[start:end].strip()
            else:
                fragment = self.text.strip()
        choices: tuple[str, ...] = ()
        if readings and tokens and self.offer_choices:
            choices = self._choices(tokens[0], readings)
        chinese = bool(_CJK.search(self.text))
        return TimeParseError(reason, fragment, self.text, chinese, problem=problem,
                              params=params, choices=choices)

    def _choices(self, token, readings: tuple[str, ...]) -> tuple[str, ...]:
        """The text with ``token``'s span replaced by each reading, kept when it parses."""
        out = []
        base = self.choice_text
        for reading in readings:
            for candidate in (base[:token.start] + reading + base[token.end:], reading):
                candidate = " ".join(candidate.split())
                try:
                    if self.verify is not None:
                        self.verify(candidate, self.now)
                    else:
                        _Parse(candidate, self.now, offer_choices=False).run()
                except TimeParseError:
                    continue
                out.append(candidate)
                break
        return tuple(out)

    # -- structure ---------------------------------------------------------

    def run(self) -> RecordingWindow:
        lexed = tokenize(normalize(self.text), self.text)
        self.notes.extend(lexed.notes)
        raw = lexed.tokens
        kinds = {type(t) for t in raw}  # most phrases need few of the steps below
        if UnknownTok in kinds:
            unknown = [t for t in raw if isinstance(t, UnknownTok)]
            fragment = " … ".join(self.text[t.start:t.end].strip() for t in unknown)
            meaning = next((t.zone_meaning for t in unknown if t.zone_meaning), None)
            if meaning:
                raise self.error(P.AMBIGUOUS_ZONE,
                                 f"{{q}} could be {meaning}; name the zone, e.g. Asia/Shanghai",
                                 fragment=fragment, params={"meaning": meaning})
            raise self.error(P.NOT_UNDERSTOOD, "I didn't understand {q}", fragment=fragment)
        if not raw:
            raise self.error(P.NO_TIME, "No time found in {q}")
        if QuestionTok in kinds:
            raise self._question(next(t for t in raw if isinstance(t, QuestionTok)))
        tokens = self._settle(raw, kinds)

        zone = self._zone(tokens)
        durations = [t for t in tokens if isinstance(t, DurationTok)]
        if len(durations) > 1:
            raise self.error(P.TWO_DURATIONS, "Give one duration, not two: {q}", *durations)
        seps = [t for t in tokens if isinstance(t, SepTok)]
        betweens = [t for t in tokens if isinstance(t, BetweenTok)]
        if len(seps) > 1:
            raise self.error(P.TWO_RANGES, "Give one range, not two: {q}", *seps)
        if len(betweens) > 1 or (betweens and not seps):
            raise self.error(P.BETWEEN_AND, 'Use "between <start> and <end>", not {q}', *betweens)
        if seps and seps[0].sep == Sep.AND and not betweens:
            raise self.error(P.BETWEEN_AND, 'Use "between <start> and <end>", or "to" instead of '
                             "{q}", seps[0])
        if betweens and betweens[0].start > seps[0].start:
            raise self.error(P.BETWEEN_AND, 'Use "between <start> and <end>", not {q}',
                             betweens[0])

        core = [t for t in tokens if not isinstance(t, (ZoneTok, DurationTok, BetweenTok))]
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
            zone = self._iso_zone(left) or zones.of_now(self.now)
        local_now = self.now.astimezone(zone.tz)

        if seps and durations:
            raise self.error(P.END_AND_DURATION,
                             "Give an end or a duration, not both; drop {q} or the end", *durations)
        if right is not None and right.empty:
            raise self.error(P.MISSING_END, "Missing the end after {q}", seps[0])
        if left.empty:
            if seps and seps[0].sep != Sep.UNTIL:
                raise self.error(P.MISSING_START, "Missing the start before {q}", seps[0])
            if not seps and not durations:
                raise self.error(P.NO_TIME, "No time found in {q}")
            if seps or self._open_duration(durations[0]):
                self.notes.append(OpenEnded(until=bool(seps)))
            left.now = NowTok(start=0, end=0)

        def end_of(start: datetime) -> datetime | None:
            if right is not None:
                return self._end(right, left, start, local_now, zone, record=False)
            if durations:
                return _add(start, durations[0].delta)
            return None

        start = self._start(left, right, local_now, zone, end_of)
        end = None
        if right is not None:
            end = self._end(right, left, start, local_now, zone, record=True)
        elif durations:
            end = _add(start, durations[0].delta)
        return RecordingWindow(
            _fixed(start), _fixed(end) if end else None,
            describe(start, end, zone.name, local_now), zone.name, tuple(_unique(self.notes)),
        )

    def _open_duration(self, tok: DurationTok) -> bool:
        written = normalize(self.text[tok.start:tok.end])
        return bool(re.match(r"(?:over|in|for|during|within)?\s*(?:the\s+)?next|within", written)
                    or re.search(r"内$|^(?:接下来|未来|之后|往后|在接下来)", written))

    def _question(self, t: QuestionTok) -> TimeParseError:
        params = dict(t.params)
        problem = ParseProblem(t.problem)
        if problem == P.CLOCK_OR_RANGE:
            reason = (f"Is {{q}} {params['clock']} (minutes to the hour) or the range "
                      f"{params['range']}?")
        else:
            reason = f"Is {{q}} {params['first']} or {params['second']}?"
        return self.error(problem, reason, t, params=params, readings=t.readings)

    def _settle(self, raw: list, kinds: set[type]) -> list[Token]:
        """Resolve the tokens whose meaning depends on the rest of the phrase.

        ``kinds``: the classes in ``raw``; a step whose tokens are absent is skipped.
        """
        tokens: list = []
        for t in raw:  # "现在马上", "now, right away": one start
            if isinstance(t, NowTok) and tokens and isinstance(tokens[-1], NowTok):
                tokens[-1] = NowTok(start=tokens[-1].start, end=t.end)
                continue
            tokens.append(t)
        # "around 9pm", "9ish", "9点左右": the stated time, noted.
        if ApproxTok in kinds:
            timed = (ClockTok, PeriodTok, DayTok, ClockOrDurationTok, NowTok, DurationTok,
                     OffsetTok)
            for i, t in enumerate(tokens):
                if isinstance(t, ApproxTok):
                    near = [u for u in tokens[max(0, i - 2):i + 3] if isinstance(u, timed)]
                    if not near:
                        raise self.error(P.NOT_UNDERSTOOD, "I didn't understand {q}", t)
                    span = [t, *near]
                    start = min(u.start for u in span)
                    end = max(u.end for u in span)
                    self.notes.append(Approximate(self.text[start:end].strip()))
            tokens = [t for t in tokens if not isinstance(t, ApproxTok)]
        # Chinese "11点前": until then, from now.
        if BeforeTok in kinds:
            befores = [t for t in tokens if isinstance(t, BeforeTok)]
            b = befores[0]
            if len(befores) > 1 or tokens[-1] is not b or any(isinstance(t, SepTok)
                                                              for t in tokens):
                raise self.error(P.NOT_UNDERSTOOD, "I didn't understand {q}", b)
            tokens = [SepTok(Sep.UNTIL, start=b.start, end=b.end), *tokens[:-1]]
        # "21h": a clock time when the phrase has a day, a range or a duration.
        if ClockOrDurationTok in kinds:
            for i, t in enumerate(tokens):
                if not isinstance(t, ClockOrDurationTok):
                    continue
                others = [u for u in tokens if u is not t]
                if any(isinstance(u, (SepTok, DayTok, PeriodTok, DurationTok)) for u in others):
                    tokens[i] = ClockTok(t.clock, start=t.start, end=t.end)
                elif any(isinstance(u, (ClockTok, NowTok, OffsetTok, InstantTok))
                         for u in others):
                    tokens[i] = DurationTok(t.delta, start=t.start, end=t.end)
                else:
                    clock = f"{t.clock.hour:02d}:{t.clock.minute:02d}"
                    hours = t.delta.total_seconds() / 3600
                    duration = f"for {hours:g} hours"
                    raise self.error(P.CLOCK_OR_DURATION, f"Is {{q}} the time {clock} or a "
                                     f"length of {hours:g} hours?", t,
                                     params={"clock": clock, "duration": duration},
                                     readings=(clock, duration))
        # "after 6pm": no end.
        if AfterTok in kinds:
            if not any(isinstance(t, (SepTok, DurationTok)) for t in tokens):
                raise self.error(P.NO_END, "{q} gives a start but no end; say until when or for "
                                 "how long, e.g. \"6pm to 8pm\"", *tokens)
            tokens = [t for t in tokens if not isinstance(t, AfterTok)]
        return tokens

    def _zone(self, tokens: list[Token]) -> zones.Zone | None:
        found = [t for t in tokens if isinstance(t, ZoneTok)]
        if len({t.zone.name for t in found}) > 1:
            raise self.error(P.TWO_ZONES, "Give one time zone, not two: {q}", *found)
        return found[0].zone if found else None

    def _iso_zone(self, side: _Side) -> zones.Zone | None:
        if side.absolute and side.absolute.zone is not None:
            return side.absolute.zone
        return None

    def _side(self, tokens: list[Token]) -> _Side:
        side = _Side(tokens=list(tokens))
        for t in tokens:
            slot = _SLOTS.get(type(t))
            if slot is None:  # cannot happen: _settle leaves only slot tokens and one separator
                raise self.error(P.NOT_UNDERSTOOD, "I didn't understand {q}", t)
            first = getattr(side, slot)
            if first is not None:
                raise self.error(P.TWO_OF_A_KIND, f"{{q}} names {_SLOT_WORDS[slot]}", first, t,
                                 params={"what": _SLOT_WORDS[slot]})
            setattr(side, slot, t)
        alone = [t for t in (side.now, side.offset, side.absolute) if t is not None]
        if alone and len(tokens) > 1:
            raise self.error(P.TWO_STARTS, "{q} names two different starts", *tokens)
        return side

    # -- resolution --------------------------------------------------------

    def _day(self, side: _Side, today: date, anchor: date, record: bool = True) -> date | None:
        if side.day is None:
            return None
        tok = side.day
        try:
            result = dates.resolve(tok.spec, today, anchor)
        except dates.DateOrder as q:
            a, b = q.readings
            raise self.error(P.DATE_ORDER, f"Is {{q}} {a} or {b}?", tok,
                             params={"day_month": a, "month_day": b}, readings=(a, b)) from None
        except dates.WeekdayMismatch as exc:
            raise self.error(P.WEEKDAY_MISMATCH, f"Can't use {{q}}: {exc}", tok,
                             params={"date": exc.date, "weekday": exc.weekday}) from None
        except dates.DayError as exc:
            raise self.error(P.NO_SUCH_DAY, f"Can't use {{q}}: {exc}", tok,
                             params={"reason": str(exc)}) from None
        if record:
            other = dates.other_reading(tok.spec, today)
            if other is not None and other[0] != result:
                self.notes.append(WeekdayReading(result, other[0], other[1]))
        return result

    def _options(self, side: _Side) -> tuple[list[tuple[time, int]], Style | None]:
        """Candidate (time of day, day shift) for a side's clock, and how sure they are.

        The style is None for one reading, COLON (8:30: 24-hour unless the
        other end says am/pm) or BARE (8, 8点: morning or evening).
        """
        clock: Clock | None = side.clock.clock if side.clock else None
        period = side.period.period if side.period else None
        if clock is None:
            if period == "noon":
                return [(time(12), 0)], None
            what = side.period or side.day or side.tokens[0]
            raise self.error(P.NO_CLOCK, "Missing a clock time for {q}", what)
        t = time(clock.hour, clock.minute, clock.second)
        if clock.day_shift or (clock.style == Style.EXACT and clock.meridiem is None
                               and not period):
            return [(t, clock.day_shift)], None
        if clock.meridiem:
            hour = clock.hour % 12 + (12 if clock.meridiem == "pm" else 0)
            shift = 0
            if period:
                if not fits(period, hour):
                    raise self.error(P.PERIOD_CLASH,
                                     "The time of day and the clock time disagree in {q}",
                                     side.period, side.clock)
                if period in ("evening", "night") and hour < 5:
                    shift = 1
            return [(t.replace(hour=hour), shift)], None
        if period:
            reading = with_period(clock.hour, clock.style == Style.EXACT, period)
            if reading is None:
                raise self.error(P.PERIOD_CLASH,
                                 "The time of day and the clock time disagree in {q}",
                                 side.period, side.clock)
            hour, shift = reading
            return [(t.replace(hour=hour), shift)], None
        other = (t.replace(hour=0), 1) if clock.hour == 12 else (t.replace(hour=clock.hour + 12), 0)
        return [(t, 0), other], clock.style

    def _ampm_question(self, side: _Side, options) -> TimeParseError:
        tok = side.clock
        assert tok is not None
        clock = tok.clock
        written = self.text[tok.start:tok.end]
        (t0, _), (t1, _) = options
        if _CJK.search(written):
            readings = (f"上午{written}", f"晚上{written}") if clock.hour != 12 else (
                f"中午{written}", f"晚上{written}")
        elif clock.hour == 12 and not clock.minute:
            readings = ("noon", "midnight")
        else:
            mm = f":{clock.minute:02d}" if clock.minute else ""
            readings = (f"{clock.hour}{mm}am", f"{clock.hour}{mm}pm")
        h = clock.hour
        return self.error(
            P.AM_OR_PM,
            f"Is {{q}} {t0:%H:%M} or {t1:%H:%M}? Add am/pm, a 24-hour time or a time of day "
            f"(e.g. {h}pm, 晚上{h}点)", tok,
            params={"morning": f"{t0:%H:%M}", "evening": f"{t1:%H:%M}"}, readings=readings)

    def _start(self, left: _Side, right: _Side | None, local_now: datetime,
               zone: zones.Zone, end_of) -> datetime:
        tz = zone.tz
        if left.now:
            return local_now
        if left.offset:
            return _add(local_now, left.offset.delta)
        if left.absolute:
            return left.absolute.moment.astimezone(tz)
        today = local_now.date()
        day = self._day(left, today, today)
        if day is None and self.implied_day is not None:
            day = self.implied_day
        options, kind = self._options(left)
        if len(options) > 1 and right is not None and right.clock is not None:
            end_options, end_kind = self._options(right)
            end_explicit = right.clock.clock.meridiem or right.period
            if end_kind is None and (kind == Style.BARE or end_explicit):
                end_minutes = _minutes(*end_options[0])
                options = [min(options, key=lambda o: (end_minutes - _minutes(*o)) % 1440 or 1440)]
                kind = None
        if kind == Style.COLON and not _early(left):
            options = options[:1]  # 9:30 reads as 24-hour; 4:30 could be either (see _early)
        if day is not None:
            if len(options) > 1:
                raise self._ampm_question(left, options)
            t, shift = options[0]
            start = datetime.combine(day + timedelta(days=shift), t, tzinfo=tz)
        else:
            has_end = right is not None or end_of(local_now) is not None
            # A window already running counts only when no end names a day of its own.
            running = has_end and (right is None or right.day is None)
            bases = (-1, 0, 1) if running else (0, 1)
            now_utc = _utc(local_now)
            # (instant in UTC, wall-clock candidate), earliest first; each converted once.
            candidates = sorted(
                ((_utc(c), c) for c in
                 (datetime.combine(today + timedelta(days=base + shift), t, tzinfo=tz)
                  for base in bases for t, shift in options)), key=_first)
            start = min((uc for uc in candidates if uc[0] >= now_utc), key=_first)[1]
            if running:
                # A window already running (start <= now < end) is today's, not tomorrow's.
                for c_utc, c in candidates:
                    if c_utc >= now_utc:
                        break
                    try:
                        e = end_of(c)
                    except TimeParseError:
                        continue
                    if e is None:
                        continue
                    e_utc = _utc(e)
                    if e_utc > now_utc and _exists(c) and e_utc - c_utc < timedelta(hours=24):
                        start = c
                        self.notes.append(InProgress())
                        break
        self._check_exists(start, zone, left)
        return start

    def _end(self, right: _Side, left: _Side, start: datetime, local_now: datetime,
             zone: zones.Zone, record: bool) -> datetime:
        tz = zone.tz
        if right.now or right.offset:
            raise self.error(P.END_NOT_CLOCK, "The end must be a clock time, not {q}",
                             right.now or right.offset)
        if right.absolute:
            return right.absolute.moment.astimezone(tz)
        start_local = start.astimezone(tz)
        # A day of its own, counted from today ("the next day": from the start's day).
        day = self._day(right, local_now.date(), start_local.date(), record=record)
        options, kind = self._options(right)
        start_explicit = left.clock is not None and (left.clock.clock.meridiem or left.period)
        twenty_four: tuple[time, int] | None = None
        if kind == Style.COLON:
            if start_explicit:
                pass
            else:
                twenty_four = options[0]  # both halves; the shorter window wins, and is said
        bases = [day] if day is not None else [start_local.date(), start_local.date()
                                               + timedelta(days=1)]
        # (option, wall-clock candidate, instant in UTC), each converted once.
        candidates: list[tuple[tuple[time, int], datetime, datetime]] = []
        for base in bases:
            for option in options:
                t, shift = option
                naive = datetime.combine(base + timedelta(days=shift), t)
                for fold in (0, 1):
                    c = naive.replace(tzinfo=tz, fold=fold)
                    candidates.append((option, c, _utc(c)))
        start_utc = _utc(start)
        later = [oc for oc in candidates if oc[2] > start_utc]
        option, end, _ = min(later, key=_third) if later else candidates[0]
        self._check_exists(end, zone, right)
        if record:
            if twenty_four is not None and option != twenty_four:
                longer = [oc for oc in later if oc[0] == twenty_four]
                if longer:
                    self.notes.append(ShorterReading(_fixed(min(longer, key=_third)[1])))
            clock = right.clock.clock if right.clock else None
            if (right.day is None and clock is not None and not clock.day_shift
                    and end.astimezone(tz).date() > start_local.date()):
                self.notes.append(EndOnNextDay())
        return end

    def _check_exists(self, moment: datetime, zone: zones.Zone, side: _Side) -> None:
        if not _exists(moment):
            raise self.error(
                P.DST_GAP,
                f"{{q}} does not exist: {moment:%H:%M} on {moment:%d %b} is skipped when "
                f"the clocks go forward in {zone.name}", *side.tokens,
                params={"time": f"{moment:%H:%M}", "date": f"{moment:%Y-%m-%d}",
                        "zone": zone.name})


def _early(side: _Side) -> bool:
    """A colon time in the small hours without am/pm ("4:30"): 04:30 is as unlikely a
    start as 16:30 is likely, so it is read like a bare hour, never as 24-hour in silence."""
    clock = side.clock.clock if side.clock else None
    return clock is not None and clock.style == Style.COLON and 1 <= clock.hour <= 6


def _exists(moment: datetime) -> bool:
    # Both share moment's tzinfo, so == compares the wall clocks (fold ignored).
    return moment.astimezone(UTC).astimezone(moment.tzinfo) == moment


def _unique(notes: list[WindowNote]) -> list[WindowNote]:
    out: list[WindowNote] = []
    for n in notes:
        if n not in out:
            out.append(n)
    return out


def _fixed(moment: datetime) -> datetime:
    """The same instant with its UTC offset as a fixed zone (see RecordingWindow)."""
    offset = moment.utcoffset()
    assert offset is not None
    return moment.astimezone(timezone(offset))


def _minutes(t: time, shift: int) -> int:
    return (t.hour * 60 + t.minute + shift * 1440) % 1440


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


_first = itemgetter(0)
_third = itemgetter(2)


def _add(moment: datetime, delta: timedelta) -> datetime:
    """Elapsed-time addition, correct across DST changes."""
    tz: tzinfo | None = moment.tzinfo
    return (moment.astimezone(UTC) + delta).astimezone(tz)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt_day(moment: datetime, now: datetime) -> str:
    text = f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"
    return text if moment.year == now.year else f"{text} {moment.year}"


def _fmt_time(moment: datetime) -> str:
    if moment.second:
        return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def describe(start: datetime, end: datetime | None, zone: str, now: datetime) -> str:
    """Short echo of the window, e.g. "Thu 26 Nov 20:00 → 22:00 (2 h, Asia/Shanghai)"."""
    if abs(_utc(start) - _utc(now)) < timedelta(seconds=1):
        head = f"now ({_fmt_day(start, now)} {start.hour:02d}:{start.minute:02d})"
    else:
        head = f"{_fmt_day(start, now)} {_fmt_time(start)}"
    if end is None:
        return f"{head} ({zone})"
    tail = (_fmt_time(end) if end.date() == start.date()
            else f"{_fmt_day(end, now)} {_fmt_time(end)}")
    return f"{head} → {tail} ({format_length(_utc(end) - _utc(start))}, {zone})"


def parse_window(text: str, now: datetime) -> RecordingWindow:
    """Read a recording window from ``text``, relative to ``now`` (timezone-aware).

    Raises TimeParseError when any part of the text is not understood, is
    ambiguous, or would be dropped.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(text, str) or not text.strip():
        raise TimeParseError("No time given", text if isinstance(text, str) else "",
                             problem=P.NO_TIME)
    return run_parse(text, now)


def run_parse(text: str, now: datetime, implied_day: date | None = None,
              choice_text: str | None = None, verify=None) -> RecordingWindow:
    try:
        return _Parse(text, now, implied_day=implied_day, choice_text=choice_text,
                      verify=verify).run()
    except OverflowError:  # a duration or offset beyond the calendar
        raise TimeParseError("{q} is too far away", text.strip(), text,
                             problem=P.TOO_FAR) from None
