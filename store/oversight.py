"""Queries for the 州工信局 special team's view, served from the projection's indexes."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, case, exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.clock import BUSINESS_ZONE
from domain.statistics import CYCLE_UNITS_PER_DAY, Figures
from store import tally
from store.projection import INBOX_STATES, open_overdue_matter
from store.tables import CaseCountyRow, CaseRow, MatterRow

DECIDED_STATES = ("approved", "refused", "result_held")


@dataclass(frozen=True)
class OversightFilter:
    jurisdiction: str | None = None
    county: str | None = None
    park: str | None = None
    stage: str | None = None
    overdue: bool | None = None  # a matter past its deadline, not decided yet
    pending_coordination: bool | None = None  # a problem not yet coordinated or closed
    opened_from: date | None = None  # business-zone days, inclusive
    opened_to: date | None = None
    cross_county_only: bool = True

    def conditions(self) -> list[Any]:
        found: list[Any] = []
        if self.cross_county_only:
            found.append(col(CaseRow.cross_county).is_(True))
        if self.jurisdiction:
            found.append(CaseRow.jurisdiction == self.jurisdiction)
        if self.county:
            found.append(
                col(CaseRow.case_id).in_(
                    select(CaseCountyRow.case_id).where(CaseCountyRow.county == self.county)
                )
            )
        if self.park:
            found.append(CaseRow.park == self.park)
        if self.stage:
            found.append(CaseRow.stage == self.stage)
        if self.overdue is not None:
            overdue = open_overdue_matter()
            found.append(overdue if self.overdue else ~overdue)
        if self.pending_coordination is not None:
            found.append(
                col(CaseRow.open_problems) > 0
                if self.pending_coordination
                else col(CaseRow.open_problems) == 0
            )
        if self.opened_from:
            found.append(col(CaseRow.opened_at) >= _start_of(self.opened_from))
        if self.opened_to:
            found.append(col(CaseRow.opened_at) < _start_of(self.opened_to + timedelta(days=1)))
        return found


def list_cases(
    engine: Engine, where: OversightFilter, *, offset: int, limit: int
) -> tuple[list[CaseRow], int]:
    """Newest first, with the total matching."""
    conditions = where.conditions()
    with Session(engine) as session:
        total = count(session, conditions)
        rows = session.exec(
            select(CaseRow)
            .where(*conditions)
            .order_by(col(CaseRow.opened_at).desc(), col(CaseRow.case_id))
            .offset(offset)
            .limit(limit)
        ).all()
        return list(rows), total


def count(session: Session, conditions: list[Any]) -> int:
    return session.exec(select(func.count()).select_from(CaseRow).where(*conditions)).one()


def counties_of(engine: Engine, case_ids: list[str]) -> dict[str, list[str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(CaseCountyRow).where(col(CaseCountyRow.case_id).in_(case_ids))
        ).all()
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        found[row.case_id].append(row.county)
    return found


def matters_of(engine: Engine, case_ids: list[str]) -> dict[str, list[MatterRow]]:
    with Session(engine) as session:
        rows = session.exec(
            select(MatterRow)
            .where(col(MatterRow.case_id).in_(case_ids))
            .order_by(col(MatterRow.case_id), col(MatterRow.handed_over_at))
        ).all()
    found: dict[str, list[MatterRow]] = defaultdict(list)
    for row in rows:
        found[row.case_id].append(row)
    return found


def overdue_counts(engine: Engine, case_ids: list[str]) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(MatterRow.case_id, func.count())
            .where(
                col(MatterRow.case_id).in_(case_ids),
                col(MatterRow.overdue).is_(True),
                col(MatterRow.state).in_([s.value for s in INBOX_STATES]),
            )
            .group_by(col(MatterRow.case_id))
        ).all()
    return dict(rows)


def stage_county_counts(engine: Engine, where: OversightFilter) -> list[tuple[str, str, int]]:
    """Cases by county and stage: a case counts in its park's county, and in every other
    county a matter of it has reached (a case refused at 初审 reached none)."""
    reached = exists(
        select(MatterRow.case_id).where(
            col(MatterRow.case_id) == col(CaseCountyRow.case_id),
            col(MatterRow.county) == col(CaseCountyRow.county),
            col(MatterRow.handed_over_at).is_not(None),
        )
    )
    with Session(engine) as session:
        rows = session.exec(
            select(CaseCountyRow.county, CaseRow.stage, func.count())
            .join(CaseRow, col(CaseRow.case_id) == col(CaseCountyRow.case_id))
            .where(
                *where.conditions(), (col(CaseCountyRow.county) == col(CaseRow.county)) | reached
            )
            .group_by(col(CaseCountyRow.county), col(CaseRow.stage))
            .order_by(col(CaseCountyRow.county), col(CaseRow.stage))
        ).all()
    return [(county, stage, n) for county, stage, n in rows]


@dataclass(frozen=True)
class MatterTotals:
    matters: int
    clocked: int
    overdue: int
    corrections: int
    # (month accepted, matters accepted, of them overdue), for the figures by month
    accepted: list[tuple[str, int, int]]


def matter_totals(engine: Engine, where: OversightFilter) -> MatterTotals:
    """Counted by the database in one pass, grouped by the month of acceptance (Beijing):
    a row per month back however many matters. Only matters handed to a department count:
    a case refused at 初审 entrusted its matters, but none was handled."""
    accepted = col(MatterRow.accepted_at).is_not(None)
    month = _month_of(engine, MatterRow.accepted_at)
    late = case((accepted & col(MatterRow.overdue).is_(True), 1), else_=0)
    with Session(engine) as session:
        rows = session.execute(
            sa_select(
                month,
                func.count(),
                func.count(col(MatterRow.accepted_at)),
                func.sum(late),
                func.sum(MatterRow.correction_count),
            )
            .join(CaseRow, col(CaseRow.case_id) == col(MatterRow.case_id))
            .where(*where.conditions(), col(MatterRow.handed_over_at).is_not(None))
            .group_by(month)
        ).all()
    by_month = [
        (str(accepted_in), clocked, int(overdue or 0))
        for accepted_in, _, clocked, overdue, _ in rows
        if accepted_in is not None
    ]
    return MatterTotals(
        matters=sum(r[1] for r in rows),
        clocked=sum(r[2] for r in rows),
        overdue=sum(int(r[3] or 0) for r in rows),
        corrections=sum(int(r[4] or 0) for r in rows),
        accepted=by_month,
    )


def decided_matters(
    engine: Engine, where: OversightFilter
) -> list[tuple[str, str, str, str, int, str]]:
    """(matter code and name, department code and name, tenths of a day from hand-over
    to decision, the month decided in Beijing) of every decided matter of the matching
    cases. The spans and months are computed by the database: building tens of thousands
    of datetimes in Python was most of the statistics' time."""
    days = _cycle_units_between(engine, MatterRow.handed_over_at, MatterRow.decided_at)
    with Session(engine) as session:
        return [
            (code, name, department, department_name, int(span), str(month))
            # SQLAlchemy's select: SQLModel's typed overloads stop at four columns.
            for code, name, department, department_name, span, month in session.execute(
                sa_select(
                    col(MatterRow.code),
                    col(MatterRow.name),
                    col(MatterRow.department),
                    col(MatterRow.department_name),
                    days,
                    _month_of(engine, MatterRow.decided_at),
                )
                .join(CaseRow, col(CaseRow.case_id) == col(MatterRow.case_id))
                .where(
                    *where.conditions(),
                    col(MatterRow.state).in_(DECIDED_STATES),
                    col(MatterRow.handed_over_at).is_not(None),
                    col(MatterRow.decided_at).is_not(None),
                )
            ).all()
        ]


