"""A time phrase the parser refused (bot.timeparse.TimeParseError), said in the reader's
language: what was not understood, quoted, and phrasings that work — the parser's own
rephrasings of the user's text when it asks a question, examples otherwise."""

from __future__ import annotations

from bot.slack.blocks.help import zh_examples
from bot.slack.blocks.text import code
from bot.slack.i18n import Mrkdwn, Tr
from bot.timeparse import ParseProblem as P
from bot.timeparse import TimeParseError
from bot.timeparse.errors import EXAMPLES_EN

#: A 3000-character command quotes this much of itself: enough to recognise it.
FRAGMENT_LIMIT = 120


def _reason(tr: Tr, err: TimeParseError) -> Mrkdwn:
    p = err.problem
    params = err.params
    q = code(err.fragment, FRAGMENT_LIMIT)
    if p is P.NO_TIME:
        return tr._("No time found in {q}.", q=q)
    if p is P.AMBIGUOUS_ZONE:
        return tr._("{q} could be more than one time zone; name the zone, e.g. Asia/Shanghai.",
                    q=q)
    if p is P.TWO_ZONES:
        return tr._("Give one time zone, not two: {q}.", q=q)
    if p is P.TWO_DURATIONS:
        return tr._("Give one duration, not two: {q}.", q=q)
    if p is P.TWO_RANGES:
        return tr._("Give one range, not two: {q}.", q=q)
    if p is P.BETWEEN_AND:
        return tr._("Use “between &lt;start&gt; and &lt;end&gt;”, or “to”, not {q}.", q=q)
    if p is P.MISSING_START:
        return tr._("Missing the start before {q}.", q=q)
    if p is P.MISSING_END:
        return tr._("Missing the end after {q}.", q=q)
    if p is P.END_AND_DURATION:
        return tr._("Give an end or a duration, not both: {q}.", q=q)
    if p is P.TWO_OF_A_KIND:
        return tr._("{q} names two days or two times for one side of the window.", q=q)
    if p is P.TWO_STARTS:
        return tr._("{q} names two different starts.", q=q)
    if p is P.NO_CLOCK:
        return tr._("Missing a clock time for {q}.", q=q)
    if p is P.END_NOT_CLOCK:
        return tr._("The end must be a clock time, not {q}.", q=q)
    if p is P.AM_OR_PM:
        return tr._("Is {q} {morning} or {evening}? Add am/pm, a 24-hour time or a time of day.",
                    q=q, morning=params.get("morning", ""), evening=params.get("evening", ""))
    if p is P.DATE_ORDER:
        return tr._("Is {q} {first} or {second}?", q=q, first=params.get("day_month", ""),
                    second=params.get("month_day", ""))
    if p is P.CLOCK_OR_DURATION:
        return tr._("Is {q} the time {clock} or a length?", q=q, clock=params.get("clock", ""))
    if p is P.CLOCK_OR_RANGE:
        return tr._("Is {q} {clock} (minutes to the hour) or the range {range}?", q=q,
                    clock=params.get("clock", ""), range=params.get("range", ""))
    if p is P.MINUTES_READING:
        return tr._("Is {q} {first} or {second}?", q=q, first=params.get("first", ""),
                    second=params.get("second", ""))
    if p is P.NO_END:
        return tr._("{q} gives a start but no end; say until when or for how long.", q=q)
    if p is P.NO_SUCH_DAY:
        return tr._("{q} is not a day on the calendar.", q=q)
    if p is P.WEEKDAY_MISMATCH:
        return tr._("Can't use {q}: the date and the weekday disagree.", q=q)
    if p is P.DST_GAP:
        return tr._("{q} does not exist: {time} on {date} is skipped when the clocks go forward "
                    "in {zone}.", q=q, time=params.get("time", ""), date=params.get("date", ""),
                    zone=params.get("zone", ""))
    if p is P.TOO_FAR:
        return tr._("{q} is beyond the calendar.", q=q)
    if p is P.PERIOD_CLASH:
        return tr._("The time of day and the clock time disagree in {q}.", q=q)
    if p is P.REPEAT_NOT_UNDERSTOOD:
        return tr._("I didn't understand how {q} repeats.", q=q)
    if p is P.REPEAT_NEEDS_REGION:
        return tr._("A repeat follows a region's clock, and {q} is a fixed UTC offset; name the "
                    "region, e.g. Asia/Shanghai.", q=q)
    if p is P.REPEAT_NEEDS_LENGTH:
        return tr._("Say when each recording runs, with a start and an end: {q}.", q=q)
    if p is P.REPEAT_TWO_ENDS:
        return tr._("Give an end date or a number of times for the repeat, not both: {q}.", q=q)
    if p is P.REPEAT_NO_OCCURRENCE:
        return tr._("{q} has no recording still ahead.", q=q)
    return tr._("I didn't understand {q}.", q=q)


def parse_problem_text(tr: Tr, err: TimeParseError) -> Mrkdwn:
    reason = _reason(tr, err)
    if err.choices:
        said = tr._(" or ").join(code(c, FRAGMENT_LIMIT + 40) for c in err.choices)
        return tr._("{reason} Say {choices}.", reason=reason, choices=Mrkdwn(said))
    examples = (zh_examples(tr)[:2] + EXAMPLES_EN[:1]) if tr.lang.chinese else EXAMPLES_EN
    said = tr._(", ").join(code(e) for e in examples)
    return tr._("{reason} Try something like {examples}.", reason=reason,
                examples=Mrkdwn(said))
