"""The case page's Gantt-like chart: each matter's plan, its actual run and its deadline,
on one axis of days. Pure geometry; the template draws it as SVG."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.case import CaseStatus
from domain.clock import BUSINESS_ZONE
from domain.matter import MatterState

LABEL_WIDTH = 200
CHART_WIDTH = 560
ROW_HEIGHT = 34


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    start: date
    end: date


@dataclass(frozen=True)
class TimelineRow:
    code: str
    name: str
    state: MatterState
    state_name: str
    y: int
    planned: Bar | None
    actual: Bar | None
    due_x: float | None
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    rows: list[TimelineRow]
    ticks: list[Tick]
    today_x: float
    width: int = LABEL_WIDTH + CHART_WIDTH
    height: int = 0


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(BUSINESS_ZONE).date() if moment else None


def build(case: CaseStatus, today: date) -> Timeline:
    planned_start = {m.matter: m.planned_start for m in case.plan.matters} if case.plan else {}
    spans = []
    for matter in case.matters:
        due = matter.clock.due_on if matter.clock else None
        started = _day(matter.handed_over_at)
        ended = _day(matter.decided_at) or (today if started else None)
        plan = (planned_start.get(matter.code), matter.planned_finish)
        spans.append((matter, plan, (started, ended), due))
    days = [today, _day(case.opened_at) or today]
    for _, plan, actual, due in spans:
        days += [d for d in (*plan, *actual, due) if d]
    first, last = min(days) - timedelta(days=1), max(days) + timedelta(days=2)
    scale = CHART_WIDTH / max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LABEL_WIDTH + (day - first).days * scale, 1)

    def bar(start: date | None, end: date | None) -> Bar | None:
        if not start or not end:
            return None
        return Bar(x(start), max(round((end - start).days * scale, 1), 3.0), start, end)

    rows = [
        TimelineRow(
            code=matter.code,
            name=matter.name,
            state=matter.state,
            state_name=matter.state_name,
            y=30 + index * ROW_HEIGHT,
            planned=bar(*plan),
            actual=bar(*actual),
            due_x=x(due) if due else None,
            due_on=due,
            overdue=bool(matter.clock and matter.clock.overdue_at and not matter.state.is_final),
        )
        for index, (matter, plan, actual, due) in enumerate(spans)
    ]
    step = max(1, round((last - first).days / 8))
    ticks = [
        Tick(x(first + timedelta(days=n)), f"{(first + timedelta(days=n)):%m-%d}")
        for n in range(0, (last - first).days + 1, step)
    ]
    return Timeline(
        rows=rows,
        ticks=ticks,
        today_x=x(today),
        height=40 + len(rows) * ROW_HEIGHT,
    )
