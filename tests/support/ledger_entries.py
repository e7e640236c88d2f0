"""Ledger entries written straight to the store, for the tests of the chain and of backups."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from domain.actors import Actor, Role
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite
from store import ledger

CASE_ID = "BZ-2026-00009"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def ops_write(
    key: str, summary: str, occurred_at: datetime = NOW, details: dict | None = None
) -> LedgerWrite:
    """An ops entry of the one test case, keyed ``<case>/<key>``."""
    return LedgerWrite(
        entry=LedgerEntry(
            key=f"{CASE_ID}/{key}",
            case_id=CASE_ID,
            workflow_id=CASE_ID,
            event=LedgerEvent.OPS_ACTION,
            actor=Actor(id="li.si", role=Role.COORDINATOR),
            occurred_at=occurred_at,
            summary=summary,
            details=details or {},
        )
    )


def write_entries(engine: Engine, n: int) -> None:
    """``n`` ops entries of one case, keyed ``<case>/run/e<i>``, a minute apart."""
    for i in range(n):
        details = {"i": i, "nested": {"b": [1, 2], "a": "甲"}}
        write = ops_write(f"run/e{i}", f"第{i}条", NOW + timedelta(minutes=i), details)
        ledger.append(engine, write)
