"""Understand a request: check its names, read its time phrase in the requester's zone, and
check Tencent's window rules. Pure: no I/O, ``now`` is given.

A request that cannot be carried out raises ``PlanError``, which names the field at fault (the
form shows it there) and the problem as data (the Slack layer words it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.recording.model import Plan, RecordRequest, UserZone
from bot.recording.rules import (
    TASK_ONLY_RULES,
    WindowRule,
    WindowRuleError,
    check_window,
    is_app_name,
    is_push_domain,
)
from bot.recording.rules import is_stream_name as _is_stream_name
from bot.recording.series import (
    MAX_PAD,
    MAX_WINDOW,
    SeriesPlan,
    SeriesProblem,
    SeriesRefused,
    plan_repeat_series,
    plan_window_series,
)
from bot.timeparse import RecordingWindow, Repeat, TimeParseError, parse_schedule

#: The rules a series answers: a longer window is cut into parts, a later one waits.
_SERIES_RULES = TASK_ONLY_RULES


class Field(enum.StrEnum):
    """The request's fields, named as the form's blocks are."""

    STREAM = "stream"
    DOMAIN = "domain"
    APP = "app"
    WHEN = "when"
    TEMPLATE = "template"


class Problem(enum.StrEnum):
    INVALID_STREAM = "invalid stream"
    INVALID_APP = "invalid app"
    INVALID_DOMAIN = "invalid domain"
    NO_DOMAIN = "no domain"  # the form's domain left empty
    TEMPLATE_NOT_A_NUMBER = "template not a number"
    TEMPLATE_UNKNOWN = "template unknown"  # value; cause: the account's templates
    NO_WHEN = "no when"
    WHEN_NOT_UNDERSTOOD = "when not understood"  # cause: TimeParseError
    ONLY_A_START = "only a start"  # window: the start that was understood
    WINDOW_RULE = "window rule"  # cause: WindowRuleError
    ACCESS_DENIED = "access denied"  # cause: Refusal (the form shows it under the domain)
    ACCESS_SLOW = "access slow"  # Slack did not confirm user-group membership in time
    PAD_TOO_LONG = "pad too long"  # more than series.MAX_PAD
    SERIES_TOO_LONG = "series too long"  # cause: SeriesRefused (more than MAX_OCCURRENCES)
    NOTHING_LEFT = "nothing left"  # the series has no occurrence still to come


@dataclass(frozen=True)
class PlanError(Exception):
    """The request cannot be carried out as written. ``others`` are the problems of other
    fields, found at the same time, so that a form can show every one at once."""

    field: Field
    problem: Problem
    value: str = ""  # the offending input, for the invalid-name problems
    cause: object = None  # TimeParseError | WindowRuleError | Refusal | the templates
    window: RecordingWindow | None = None  # ONLY_A_START
    others: tuple[PlanError, ...] = ()

    @property
    def all(self) -> tuple[PlanError, ...]:
        """This problem and the others, one per field (the first found for each)."""
        seen: dict[Field, PlanError] = {}
        for e in (self, *self.others):
            seen.setdefault(e.field, e)
        return tuple(seen.values())

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}" + (f" ({self.cause})" if self.cause else "")


def together(problems: list[PlanError]) -> PlanError:
    """One PlanError carrying all of ``problems`` (at least one)."""
    first, *others = problems
    return replace(first, others=(*first.others, *others))


def name_problems(stream: str, app: str, domain: str) -> list[PlanError]:
    problems = []
    if not _is_stream_name(stream):
        problems.append(PlanError(Field.STREAM, Problem.INVALID_STREAM, stream))
    if not is_app_name(app):
        problems.append(PlanError(Field.APP, Problem.INVALID_APP, app))
    if not domain:
        problems.append(PlanError(Field.DOMAIN, Problem.NO_DOMAIN))
    elif not is_push_domain(domain):
        problems.append(PlanError(Field.DOMAIN, Problem.INVALID_DOMAIN, domain))
    return problems


def plan_recording(request: RecordRequest, now: datetime,
                   zone_fallback: UserZone | None = None,
                   problems: list[PlanError] | None = None,
                   default_pad: timedelta = timedelta(0)) -> Plan | SeriesPlan:
    """Parse the window in the zone of ``now`` and check Tencent's rules; a PlanError names
    every field at fault (with ``problems`` found before, such as the form's template). What
    one task cannot hold — a repeat, a window longer than 24 h or beyond Tencent's horizon —
    comes back as a SeriesPlan."""
    found = [*(problems or []), *name_problems(request.stream, request.app, request.domain)]
    try:
        plan = _plan_window(request, now, zone_fallback, default_pad)
    except PlanError as e:
        found.append(e)
    if found:
        raise together(found)
    return plan


def _plan_window(request: RecordRequest, now: datetime, zone_fallback: UserZone | None,
                 default_pad: timedelta) -> Plan | SeriesPlan:
    if not request.when_text.strip():
        raise PlanError(Field.WHEN, Problem.NO_WHEN)
    pad = default_pad if request.pad is None else request.pad
    if pad > MAX_PAD or pad < timedelta(0):
        raise PlanError(Field.WHEN, Problem.PAD_TOO_LONG, value=str(int(pad.total_seconds())))
    try:
        read = parse_schedule(request.phrase, now)
    except TimeParseError as e:
        raise PlanError(Field.WHEN, Problem.WHEN_NOT_UNDERSTOOD, cause=e) from e
    try:
        if isinstance(read, Repeat):
            return plan_repeat_series(request, read, now, pad)
        window = read
        if window.end is None:
            raise PlanError(Field.WHEN, Problem.ONLY_A_START, window=window)
        start, end = window.start - pad, window.end + pad
        try:
            check_window(start, end, now)
        except WindowRuleError as e:
            if e.rule not in _SERIES_RULES:
                raise PlanError(Field.WHEN, Problem.WINDOW_RULE, cause=e) from e
            if end - max(start, now) > MAX_WINDOW:  # more parts than a series may hold
                raise PlanError(Field.WHEN, Problem.WINDOW_RULE, cause=WindowRuleError(
                    WindowRule.MAX_LENGTH, start, end, now)) from e
            return plan_window_series(request, window, now, pad)
    except SeriesRefused as e:
        problem = (Problem.SERIES_TOO_LONG if e.problem is SeriesProblem.TOO_MANY
                   else Problem.NOTHING_LEFT)
        raise PlanError(Field.WHEN, problem, cause=e) from e
    return Plan(request=request, window=window, start=start, end=end,
                zone=window.zone, zone_fallback=zone_fallback).from_now(now)
