"""The case and matter projection: newer versions replace older ones, never the reverse."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Engine, bindparam, case, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.ledger import CaseSummary, MatterRowData
from domain.matter import MatterSnapshot, MatterState
from domain.work import ClockKind
from store import tally, work
from store.tables import CaseCountyRow, CaseRow, MatterRow, WorkItemRow

INBOX_STATES = (MatterState.HANDED_OVER, MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED)


def upsert_case(session: Session, summary: CaseSummary, *, absent: bool = False) -> "Written":
    values = summary.model_dump(exclude={"counties", "clocks"})
    written = _upsert(session, CaseRow, {"case_id": summary.case_id}, values, absent)
    if written is Written.INSERTED:
        _add_counties(session, summary)
    if written is not Written.STALE:  # its clocks are as new as the row
        work.write_case(session, summary)
    return written


def upsert_matter(
    session: Session, case_id: str, row: MatterRowData, *, absent: bool = False
) -> "Written":
    values = {"case_id": case_id, **row.model_dump(exclude={"clocks"})}
    key = {"case_id": case_id, "code": row.code}
    written = _upsert(session, MatterRow, key, values, absent)
    if written is not Written.STALE:
        work.write_matter(session, case_id, row)
    return written


def keep_only(session: Session, summary: CaseSummary, codes: list[str]) -> None:
    """The case now has only these matters (部分受理, an amended 委托书, both before any
    hand-over): drop the other rows, and keep only the counties the case still works in."""
    case_id = summary.case_id
    matters, counties = col(MatterRow.code), col(CaseCountyRow.county)
    session.exec(delete(MatterRow).where(col(MatterRow.case_id) == case_id, matters.not_in(codes)))
    session.exec(
        delete(CaseCountyRow).where(
            col(CaseCountyRow.case_id) == case_id, counties.not_in(summary.counties)
        )
    )
    _add_counties(session, summary)


def _add_counties(session: Session, summary: CaseSummary) -> None:
    """A case's counties are fixed when it opens; written with its first row."""
    known = set(
        session.exec(select(CaseCountyRow.county).where(CaseCountyRow.case_id == summary.case_id))
    )
    for county in summary.counties:
        if county not in known:
            session.add(CaseCountyRow(case_id=summary.case_id, county=county))
    session.flush()


class Written(Enum):
    INSERTED = "inserted"
    UPDATED = "updated"
    STALE = "stale"  # the stored version is as new or newer: nothing written


@dataclass(frozen=True)
class _Upsert:
    """A projection table's two statements, built once (building and keying them cost
    more than running them): update the row if the stored version is older, and read its
    version. The keys are bound as ``key_<column>``, the new version as ``newer``."""

    update: Any
    version: Any

    @classmethod
    def of(cls, table: type[CaseRow] | type[MatterRow], key: tuple[str, ...]) -> "_Upsert":
        core = table.__table__  # type: ignore[union-attr]  # Core: no ORM bulk update path
        found = [core.c[name] == bindparam(f"key_{name}") for name in key]
        return cls(
            update=update(core).where(*found, core.c.version < bindparam("newer")),
            version=sa_select(core.c.version).where(*found),
        )


_UPSERTS = {
    CaseRow: _Upsert.of(CaseRow, ("case_id",)),
    MatterRow: _Upsert.of(MatterRow, ("case_id", "code")),
}


def _upsert(
    session: Session,
    table: type[CaseRow] | type[MatterRow],
    key: dict,
    values: dict,
    absent: bool = False,
) -> Written:
    """Insert, or update only if the stored version is older (activities may land out of
    order). The common case, a newer version of a stored row, is one statement.

    ``absent``: the caller read in this transaction, after taking the chain's head, that
    no such row is stored, so the row is inserted without asking again. Should one have
    appeared meanwhile (a writer outside the chain), the insert fails and so does the
    write, which is retried and then finds it.
    """
    if not absent:
        statements, connection = _UPSERTS[table], session.connection()
        keys = {f"key_{name}": value for name, value in key.items()}
        newer = {**values, **keys, "newer": values["version"]}
        if connection.execute(statements.update, newer).rowcount:
            return Written.UPDATED
        if connection.execute(statements.version, keys).first() is not None:
            return Written.STALE
    session.add(table(**values))
    session.flush()
    return Written.INSERTED


def open_overdue_matter() -> Any:
    """Has a matter past its deadline and undecided: a semi-join on the overdue index."""
    return col(CaseRow.case_id).in_(
        select(MatterRow.case_id).where(
            col(MatterRow.overdue).is_(True),
            col(MatterRow.state).in_([s.value for s in INBOX_STATES]),
        )
    )