def _cycle_units_between(engine: Engine, start: Any, end: Any) -> ColumnElement[Any]:
    """Tenths of a day, rounded half up, as domain.statistics.cycle_units."""
    units = CYCLE_UNITS_PER_DAY
    if engine.dialect.name == "sqlite":
        return func.floor((func.julianday(end) - func.julianday(start)) * units + 0.5)
    return func.floor(func.extract("epoch", end - start) * units / 86400 + 0.5)


def satisfaction_counts(engine: Engine, where: OversightFilter) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(CaseRow.satisfaction, func.count())
            .where(*where.conditions(), col(CaseRow.satisfaction).is_not(None))
            .group_by(col(CaseRow.satisfaction))
        ).all()
    return {level: count for level, count in rows if level is not None}


def case_total(engine: Engine, where: OversightFilter) -> int:
    with Session(engine) as session:
        return count(session, where.conditions())


def _start_of(day: date) -> datetime:
    # In UTC: SQLite keeps datetimes as UTC text without the zone.
    return datetime.combine(day, time(), BUSINESS_ZONE).astimezone(UTC)


def _month_of(engine: Engine, moment: Any) -> Any:
    """The month of a UTC time in Beijing (UTC+8, no daylight saving), as 2026-11."""
    if engine.dialect.name == "sqlite":
        return func.strftime("%Y-%m", moment, "+8 hours")
    return func.to_char(func.timezone(str(BUSINESS_ZONE), moment), "YYYY-MM")


def live_figures(engine: Engine, where: OversightFilter) -> Figures:
    """The statistics counted from the projection for any filters."""
    found = Figures()
    for code, name, department, department_name, span, month in decided_matters(engine, where):
        found.by_matter.setdefault(code, Counter())[span] += 1
        found.by_department.setdefault(department, Counter())[span] += 1
        found.decided_by_month.setdefault(month, Counter())[span] += 1
        found.matter_names[code], found.department_names[department] = name, department_name
    totals = matter_totals(engine, where)
    found.matters, found.clocked = totals.matters, totals.clocked
    found.overdue, found.corrections = totals.overdue, totals.corrections
    found.accepted_by_month = sorted(totals.accepted)
    found.satisfaction = satisfaction_counts(engine, where)
    found.cases = case_total(engine, where)
    found.by_county_and_stage = stage_county_counts(engine, where)
    return found


def figures(engine: Engine, where: OversightFilter) -> Figures:
    """From the kept tallies when the filters are ones they are kept under (the whole
    prefecture or a jurisdiction, cross-county cases or all), else live."""
    if tallied(where):
        return tally.figures(
            engine, cross_county_only=where.cross_county_only, jurisdiction=where.jurisdiction
        )
    return live_figures(engine, where)


def tallied(where: OversightFilter) -> bool:
    live_only = (
        where.county,
        where.park,
        where.stage,
        where.overdue,
        where.pending_coordination,
        where.opened_from,
        where.opened_to,
    )
    return all(value is None or value == "" for value in live_only)
