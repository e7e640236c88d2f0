"""What one case adds to the oversight statistics' kept tallies: a pure function of the
case's projection, so a ledger write can subtract the case's tallies before it changes the
projection and add them after, and a rebuild can sum them over every case.

A tally is counted under the case's fixed facts (cross-county or not, jurisdiction), so
the statistics for the prefecture or a jurisdiction are sums of a few thousand rows instead
of a join over every matter. Filters that change by the hour (stage, overdue, pending
coordination), the county and park filters and the dates opened are answered by the live
query: keeping tallies per opening day as well would multiply the cycle-time rows by the
days.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.dates import local_day
from domain.statistics import cycle_units


class Figure(StrEnum):
    CASES = "cases"  # one per case
    STAGE = "stage"  # (county, stage): in the park's county and each county a matter reached
    SATISFACTION = "satisfaction"  # (level)
    MATTERS = "matters"  # (month accepted or ""): matters handed to a department
    CLOCKED = "clocked"  # (month accepted): matters accepted
    OVERDUE = "overdue"  # (month accepted): accepted matters that went past their deadline
    CORRECTIONS = "corrections"  # (month accepted or ""): 补正 rounds
    CYCLE_MATTER = "cycle_matter"  # (matter, tenths of a day from hand-over to decision)
    CYCLE_DEPARTMENT = "cycle_department"  # (department, tenths of a day)
    CYCLE_MONTH = "cycle_month"  # (month decided, tenths of a day)
    MATTER_NAME = "matter_name"  # (matter, name): the names the figures print
    DEPARTMENT_NAME = "department_name"  # (department, name)


DECIDED_STATES = ("approved", "refused", "result_held")


@dataclass(frozen=True)
class CaseFacts:
    cross_county: bool
    jurisdiction: str
    opened_at: datetime
    stage: str
    county: str  # the park's
    satisfaction: str | None
    counties: tuple[str, ...]  # every county the case works in


@dataclass(frozen=True)
class MatterFacts:
    code: str
    name: str
    department: str
    department_name: str
    county: str
    state: str
    handed_over_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    overdue: bool
    correction_count: int


@dataclass(frozen=True, order=True)
class TallyKey:
    figure: Figure
    cross_county: bool
    jurisdiction: str
    k1: str = ""
    k2: str = ""


def month_of(moment: datetime) -> str:
    """The month of a moment in Beijing, as 2026-11."""
    return local_day(moment).strftime("%Y-%m")


def contributions(case: CaseFacts, matters: list[MatterFacts]) -> Counter[TallyKey]:
    """Everything this case counts for, with how much."""
    found: Counter[TallyKey] = Counter()

    def add(figure: Figure, *keys: str, n: int = 1) -> None:
        if n:
            key = TallyKey(figure, case.cross_county, case.jurisdiction, *keys)
            found[key] += n

    add(Figure.CASES)
    reached = {m.county for m in matters if m.handed_over_at is not None}
    for county in case.counties:
        if county == case.county or county in reached:
            add(Figure.STAGE, county, case.stage)
    if case.satisfaction is not None:
        add(Figure.SATISFACTION, case.satisfaction)
    for matter in matters:
        if matter.handed_over_at is None:
            continue  # entrusted, never handled: a case refused at 初审
        accepted_in = month_of(matter.accepted_at) if matter.accepted_at else ""
        add(Figure.MATTERS, accepted_in)
        add(Figure.CORRECTIONS, accepted_in, n=matter.correction_count)
        if matter.accepted_at is not None:
            add(Figure.CLOCKED, accepted_in)
            if matter.overdue:
                add(Figure.OVERDUE, accepted_in)
        if matter.state in DECIDED_STATES and matter.decided_at is not None:
            span = (matter.decided_at - matter.handed_over_at).total_seconds()
            units = str(cycle_units(span))
            add(Figure.CYCLE_MATTER, matter.code, units)
            add(Figure.CYCLE_DEPARTMENT, matter.department, units)
            add(Figure.CYCLE_MONTH, month_of(matter.decided_at), units)
            add(Figure.MATTER_NAME, matter.code, matter.name)
            add(Figure.DEPARTMENT_NAME, matter.department, matter.department_name)
    return found


def change(before: Counter[TallyKey], after: Counter[TallyKey]) -> dict[TallyKey, int]:
    """What to add to each tally (negative: take away) to go from ``before`` to ``after``."""
    return {
        key: after[key] - before[key]
        for key in before.keys() | after.keys()
        if after[key] != before[key]
    }
