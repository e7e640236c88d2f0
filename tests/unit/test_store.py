"""The ledger writes each key once; the projection never goes back to an older version."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from domain.actors import Actor, Role
from domain.ledger import CaseSummary, LedgerEntry, LedgerEvent, LedgerWrite, Notice, Recipient
from store import ledger, projection
from store.tables import NotificationRow

pytestmark = pytest.mark.both_databases  # and on PostgreSQL

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _write(key: str, version: int, stage: str) -> LedgerWrite:
    return LedgerWrite(
        entry=LedgerEntry(
            key=key,
            case_id="BZ-2026-00001",
            workflow_id="BZ-2026-00001",
            event=LedgerEvent.OPS_ACTION,
            actor=Actor(id="li", role=Role.COORDINATOR),
            occurred_at=NOW,
            summary="制定代办计划",
            details={"n": version},
        ),
        case=CaseSummary(
            case_id="BZ-2026-00001",
            workflow_id="BZ-2026-00001",
            jurisdiction="BZ",
            park="p",
            enterprise_name="e",
            uscc="91350100M000100Y43",
            project_name="p",
            stage=stage,
            opened_at=NOW,
            entrustment_end=date(2027, 1, 1),
            version=version,
        ),
    )


def test_a_retried_write_lands_once(engine: Engine) -> None:
    assert ledger.append(engine, _write("k1", 1, "planning")) is True
    assert ledger.append(engine, _write("k1", 1, "planning")) is False
    entries, total = ledger.entries(engine, "BZ-2026-00001")
    assert total == 1
    assert entries[0].occurred_at == NOW
    assert entries[0].details == {"n": 1}


def test_the_projection_ignores_an_older_version(engine: Engine) -> None:
    ledger.append(engine, _write("k2", 3, "processing"))
    ledger.append(engine, _write("k1", 2, "planning"))  # arrives late
    assert projection.case_row(engine, "BZ-2026-00001").stage == "processing"
    assert ledger.entries(engine, "BZ-2026-00001")[1] == 2


def test_an_alarm_sounded_again_after_a_reset_writes_nothing_twice(engine: Engine) -> None:
    """A reset workflow replays from before its warning and sounds it again; the key is the
    workflow id with "run" (not the run id), so the entry and its notices land once."""
    write = _write("BZ-2026-00001/land/run/deadline_warning/land", 1, "processing")
    write.notices = [
        Notice(recipient=Recipient.DEPARTMENT, address="bole-natural-resources", message="将到期"),
        Notice(recipient=Recipient.AGENT, address="wang.wu", message="将到期"),
    ]
    assert ledger.append(engine, write) is True
    assert ledger.append(engine, write.model_copy(deep=True)) is False
    with Session(engine) as session:
        notices = session.exec(select(NotificationRow)).all()
    assert sorted(n.recipient for n in notices) == ["agent", "department"]
    assert ledger.entries(engine, "BZ-2026-00001")[1] == 1


def test_a_one_time_event_cannot_be_appended_twice_for_a_case(engine: Engine) -> None:
    """Whatever the workflow code does, the database holds one 初审 decision per case (and
    one acceptance, decision ... per matter): a second key for it is refused, a retry of
    the same key is still a no-op."""
    accepted = _write("BZ-2026-00001/review:a/application_accepted", 2, "planning")
    accepted.entry.event = LedgerEvent.APPLICATION_ACCEPTED
    assert ledger.append(engine, accepted) is True
    assert ledger.append(engine, accepted.model_copy(deep=True)) is False
    again = accepted.model_copy(deep=True)
    again.entry.key = "BZ-2026-00001/review:b/application_accepted"
    with pytest.raises(ledger.OneTimeEventRepeated):
        ledger.append(engine, again)
    refused = again.model_copy(deep=True)
    refused.entry.event, refused.entry.key = LedgerEvent.APPLICATION_REFUSED, "k-refused"
    with pytest.raises(ledger.OneTimeEventRepeated):  # accepted or refused, never both
        ledger.append(engine, refused)
    recurring = again.model_copy(deep=True)
    recurring.entry.event = LedgerEvent.OPS_ACTION
    assert ledger.append(engine, recurring) is True
    assert ledger.entries(engine, "BZ-2026-00001")[1] == 2
