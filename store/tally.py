"""The oversight statistics' kept tallies (domain/tally.py): moved in the ledger write's
transaction, rebuilt from the projection by the migration and by ops, read by the
statistics when the filters are ones they are kept under."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from domain.ledger import CaseSummary, MatterRowData
from domain.statistics import Figures
from domain.tally import CaseFacts, Figure, MatterFacts, TallyKey, change, contributions
from store.tables import CaseCountyRow, CaseRow, MatterRow, TallyRow

_BATCH = 2000
_CASE_COLUMNS = (
    col(CaseRow.case_id),
    col(CaseRow.cross_county),
    col(CaseRow.jurisdiction),
    col(CaseRow.opened_at),
    col(CaseRow.stage),
    col(CaseRow.county),
    col(CaseRow.satisfaction),
)
_MATTER_COLUMNS = (
    col(MatterRow.case_id),
    col(MatterRow.code),
    col(MatterRow.name),
    col(MatterRow.department),
    col(MatterRow.department_name),
    col(MatterRow.county),
    col(MatterRow.state),
    col(MatterRow.handed_over_at),
    col(MatterRow.accepted_at),
    col(MatterRow.decided_at),
    col(MatterRow.overdue),
    col(MatterRow.correction_count),
)


@dataclass(frozen=True)
class Counted:
    """A case's projection rows as the tallies read them (no case row yet: ``case`` is
    None and the case counts for nothing), read once per ledger write."""

    case: CaseFacts | None
    matters: dict[str, MatterFacts]

    @classmethod
    def read(cls, session: Session, case_id: str) -> "Counted":
        """The case's rows; with no case row, the matters stored before it too: they count
        for nothing, but say which rows the write will update rather than insert."""
        cases, counties, matters = _rows(session, [case_id])
        found = dict(_case_facts(cases, counties))
        return cls(found.get(case_id), {m.code: m for m in matters[case_id]})

    def tallies(self) -> Counter[TallyKey]:
        if self.case is None:
            return Counter()
        return contributions(self.case, list(self.matters.values()))

    def with_rows(self, case: CaseSummary | None, matters: Iterable[MatterRowData]) -> "Counted":
        """These rows as written over the ones read (a case row that existed: its
        counties are fixed when it is inserted). Saves reading the rows back."""
        assert self.case is not None or case is None  # an inserted case is read back
        facts = self.case
        if case is not None and facts is not None:
            facts = replace(
                facts,
                cross_county=case.cross_county,
                jurisdiction=case.jurisdiction,
                opened_at=case.opened_at,
                stage=case.stage,
                county=case.county,
                satisfaction=case.satisfaction,
            )
        rows = dict(self.matters)
        for row in matters:
            rows[row.code] = MatterFacts(
                code=row.code,
                name=row.name,
                department=row.department,
                department_name=row.department_name,
                county=row.county,
                state=row.state,
                handed_over_at=row.handed_over_at,
                accepted_at=row.accepted_at,
                decided_at=row.decided_at,
                overdue=row.overdue,
                correction_count=row.correction_count,
            )
        return Counted(facts, rows)


def move(session: Session, before: Counter[TallyKey], after: Counter[TallyKey]) -> None:
    """Move the tallies from what the case counted for to what it counts for now: one
    statement per tally that changed (an action moves one to three)."""
    delta = change(before, after)
    if delta:
        _add(session, delta)


def rebuild_in(session: Session) -> int:
    """Recount every tally from the projection; returns the number of cases counted."""
    session.execute(delete(TallyRow))
    ids = [case_id for (case_id,) in session.execute(sa_select(col(CaseRow.case_id)))]
    total: Counter[TallyKey] = Counter()
    for start in range(0, len(ids), _BATCH):
        total.update(_summed(_facts(session, ids[start : start + _BATCH])))
    for start in range(0, len(total), _BATCH):
        rows = list(total.items())[start : start + _BATCH]
        _add(session, dict(rows))
    return len(ids)


def rebuild(engine: Engine) -> int:
    with Session(engine) as session:
        cases = rebuild_in(session)
        session.commit()
    return cases


_IDS: Any = bindparam("ids", expanding=True)
# Built once: a ledger write reads its case through these, and building and keying the
# statements cost more than the database's work.
_CASES = sa_select(*_CASE_COLUMNS).where(col(CaseRow.case_id).in_(_IDS))
_COUNTIES = sa_select(col(CaseCountyRow.case_id), col(CaseCountyRow.county)).where(
    col(CaseCountyRow.case_id).in_(_IDS)
)
_MATTERS = sa_select(*_MATTER_COLUMNS).where(col(MatterRow.case_id).in_(_IDS))


def _facts(session: Session, case_ids: list[str]) -> Iterator[tuple[CaseFacts, list[MatterFacts]]]:
    """The cases found, each with its matters (a matter without its case row is left out)."""
    cases, counties, matters = _rows(session, case_ids)
    for case_id, facts in _case_facts(cases, counties):
        yield facts, matters[case_id]


def _rows(
    session: Session, case_ids: list[str]
) -> tuple[Sequence[Any], dict[str, list[str]], dict[str, list[MatterFacts]]]:
    connection, ids = session.connection(), {"ids": case_ids}
    cases = connection.execute(_CASES, ids).all()
    counties: dict[str, list[str]] = defaultdict(list)
    for case_id, county in connection.execute(_COUNTIES, ids):
        counties[case_id].append(county)
    matters: dict[str, list[MatterFacts]] = defaultdict(list)
    for case_id, *values in connection.execute(_MATTERS, ids):
        matters[case_id].append(MatterFacts(*values))
    return cases, counties, matters


def _case_facts(
    cases: Sequence[Any], counties: dict[str, list[str]]
) -> Iterator[tuple[str, CaseFacts]]:
    for case_id, cross_county, jurisdiction, opened_at, stage, county, satisfaction in cases:
        facts = CaseFacts(
            cross_county=cross_county,
            jurisdiction=jurisdiction,
            opened_at=opened_at,
            stage=stage,
            county=county,
            satisfaction=satisfaction,
            counties=tuple(sorted(counties[case_id])),
        )
        yield case_id, facts


def _summed(cases: Iterable[tuple[CaseFacts, list[MatterFacts]]]) -> Counter[TallyKey]:
    total: Counter[TallyKey] = Counter()
    for case, matters in cases:
        total.update(contributions(case, matters))
    return total


def _add(session: Session, delta: dict[TallyKey, int]) -> None:
    """Add ``delta`` to the tallies: one upsert statement, run once per row (executemany),
    compiled once per database for the process. A multi-row VALUES would compile anew for
    every count of rows: it cost a third of a ledger write's time in SQLAlchemy's compiler."""
    rows = [
        {
            "figure": key.figure.value,
            "cross_county": key.cross_county,
            "jurisdiction": key.jurisdiction,
            "k1": key.k1,
            "k2": key.k2,
            "n": n,
        }
        for key, n in sorted(delta.items())  # one order: two writers never deadlock
    ]
    connection = session.connection()
    connection.execute(_add_statement(connection.dialect.name), rows)


@lru_cache(maxsize=2)
def _add_statement(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n, on either database."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = TallyRow.__table__  # type: ignore[attr-defined]  # Core: no ORM bulk path
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=["figure", "cross_county", "jurisdiction", "k1", "k2"],
        set_={"n": table.c.n + statement.excluded.n},
    )


# --- reading ------------------------------------------------------------------------------


def read(
    engine: Engine, *, cross_county_only: bool, jurisdiction: str | None
) -> dict[Figure, list[tuple[str, str, int]]]:
    """The tallies under these filters: per figure, (k1, k2, n) with n not 0."""
    conditions: list[Any] = []
    if cross_county_only:
        conditions.append(col(TallyRow.cross_county).is_(True))
    if jurisdiction:
        conditions.append(TallyRow.jurisdiction == jurisdiction)
    keys = (col(TallyRow.figure), col(TallyRow.k1), col(TallyRow.k2))
    found: dict[Figure, list[tuple[str, str, int]]] = defaultdict(list)
    with Session(engine) as session:
        for figure, k1, k2, n in session.execute(
            sa_select(*keys, func.sum(col(TallyRow.n))).where(*conditions).group_by(*keys)
        ):
            if n:
                found[Figure(figure)].append((k1, k2, int(n)))
    return found


def figures(engine: Engine, *, cross_county_only: bool, jurisdiction: str | None) -> Figures:
    """The statistics from the tallies: a few thousand rows summed, whatever the cases."""
    rows = read(engine, cross_county_only=cross_county_only, jurisdiction=jurisdiction)
    found = Figures()
    found.cases = sum(n for _, _, n in rows[Figure.CASES])
    found.by_county_and_stage = sorted(rows[Figure.STAGE])
    found.satisfaction = {level: n for level, _, n in rows[Figure.SATISFACTION]}
    found.matters = sum(n for _, _, n in rows[Figure.MATTERS])
    found.clocked = sum(n for _, _, n in rows[Figure.CLOCKED])
    found.overdue = sum(n for _, _, n in rows[Figure.OVERDUE])
    found.corrections = sum(n for _, _, n in rows[Figure.CORRECTIONS])
    late = {month: n for month, _, n in rows[Figure.OVERDUE]}
    found.accepted_by_month = sorted(
        (month, n, late.get(month, 0)) for month, _, n in rows[Figure.CLOCKED]
    )
    for figure, into in (
        (Figure.CYCLE_MATTER, found.by_matter),
        (Figure.CYCLE_DEPARTMENT, found.by_department),
        (Figure.CYCLE_MONTH, found.decided_by_month),
    ):
        for key, units, n in rows[figure]:
            into.setdefault(key, Counter())[int(units)] += n
    found.matter_names = _names(rows[Figure.MATTER_NAME], found.by_matter)
    found.department_names = _names(rows[Figure.DEPARTMENT_NAME], found.by_department)
    return found


def _names(rows: list[tuple[str, str, int]], keys: dict[str, Counter[int]]) -> dict[str, str]:
    """Each code's name (the one most matters carry, as a renamed department may show both)."""
    best: dict[str, tuple[int, str]] = {}
    for code, name, n in rows:
        if code in keys and (code not in best or (n, name) > best[code]):
            best[code] = (n, name)
    return {code: name for code, (_, name) in best.items()}
