"""The figures of one simulated period, read from its ledger: what a 州工信局 asks about."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from pydantic import BaseModel

from domain.clock import BUSINESS_ZONE
from domain.statistics import cycle_units, median_and_p90
from simulation.ledger_facts import CaseFacts

GROUPS = ("jurisdiction", "park", "department", "matter")
GROUP_NAMES = {"jurisdiction": "辖区", "park": "园区", "department": "部门", "matter": "事项"}


class Cycle(BaseModel):
    group: str  # one of GROUPS, or "case"
    key: str
    decided: int
    median_days: float
    p90_days: float


class WeekLoad(BaseModel):
    week: str  # ISO week, 2027-W05
    who: str  # agent:<park> or department:<code>
    acts: int


class Outcome(BaseModel):
    """One arm of one seed. Counts are of matters or cases; days are calendar days, as
    the dashboard counts a matter's hand-over to decision."""

    cases: int
    cases_finished: int
    matters: int
    matters_overdue: int
    matters_warned: int
    cases_overdue: int
    corrections: int
    coordinations: int  # problems that started the 48-hour rule
    coordinations_escalated: int  # not coordinated in time
    reports_due: int  # 5-working-day reports asked for
    reports_at_risk: int  # filed on the last day, or late
    reports_overdue: int
    cycles: list[Cycle]
    last_decided: dict[str, str]  # case key → the matter decided last (critical path's end)
    load: list[WeekLoad]

    def cycle(self, group: str, key: str) -> Cycle | None:
        return next((c for c in self.cycles if c.group == group and c.key == key), None)


def _cycles(group: str, spans: Mapping[str, list[float]]) -> list[Cycle]:
    figures = []
    for key, days in sorted(spans.items()):
        if not days:
            continue
        n, median, p90 = median_and_p90(Counter(cycle_units(d * 86400) for d in days))
        figures.append(Cycle(group=group, key=key, decided=n, median_days=median, p90_days=p90))
    return figures


def _week(moment: datetime) -> str:
    year, week, _ = moment.astimezone(BUSINESS_ZONE).isocalendar()
    return f"{year}-W{week:02d}"


def _at_risk(case: CaseFacts) -> bool:
    if case.report_overdue:
        return True
    if case.report_filed_at is None or case.report_due_on is None:
        return False
    filed_on: date = case.report_filed_at.astimezone(BUSINESS_ZONE).date()
    return filed_on >= case.report_due_on


def outcome_of(cases: Iterable[CaseFacts], keys: Mapping[str, str]) -> Outcome:
    """``keys``: case id → the script's key, to compare one case across arms."""
    cases = list(cases)
    spans: dict[str, dict[str, list[float]]] = {g: defaultdict(list) for g in GROUPS}
    case_spans: list[float] = []
    load: Counter[tuple[str, str]] = Counter()
    for case in cases:
        if (days := case.cycle_days()) is not None:
            case_spans.append(days)
        for matter in case.matters.values():
            if (days := matter.cycle_days()) is None:
                continue
            spans["jurisdiction"][case.jurisdiction].append(days)
            spans["park"][f"{case.jurisdiction}/{case.park}"].append(days)
            spans["department"][matter.department].append(days)
            spans["matter"][matter.code].append(days)
        for role, who, at in case.acts:
            load[(_week(at), f"{role}:{who}")] += 1
    matters = [m for case in cases for m in case.matters.values()]
    problems = [p for case in cases for p in case.problems.values()]
    cycles = [c for g in GROUPS for c in _cycles(g, spans[g])]
    cycles += _cycles("case", {"all": case_spans})
    return Outcome(
        cases=len(cases),
        cases_finished=sum(1 for c in cases if c.closed_at is not None),
        matters=len(matters),
        matters_overdue=sum(1 for m in matters if m.overdue),
        matters_warned=sum(1 for m in matters if m.warned),
        cases_overdue=sum(1 for c in cases if c.overdue),
        corrections=sum(len(m.corrections) for m in matters),
        coordinations=len(problems),
        coordinations_escalated=sum(1 for p in problems if p.escalated),
        reports_due=sum(1 for c in cases if c.report_due_on is not None),
        reports_at_risk=sum(1 for c in cases if _at_risk(c)),
        reports_overdue=sum(1 for c in cases if c.report_overdue),
        cycles=cycles,
        last_decided={
            keys.get(c.case_id, c.case_id): last
            for c in cases
            if (last := c.last_decided()) is not None
        },
        load=[WeekLoad(week=week, who=who, acts=n) for (week, who), n in sorted(load.items())],
    )
