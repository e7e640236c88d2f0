"""Human-readable case ids: jurisdiction, year, sequence (BZ-2026-00042)."""

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from store.tables import CaseSequence


def case_number(jurisdiction: str, year: int, number: int) -> str:
    return f"{jurisdiction}-{year}-{number:05d}"


def next_case_id(engine: Engine, jurisdiction: str, year: int) -> str:
    """Issue the next number; the row lock of the UPDATE serialises concurrent callers."""
    for _ in range(3):
        with Session(engine) as session:
            number = session.execute(
                update(CaseSequence)
                .where(
                    col(CaseSequence.jurisdiction) == jurisdiction, col(CaseSequence.year) == year
                )
                .values(last=col(CaseSequence.last) + 1)
                .returning(col(CaseSequence.last))
            ).scalar_one_or_none()
            if number is None:
                session.add(CaseSequence(jurisdiction=jurisdiction, year=year, last=1))
                number = 1
            try:
                session.commit()
            except IntegrityError:  # another caller created the year's row first
                session.rollback()
                continue
        return case_number(jurisdiction, year, number)
    raise RuntimeError("could not issue a case number")
