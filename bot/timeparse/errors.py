"""The one error the parsers raise: a message for the user, and the same as data.

``str(err)`` is an English sentence that quotes what was not understood and
gives working examples. For other languages the Slack layer renders
``err.problem`` with ``err.params`` itself; ``err.choices`` are rephrasings of
the user's text that each answer the question asked (each one parses).

Every ``ParseProblem`` and the params it sets (``fragment`` is always set: the
user's own words the message quotes):

=========================  ===============================================  ====================
problem                    when                                             other params
=========================  ===============================================  ====================
NOT_UNDERSTOOD             some words are not a time ("tomorrow banana")    —
NO_TIME                    nothing that names a time (empty, "为止")         —
AMBIGUOUS_ZONE             CST, IST: more than one zone                      ``meaning``
TWO_ZONES                  "8pm CET 9pm UTC"                                —
TWO_DURATIONS              "for 2 hours for 3 hours"                        —
TWO_RANGES                 "8pm to 10pm to 11pm"                            —
BETWEEN_AND                "between" without "and", or the other way round  —
MISSING_START              "to 10pm"                                        —
MISSING_END                "8pm to"                                         —
END_AND_DURATION           "8pm to 10pm for 2 hours"                        —
TWO_OF_A_KIND              "tomorrow today 8pm": one side names two days    ``what`` (two days…)
TWO_STARTS                 "in 10 minutes at 8pm"                           —
NO_CLOCK                   a day without a clock time ("tomorrow")          —
END_NOT_CLOCK              "8pm to in 10 minutes"                           —
AM_OR_PM                   "tomorrow at 8": 08:00 or 20:00?                 ``morning``, ``evening``
DATE_ORDER                 "12/11": 12 Nov or 11 Dec?                       ``day_month``,
                                                                            ``month_day``
CLOCK_OR_DURATION          "21h": 21:00 or 21 hours?                        ``clock``, ``duration``
CLOCK_OR_RANGE             "20 to 1": 12:40 or 20:00–01:00?                 ``clock``, ``range``
MINUTES_READING            "8点5": 8:05 or (Cantonese) 8:25?                ``first``, ``second``
NO_END                     "after 6pm": open-ended                          —
NO_SUCH_DAY                "feb 30", "2月30日"                                ``reason``
WEEKDAY_MISMATCH           "Friday, Dec 3" when Dec 3 is a Thursday         ``date``, ``weekday``
DST_GAP                    a clock time skipped when clocks go forward      ``time``, ``date``,
                                                                            ``zone``
TOO_FAR                    beyond the calendar ("in 99999999 days")         —
PERIOD_CLASH               "tomorrow morning at 8pm", "明天上午20点"          —
REPEAT_NOT_UNDERSTOOD      a repeating rule parse_schedule cannot read      —
REPEAT_NEEDS_REGION        a repeat in a fixed UTC offset (no DST rules)    ``zone``
REPEAT_NEEDS_LENGTH        a repeat with a start but no end or duration     —
REPEAT_TWO_ENDS            both an until date and a count                   —
REPEAT_NO_OCCURRENCE       the rule has no occurrence ending after now      —
=========================  ===============================================  ====================
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

EXAMPLES_EN = ("tomorrow 8pm to 10pm", "today 20:00 for 90 minutes", "in 10 minutes for 1 hour")
EXAMPLES_ZH = ("明天晚上8点到10点", "今天20:00录90分钟", "10分钟后开始，录一个小时")


class ParseProblem(StrEnum):
    """Why a phrase was refused; see the module docstring for each member's params."""

    NOT_UNDERSTOOD = "not-understood"
    NO_TIME = "no-time"
    AMBIGUOUS_ZONE = "ambiguous-zone"
    TWO_ZONES = "two-zones"
    TWO_DURATIONS = "two-durations"
    TWO_RANGES = "two-ranges"
    BETWEEN_AND = "between-and"
    MISSING_START = "missing-start"
    MISSING_END = "missing-end"
    END_AND_DURATION = "end-and-duration"
    TWO_OF_A_KIND = "two-of-a-kind"
    TWO_STARTS = "two-starts"
    NO_CLOCK = "no-clock"
    END_NOT_CLOCK = "end-not-clock"
    AM_OR_PM = "am-or-pm"
    DATE_ORDER = "date-order"
    CLOCK_OR_DURATION = "clock-or-duration"
    CLOCK_OR_RANGE = "clock-or-range"
    MINUTES_READING = "minutes-reading"
    NO_END = "no-end"
    NO_SUCH_DAY = "no-such-day"
    WEEKDAY_MISMATCH = "weekday-mismatch"
    DST_GAP = "dst-gap"
    TOO_FAR = "too-far"
    PERIOD_CLASH = "period-clash"
    REPEAT_NOT_UNDERSTOOD = "repeat-not-understood"
    REPEAT_NEEDS_REGION = "repeat-needs-region"
    REPEAT_NEEDS_LENGTH = "repeat-needs-length"
    REPEAT_TWO_ENDS = "repeat-two-ends"
    REPEAT_NO_OCCURRENCE = "repeat-no-occurrence"


#: Problems that are questions: ``choices`` then holds one rephrasing per reading.
QUESTIONS = frozenset({
    ParseProblem.AM_OR_PM, ParseProblem.DATE_ORDER, ParseProblem.CLOCK_OR_DURATION,
    ParseProblem.CLOCK_OR_RANGE, ParseProblem.MINUTES_READING,
})  # fmt: skip


class TimeParseError(ValueError):
    """The text could not be fully understood.

    ``str(err)`` is the user-facing English message: it quotes the part that
    was not understood (``err.fragment``) and gives a few phrasings that work
    (``err.examples``). ``err.problem``, ``err.params`` and ``err.choices``
    carry the same as data, for messages in other languages.
    """

    def __init__(
        self,
        reason: str,
        fragment: str,
        text: str = "",
        chinese: bool = False,
        *,
        problem: ParseProblem = ParseProblem.NOT_UNDERSTOOD,
        params: Mapping[str, str] | None = None,
        choices: tuple[str, ...] = (),
    ):
        """``reason`` may place the quoted fragment with ``{q}``; otherwise it goes last."""
        self.reason = reason
        self.fragment = fragment
        self.text = text
        self.problem = problem
        self.params: Mapping[str, str] = MappingProxyType({"fragment": fragment, **(params or {})})
        self.choices = choices
        self.examples = EXAMPLES_ZH[:2] + EXAMPLES_EN[:1] if chinese else EXAMPLES_EN
        q = f'"{fragment}"'
        what = reason.format(q=q) if "{q}" in reason else f"{reason}: {q}"
        stop = "" if what.endswith(("?", ".")) else "."
        if choices:
            said = " or ".join(f'"{c}"' for c in choices)
            super().__init__(f"{what}{stop} Say {said}.")
        else:
            examples = ", ".join(f'"{e}"' for e in self.examples)
            super().__init__(f"{what}{stop} Try something like {examples}.")
