"""The work lists' read model: each case's running clocks, one row each, rewritten in the
ledger write that changed them; a clock that stops running is closed (已办), not deleted."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from domain.ledger import CaseSummary, MatterRowData
from domain.work import WorkClock
from store.tables import CaseRow, WorkItemRow

CASE, MATTER = "case", "matter"


def _replace(
    session: Session,
    case_id: str,
    source: str,
    matter: str | None,
    clocks: list[WorkClock],
    context: dict[str, Any],
) -> None:
    """Make the open rows of this source (and matter) exactly ``clocks``."""
    now = datetime.now(UTC)
    query = select(WorkItemRow).where(WorkItemRow.case_id == case_id, WorkItemRow.source == source)
    if matter is not None:
        query = query.where(WorkItemRow.matter == matter)
    existing = {(row.kind, row.matter): row for row in session.exec(query)}
    wanted = {(c.kind.value, c.matter): c for c in clocks}
    for key, row in existing.items():
        if key not in wanted and row.closed_at is None:
            row.closed_at = now
            session.add(row)
    for key, clock in wanted.items():
        found = existing.get(key)
        if found is None:
            row = WorkItemRow(
                case_id=case_id,
                kind=key[0],
                matter=key[1],
                source=source,
                owner=clock.owner.value,
                due_at=clock.due_at,
                opened_at=now,
            )
        else:
            row = found
            if row.closed_at is not None:  # runs again (a second 补正's coordination)
                row.opened_at, row.closed_at = now, None
        for name, value in context.items():
            setattr(row, name, value)
        row.owner = clock.owner.value
        row.label = clock.label[:300]
        row.due_at, row.due_on, row.warn_at = clock.due_at, clock.due_on, clock.warn_at
        row.provisional = clock.provisional
        session.add(row)
    session.flush()


def _case_context(summary: CaseSummary | CaseRow) -> dict[str, Any]:
    return {
        "jurisdiction": summary.jurisdiction,
        "park": summary.park,
        "uscc": summary.uscc or "",
        "cross_county": summary.cross_county,
        "enterprise_name": summary.enterprise_name[:200],
        "project_name": summary.project_name[:200],
    }


def write_case(session: Session, summary: CaseSummary) -> None:
    _replace(session, summary.case_id, CASE, None, summary.clocks, _case_context(summary))


def write_matter(session: Session, case_id: str, matter: MatterRowData) -> None:
    case = session.get(CaseRow, case_id)
    context = {
        **(_case_context(case) if case is not None else {}),
        "department": matter.department,
        "department_name": matter.department_name,
        "matter_name": matter.name,
    }
    _replace(session, case_id, MATTER, matter.code, matter.clocks, context)


@dataclass(frozen=True)
class WorkScope:
    """Whose work: a department's own; a coordinator's jurisdiction (and park); an
    enterprise's cases; oversight's cross-county cases; a leader's jurisdiction."""

    department: str | None = None
    jurisdiction: str | None = None
    park: str | None = None
    uscc: str | None = None
    cross_county_only: bool = False
    owner: str | None = None  # only the items this party must act on


@dataclass(frozen=True)
class WorkFilter:
    kind: str | None = None
    matter: str | None = None
    department: str | None = None
    park: str | None = None
    due_before: datetime | None = None
    overdue_only: bool = False
    done: bool = False  # 已办: the clocks that stopped, newest first
    case_id: str | None = None


def items(
    engine: Engine,
    scope: WorkScope,
    where: WorkFilter,
    *,
    now: datetime,
    offset: int,
    limit: int,
) -> tuple[list[WorkItemRow], int]:
    conditions: list[Any] = []
    if scope.department is not None:
        conditions.append(WorkItemRow.department == scope.department)
    if scope.jurisdiction is not None:
        conditions.append(WorkItemRow.jurisdiction == scope.jurisdiction)
    if scope.park is not None:
        conditions.append(WorkItemRow.park == scope.park)
    if scope.uscc is not None:
        conditions.append(WorkItemRow.uscc == scope.uscc)
    if scope.cross_county_only:
        conditions.append(col(WorkItemRow.cross_county).is_(True))
    if scope.owner is not None:
        conditions.append(WorkItemRow.owner == scope.owner)
    for name in ("kind", "matter", "department", "park", "case_id"):
        value = getattr(where, name)
        if value is not None:
            conditions.append(getattr(WorkItemRow, name) == value)
    if where.done:
        conditions.append(col(WorkItemRow.closed_at).is_not(None))
        order: list[Any] = [col(WorkItemRow.closed_at).desc()]
    else:
        conditions.append(col(WorkItemRow.closed_at).is_(None))
        order = [col(WorkItemRow.due_at), col(WorkItemRow.case_id)]
    if where.due_before is not None:
        conditions.append(col(WorkItemRow.due_at) <= where.due_before)
    if where.overdue_only:
        conditions.append(col(WorkItemRow.due_at) <= now)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(WorkItemRow).where(*conditions)).one()
        rows = session.exec(
            select(WorkItemRow).where(*conditions).order_by(*order).offset(offset).limit(limit)
        ).all()
    return list(rows), total


def nearest(engine: Engine, case_ids: list[str]) -> dict[str, WorkItemRow]:
    """Each case's nearest running clock (the case list's 最近时限 column)."""
    if not case_ids:
        return {}
    with Session(engine) as session:
        rows = session.exec(
            select(WorkItemRow)
            .where(col(WorkItemRow.case_id).in_(case_ids), col(WorkItemRow.closed_at).is_(None))
            .order_by(col(WorkItemRow.due_at))
        ).all()
    found: dict[str, WorkItemRow] = {}
    for row in rows:
        found.setdefault(row.case_id, row)
    return found
