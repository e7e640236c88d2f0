"""The work lists' read model: each case's running clocks, one row each, rewritten in the
ledger write that changed them; a clock that stops running is closed (已办), not deleted."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.ledger import CaseSummary, MatterRowData
from domain.work import WorkClock
from store.tables import CaseRow, WorkItemRow

CASE, MATTER = "case", "matter"


_ITEM = WorkItemRow.__table__  # type: ignore[attr-defined]
# Built once, run on the connection: a ledger write rewrites its clocks through these, and
# the ORM's statement building and flush cost more than the database did.
_OPEN_OF_SOURCE = sa_select(_ITEM).where(
    _ITEM.c.case_id == bindparam("key_case_id"), _ITEM.c.source == bindparam("key_source")
)
_OPEN_OF_MATTER = _OPEN_OF_SOURCE.where(_ITEM.c.matter == bindparam("key_matter"))
_ONE_ITEM = (
    _ITEM.c.case_id == bindparam("key_case_id"),
    _ITEM.c.kind == bindparam("key_kind"),
    _ITEM.c.matter == bindparam("key_matter"),
)
_UPDATE_ITEM = update(_ITEM).where(*_ONE_ITEM)
_INSERT_ITEM = insert(_ITEM)
_CASE = CaseRow.__table__  # type: ignore[attr-defined]
_CASE_CONTEXT = sa_select(
    _CASE.c.jurisdiction,
    _CASE.c.park,
    _CASE.c.uscc,
    _CASE.c.cross_county,
    _CASE.c.enterprise_name,
    _CASE.c.project_name,
).where(_CASE.c.case_id == bindparam("key_case_id"))


def _replace(
    session: Session,
    case_id: str,
    source: str,
    matter: str | None,
    clocks: list[WorkClock],
    context: dict[str, Any],
) -> None:
    """Make the open rows of this source (and matter) exactly ``clocks``; a row whose
    values are already these is left unwritten."""
    now = datetime.now(UTC)
    connection = session.connection()
    keys = {"key_case_id": case_id, "key_source": source}
    if matter is None:
        found = connection.execute(_OPEN_OF_SOURCE, keys)
    else:
        found = connection.execute(_OPEN_OF_MATTER, {**keys, "key_matter": matter})
    existing = {(row.kind, row.matter): row._asdict() for row in found}
    wanted = {(c.kind.value, c.matter): c for c in clocks}
    for key, row in existing.items():
        if key not in wanted and row["closed_at"] is None:
            _update_item(connection, case_id, key, {"closed_at": now})
    for key, clock in wanted.items():
        values = {
            **context,
            "owner": clock.owner.value,
            "label": clock.label[:300],
            "due_at": clock.due_at,
            "due_on": clock.due_on,
            "warn_at": clock.warn_at,
            "provisional": clock.provisional,
        }
        stored = existing.get(key)
        if stored is None:
            connection.execute(
                _INSERT_ITEM,
                {
                    **values,
                    "case_id": case_id,
                    "kind": key[0],
                    "matter": key[1],
                    "source": source,
                    "opened_at": now,
                    "closed_at": None,
                },
            )
            continue
        if stored["closed_at"] is not None:  # runs again (a second 补正's coordination)
            values.update(opened_at=now, closed_at=None)
        changed = {name: value for name, value in values.items() if stored[name] != value}
        if changed:
            _update_item(connection, case_id, key, changed)


def _update_item(
    connection: Connection, case_id: str, key: tuple[str, str], values: dict[str, Any]
) -> None:
    identity = {"key_case_id": case_id, "key_kind": key[0], "key_matter": key[1]}
    connection.execute(_UPDATE_ITEM, {**values, **identity})


def _case_context(summary: CaseSummary | Row) -> dict[str, Any]:
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
    case = session.connection().execute(_CASE_CONTEXT, {"key_case_id": case_id}).first()
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
