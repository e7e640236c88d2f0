"""Queries for the 州工信局 special team's view, served from the projection's indexes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, exists, func
from sqlmodel import Session, col, select

from domain.clock import BUSINESS_ZONE
from store.projection import INBOX_STATES
from store.tables import CaseCountyRow, CaseRow, MatterRow

DECIDED_STATES = ("approved", "refused", "result_held")


@dataclass(frozen=True)
class OversightFilter:
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


def open_overdue_matter() -> Any:
    return exists().where(
        MatterRow.case_id == CaseRow.case_id,
        col(MatterRow.overdue).is_(True),
        col(MatterRow.state).in_([s.value for s in INBOX_STATES]),
    )


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
    return dict(rows)  # type: ignore[arg-type]


def stage_county_counts(engine: Engine, where: OversightFilter) -> list[tuple[str, str, int]]:
    """Cases by county and stage; a case counts once in every county it works in."""
    with Session(engine) as session:
        rows = session.exec(
            select(CaseCountyRow.county, CaseRow.stage, func.count())
            .join(CaseRow, col(CaseRow.case_id) == col(CaseCountyRow.case_id))
            .where(*where.conditions())
            .group_by(col(CaseCountyRow.county), col(CaseRow.stage))
            .order_by(col(CaseCountyRow.county), col(CaseRow.stage))
        ).all()
    return [(county, stage, n) for county, stage, n in rows]


def matter_facts(engine: Engine, where: OversightFilter) -> list[tuple]:  # type: ignore[type-arg]
    """One row per matter of the matching cases: what the statistics are computed from."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(
                    MatterRow.code,
                    MatterRow.name,
                    MatterRow.department,
                    MatterRow.department_name,
                    MatterRow.state,
                    MatterRow.handed_over_at,
                    MatterRow.accepted_at,
                    MatterRow.decided_at,
                    MatterRow.overdue,
                    MatterRow.correction_count,
                )
                .join(CaseRow, col(CaseRow.case_id) == col(MatterRow.case_id))
                .where(*where.conditions())
            ).all()
        )


def satisfaction_counts(engine: Engine, where: OversightFilter) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(CaseRow.satisfaction, func.count())
            .where(*where.conditions(), col(CaseRow.satisfaction).is_not(None))
            .group_by(col(CaseRow.satisfaction))
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def case_total(engine: Engine, where: OversightFilter) -> int:
    with Session(engine) as session:
        return count(session, where.conditions())


def _start_of(day: date) -> datetime:
    # In UTC: SQLite keeps datetimes as UTC text without the zone.
    return datetime.combine(day, time(), BUSINESS_ZONE).astimezone(UTC)
