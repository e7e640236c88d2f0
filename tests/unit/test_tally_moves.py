"""The ledger write moves the statistics' tallies from the rows it wrote, without reading
them back: after any run of writes (cases inserted and updated, matters before their case,
versions arriving late, matters dropped), the tallies equal a recount from the rows."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from domain.actors import Actor, Role
from domain.ledger import CaseSummary, LedgerEntry, LedgerEvent, LedgerWrite, MatterRowData
from store import ledger, tally
from store.tables import TallyRow

pytestmark = pytest.mark.both_databases  # and on PostgreSQL

START = datetime(2026, 10, 1, 2, tzinfo=UTC)
STAGES = ["planning", "processing", "delivery", "evaluation", "archived", "terminated"]
STATES = ["handed_over", "accepted", "correction_requested", "approved", "refused"]
MATTERS = {"land": "bole-natural-resources", "permit": "bole-housing", "seal": "jinghe-police"}


def _case(case_id: str, rng: random.Random, version: int) -> CaseSummary:
    cross = case_id.endswith(("1", "3", "5"))
    return CaseSummary(
        case_id=case_id,
        workflow_id=case_id,
        jurisdiction="BZ",
        park="bole-wutai",
        enterprise_name="企业",
        uscc="91350100M000100Y43",
        project_name="项目",
        stage=rng.choice(STAGES),
        opened_at=START + timedelta(days=int(case_id[-2:])),
        entrustment_end=date(2027, 6, 30),
        county="博乐市",
        cross_county=cross,
        satisfaction=rng.choice([None, "满意", "不满意"]),
        counties=["博乐市", "精河县"] if cross else ["博乐市"],
        version=version,
    )


def _matter(code: str, rng: random.Random, version: int) -> MatterRowData:
    state = rng.choice(STATES)
    handed = START + timedelta(hours=rng.randrange(1, 2000))
    accepted = handed + timedelta(hours=rng.randrange(1, 100))
    return MatterRowData(
        code=code,
        name=code,
        department=MATTERS[code],
        department_name=MATTERS[code],
        county=rng.choice(["博乐市", "精河县"]),
        state=state,
        handed_over_at=handed,
        accepted_at=None if state == "handed_over" else accepted,
        decided_at=accepted + timedelta(hours=rng.randrange(1, 900))
        if state in ("approved", "refused")
        else None,
        overdue=rng.random() < 0.3,
        correction_count=rng.choice([0, 1, 2]),
        version=version,
    )


def _writes(seed: int, n: int) -> list[LedgerWrite]:
    rng = random.Random(seed)
    versions: dict[tuple[str, str], int] = {}
    writes = []
    for i in range(n):
        case_id = f"BZ-2026-000{rng.randrange(10, 16)}"
        summary, matters, replaces = None, [], False
        roll = rng.random()
        if roll < 0.35:  # the case row, now and then an older version arriving late
            key = (case_id, "")
            versions[key] = versions.get(key, 0) + 1
            late = versions[key] > 1 and rng.random() < 0.2
            summary = _case(case_id, rng, versions[key] - 1 if late else versions[key])
            replaces = summary is not None and rng.random() < 0.1
        count = rng.randint(0 if summary else 1, 2)
        for code in rng.sample(list(MATTERS), count):  # perhaps before the case row
            key = (case_id, code)
            versions[key] = versions.get(key, 0) + 1
            late = versions[key] > 1 and rng.random() < 0.2
            matters.append(_matter(code, rng, versions[key] - 1 if late else versions[key]))
        entry = LedgerEntry(
            key=f"{case_id}/run/e{i}",
            case_id=case_id,
            workflow_id=case_id,
            event=LedgerEvent.OPS_ACTION,
            actor=Actor(id="ops", role=Role.OPS),
            occurred_at=START + timedelta(minutes=i),
            summary=f"第{i}条",
        )
        writes.append(
            LedgerWrite(entry=entry, case=summary, matters=matters, replaces_matters=replaces)
        )
    return writes


def _tallies(engine: Engine) -> dict[tuple, int]:
    with Session(engine) as session:
        rows = session.exec(select(TallyRow)).all()
    return {(r.figure, r.cross_county, r.jurisdiction, r.k1, r.k2): r.n for r in rows if r.n != 0}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tallies_moved_by_the_writes_equal_a_recount(engine: Engine, seed: int) -> None:
    for write in _writes(seed, 120):
        ledger.append(engine, write)
    moved = _tallies(engine)
    tally.rebuild(engine)
    recounted = _tallies(engine)
    assert moved == recounted
    assert len(recounted) > 20  # the cases counted for something