@dataclass(frozen=True)
class CaseFilter:
    stage: str | None = None
    park: str | None = None
    jurisdiction: str | None = None
    uscc: str | None = None
    search: str | None = None  # part of the enterprise, the project, the USCC or the case id
    overdue: bool | None = None  # has a matter past its deadline, not decided yet

    def conditions(self, overdue: Any) -> list[Any]:
        found = [
            getattr(CaseRow, name) == getattr(self, name)
            for name in ("stage", "park", "jurisdiction", "uscc")
            if getattr(self, name) is not None
        ]
        if self.search:
            pattern = (
                "%"
                + self.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            found.append(
                or_(
                    *(
                        col(column).like(pattern, escape="\\")
                        for column in (
                            CaseRow.enterprise_name,
                            CaseRow.project_name,
                            CaseRow.uscc,
                            CaseRow.case_id,
                        )
                    )
                )
            )
        if self.overdue is not None:
            found.append(overdue if self.overdue else ~overdue)
        return found


def list_cases(
    engine: Engine, where: CaseFilter, *, offset: int, limit: int
) -> tuple[list[tuple[CaseRow, bool]], int]:
    """Cases with an overdue matter first, then newest first; each with its overdue flag."""
    overdue = open_overdue_matter()
    conditions = where.conditions(overdue)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(CaseRow).where(*conditions)).one()
        rows = session.exec(
            select(CaseRow, overdue.label("overdue"))
            .where(*conditions)
            .order_by(overdue.desc(), col(CaseRow.opened_at).desc(), CaseRow.case_id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [(row, bool(late)) for row, late in rows], total


def department_inbox(
    engine: Engine, department: str, *, offset: int, limit: int
) -> tuple[list[tuple[MatterRow, str, str, datetime | None]], int]:
    """The department's open tasks with their enterprise and project, and the 24-hour
    limit of a hand-over not yet taken: those hand-overs first (their rule runs out
    soonest), then the soonest deadline, then those without one yet."""
    conditions = [col(MatterRow.department) == department, col(MatterRow.state).in_(INBOX_STATES)]
    awaiting = case((col(MatterRow.state) == MatterState.HANDED_OVER.value, 0), else_=1)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(MatterRow).where(*conditions)).one()
        rows = session.exec(
            select(MatterRow, CaseRow.enterprise_name, CaseRow.project_name, WorkItemRow.due_at)
            .join(CaseRow, col(CaseRow.case_id) == col(MatterRow.case_id))
            .outerjoin(
                WorkItemRow,
                (col(WorkItemRow.case_id) == col(MatterRow.case_id))
                & (col(WorkItemRow.matter) == col(MatterRow.code))
                & (col(WorkItemRow.kind) == ClockKind.HAND_OFF.value)
                & col(WorkItemRow.closed_at).is_(None),
            )
            .where(*conditions)
            .order_by(
                awaiting,
                col(MatterRow.due_on).is_(None),
                col(MatterRow.due_on),
                col(MatterRow.handed_over_at),
                MatterRow.case_id,
            )
            .offset(offset)
            .limit(limit)
        ).all()
        return list(rows), total


def case_row(engine: Engine, case_id: str) -> CaseRow | None:
    with Session(engine) as session:
        return session.get(CaseRow, case_id)


def matter_rows(engine: Engine, case_id: str) -> list[MatterRow]:
    with Session(engine) as session:
        return list(session.exec(select(MatterRow).where(MatterRow.case_id == case_id)).all())


def matter_row(engine: Engine, case_id: str, code: str) -> MatterRow | None:
    with Session(engine) as session:
        return session.get(MatterRow, (case_id, code))


@dataclass(frozen=True)
class MatterGate:
    """What an action on a matter checks before it goes to the matter's workflow."""

    case_id: str
    code: str
    name: str
    state: str
    correction_count: int
    correction_requested_at: datetime | None


_MATTER_TABLE = MatterRow.__table__  # type: ignore[attr-defined]
# Read on every matter action, so a prebuilt Core select of these columns: by primary key
# through the ORM it was 172 µs here, this is about 40.
_MATTER_GATE = sa_select(
    *(_MATTER_TABLE.c[name] for name in MatterGate.__dataclass_fields__)
).where(_MATTER_TABLE.c.case_id == bindparam("case_id"), _MATTER_TABLE.c.code == bindparam("code"))


def matter_gate(engine: Engine, case_id: str, code: str) -> MatterGate | None:
    with engine.connect() as connection:
        row = connection.execute(_MATTER_GATE, {"case_id": case_id, "code": code}).first()
    return MatterGate(*row) if row is not None else None


def replace_case(engine: Engine, summary: CaseSummary, matters: list[MatterSnapshot]) -> None:
    """Ops: overwrite a case's rows with what its workflow says, whatever their versions."""
    with Session(engine) as session:
        session.exec(delete(MatterRow).where(col(MatterRow.case_id) == summary.case_id))
        session.exec(delete(CaseRow).where(col(CaseRow.case_id) == summary.case_id))
        session.flush()
        upsert_case(session, summary)
        for matter in matters:
            upsert_matter(session, summary.case_id, MatterRowData.of(matter))
        # The rows replaced were wrong, and what they had counted for is not known: recount.
        tally.rebuild_in(session)
        session.commit()
