"""A ledger write runs as few statements as the chain allows, and its Core statements
write what the ORM wrote: a matter's clocks rewritten, left alone when unchanged, closed
when they stop and reopened when they run again."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from domain.actors import Actor, Role
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite, MatterRowData
from domain.work import ClockKind, Owner, WorkClock
from store import ledger
from store.tables import MatterRow, WorkItemRow
from tests.unit.test_store import _write

pytestmark = pytest.mark.both_databases  # and on PostgreSQL

CASE_ID = "BZ-2026-00001"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HAND_OFF = WorkClock(
    kind=ClockKind.HAND_OFF,
    matter="land",
    owner=Owner.DEPARTMENT,
    due_at=NOW + timedelta(hours=24),
    label="受理或退回",
)
DECISION = WorkClock(
    kind=ClockKind.MATTER_DEADLINE,
    matter="land",
    owner=Owner.DEPARTMENT,
    due_at=NOW + timedelta(days=20),
    due_on=(NOW + timedelta(days=19)).date(),
    label="办结",
)


def _matter_write(n: int, clocks: list[WorkClock], corrections: int = 0) -> LedgerWrite:
    return LedgerWrite(
        entry=LedgerEntry(
            key=f"{CASE_ID}/land/e{n}",
            case_id=CASE_ID,
            workflow_id=f"{CASE_ID}/land",
            event=LedgerEvent.OPS_ACTION,
            matter="land",
            actor=Actor(id="zhao", role=Role.DEPARTMENT, department="bole-natural-resources"),
            occurred_at=NOW + timedelta(minutes=n),
            summary=f"第{n}步",
        ),
        matters=[
            MatterRowData(
                code="land",
                name="建设用地规划许可",
                department="bole-natural-resources",
                department_name="博乐市自然资源局",
                county="博乐市",
                state="correction_requested" if corrections else "accepted",
                correction_count=corrections,
                handed_over_at=NOW,
                accepted_at=NOW + timedelta(hours=1),
                clocks=clocks,
                version=n,
            )
        ],
    )


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        words = statement.split()
        verb = words[0]
        table = (
            words[words.index("FROM") + 1]
            if verb == "SELECT"
            else words[2 if verb == "INSERT" else 1]
        )
        seen.append(f"{verb} {table}")

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _items(engine: Engine) -> dict[str, WorkItemRow]:
    with Session(engine) as session:
        return {row.kind: row for row in session.exec(select(WorkItemRow))}


def test_a_matter_action_is_eleven_statements_and_its_unchanged_clocks_none(
    engine: Engine,
) -> None:
    ledger.append(engine, _write("k1", 1, "processing"))  # the case row
    ledger.append(engine, _matter_write(1, [HAND_OFF]))
    with _statements(engine) as seen:
        assert ledger.append(engine, _matter_write(2, [HAND_OFF], corrections=1))  # 补正
    assert seen == [
        "SELECT ledger_entry",  # the key's check
        "UPDATE ledger_head",  # the chain: take the head,
        "INSERT ledger_entry",  # insert the entry,
        "UPDATE ledger_head",  # move the head
        "SELECT case_projection",  # the case's rows as the tallies count them
        "SELECT case_county",
        "SELECT matter_projection",
        "UPDATE matter_projection",  # the newer version, in one statement
        "SELECT case_projection",  # the work list's context
        "SELECT work_item",  # and the matter's clocks, unchanged: not written
        "INSERT oversight_tally",  # the tallies that moved, one statement
    ]
    assert _items(engine)[ClockKind.HAND_OFF.value].closed_at is None


def test_clocks_close_when_they_stop_and_reopen_when_they_run_again(engine: Engine) -> None:
    ledger.append(engine, _write("k1", 1, "processing"))
    ledger.append(engine, _matter_write(1, [HAND_OFF]))
    opened = _items(engine)[ClockKind.HAND_OFF.value]
    assert (opened.enterprise_name, opened.department_name) == ("e", "博乐市自然资源局")

    ledger.append(engine, _matter_write(2, [DECISION]))
    items = _items(engine)
    assert items[ClockKind.HAND_OFF.value].closed_at is not None  # 已办, not deleted
    assert items[ClockKind.MATTER_DEADLINE.value].due_on == DECISION.due_on

    later = HAND_OFF.model_copy(update={"due_at": NOW + timedelta(hours=30), "label": "再次"})
    ledger.append(engine, _matter_write(3, [DECISION, later]))
    again = _items(engine)[ClockKind.HAND_OFF.value]
    assert again.closed_at is None
    assert again.opened_at > opened.opened_at
    assert (again.due_at, again.label) == (later.due_at, "再次")


def test_a_first_row_is_inserted_without_an_update_and_a_version_read_that_find_nothing(
    engine: Engine,
) -> None:
    """The case's rows read for the tallies say which rows are not stored yet: those are
    inserted straight away (a hand-over was 14 statements, 开办's case row two more)."""
    with _statements(engine) as seen:
        assert ledger.append(engine, _write("k1", 1, "processing"))  # the case's first write
    assert "UPDATE case_projection" not in seen
    assert seen.count("SELECT case_projection") == 2  # the tallies' read, and after its insert
    assert seen.count("INSERT case_projection") == 1
    with _statements(engine) as seen:
        assert ledger.append(engine, _matter_write(1, [HAND_OFF]))  # 移交: the matter's first
    assert seen == [
        "SELECT ledger_entry",
        "UPDATE ledger_head",
        "INSERT ledger_entry",
        "UPDATE ledger_head",
        "SELECT case_projection",  # the case's rows: no row for this matter,
        "SELECT case_county",
        "SELECT matter_projection",
        "INSERT matter_projection",  # so it is inserted
        "SELECT case_projection",  # the work list's context
        "SELECT work_item",
        "INSERT work_item",  # the hand-over's clock
        "INSERT oversight_tally",
    ]
    # the next version of the same matter is an update again, as is a second write of it
    with _statements(engine) as seen:
        assert ledger.append(engine, _matter_write(2, [HAND_OFF], corrections=1))
    assert "UPDATE matter_projection" in seen and "INSERT matter_projection" not in seen


def test_a_matter_stored_before_its_case_row_is_updated_not_inserted_again(
    engine: Engine,
) -> None:
    """Activities land out of order: a matter's row may be written before its case's. The
    case's first write then finds it (the tallies do not count it yet), and the matter's
    next write updates it."""
    assert ledger.append(engine, _matter_write(1, [HAND_OFF]))  # no case row yet
    assert ledger.append(engine, _matter_write(2, [HAND_OFF], corrections=1))
    assert ledger.append(engine, _write("k1", 1, "processing"))
    with Session(engine) as session:
        (row,) = session.exec(select(MatterRow)).all()
    assert (row.version, row.correction_count) == (2, 1)
