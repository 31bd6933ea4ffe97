"""The control room (Slack's App Home): what is live now, what is coming in the next seven
days (planned parts of series too) and the series still to come, what ended recently with its
completeness, and what failed — the user's own and the rest of the team's. Slack-free: an
``Overview`` of recordings, the Slack layer lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.recording.manage import series_to_come
from bot.recording.model import PENDING_STATES, ListedSeries, Recording, State
from bot.recording.ports import Clock, Store
from bot.recording.report import CompletenessReport, Verdict

#: How far ahead "upcoming" looks, and how far back "recently ended" and "failures" look.
AHEAD = timedelta(days=7)
RECENT = timedelta(days=2)


@dataclass(frozen=True)
class Section:
    """One part of the overview: the user's recordings, then the rest of the team's."""

    mine: tuple[Recording, ...] = ()
    team: tuple[Recording, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.mine or self.team)


@dataclass(frozen=True)
class SeriesSection:
    """The series with an occurrence still to come, each with its next one (soonest first)."""

    mine: tuple[ListedSeries, ...] = ()
    team: tuple[ListedSeries, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.mine or self.team)


@dataclass(frozen=True)
class Overview:
    now: datetime
    live: Section
    upcoming: Section  # created, being created, or planned (a series' part), in the next 7 days
    ended: Section  # each with its completeness report, when it has been written
    failures: Section  # not scheduled (Tencent said no, or nobody knows), or nothing recorded
    series: SeriesSection = SeriesSection()


def _split(user_id: str, rows: list[Recording]) -> Section:
    return Section(tuple(r for r in rows if r.requester_id == user_id),
                   tuple(r for r in rows if r.requester_id != user_id))


def _nothing(rec: Recording) -> bool:
    report = rec.report
    return isinstance(report, CompletenessReport) and report.verdict is Verdict.NOTHING


class ControlRoom:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def overview(self, team_id: str, user_id: str) -> Overview:
        now = self.clock()
        rows = await self.store.for_team(team_id, since=now - RECENT)
        live = [r for r in rows if r.state is State.CREATED and r.start_time <= now < r.end_time]
        upcoming = [r for r in rows
                    if (r.state in (State.CREATED, State.PLANNED) or r.state in PENDING_STATES)
                    and now < r.start_time <= now + AHEAD]
        ended = [r for r in rows
                 if (r.state is State.CREATED and r.end_time <= now)
                 or (r.state is State.STOPPED and r.task_id)]
        ended.sort(key=lambda r: r.end_time, reverse=True)
        failures = [r for r in rows if r.state is State.FAILED
                    or (r.state in PENDING_STATES and r.start_time <= now)
                    or _nothing(r)]
        failures.sort(key=lambda r: r.start_time, reverse=True)
        series = await series_to_come(self.store, team_id, now)
        return Overview(now, _split(user_id, live), _split(user_id, upcoming),
                        _split(user_id, [r for r in ended if not _nothing(r)]),
                        _split(user_id, failures),
                        SeriesSection(tuple(s for s in series if s.series.requester_id == user_id),
                                      tuple(s for s in series
                                            if s.series.requester_id != user_id)))
