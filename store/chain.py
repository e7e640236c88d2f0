"""The ledger's hash chain: tamper evidence for the 台账 (kept at least 2 years).

Each entry's hash is SHA-256 over the previous entry's hash and the entry's content in a
canonical form, in the order entries were written (their ids). Verification walks the
chain and says where it first breaks: an edited entry no longer matches its hash, a
removed or reordered one breaks the link to the next, and a removed last entry no
longer matches the head.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from store.tables import LedgerEntryRow, LedgerHead, as_utc

GENESIS = "0" * 64
_UNLINKED = "与前一条记录的链接断开：其前有记录被删除、插入或调换了顺序"
_BATCH = 5000


def entry_hash(row: LedgerEntryRow, prev_hash: str) -> str:
    content = {
        "key": row.key,
        "case_id": row.case_id,
        "workflow_id": row.workflow_id,
        "event": row.event,
        "matter": row.matter,
        "actor": [row.actor_id, row.actor_role, row.actor_department],
        "occurred_at": _instant(row.occurred_at),
        "recorded_at": _instant(row.recorded_at),
        "summary": row.summary,
        "details": row.details,
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _instant(moment: datetime) -> str:
    """The same text whether the row was just built or read back from either database."""
    return as_utc(moment).astimezone(UTC).isoformat()


def link(session: Session, row: LedgerEntryRow) -> None:
    """Chain ``row`` (added, not yet flushed) after the head, in the caller's transaction.

    The head is written before it is read, so two appends never chain to the same
    predecessor. On SQLite that write is what takes the database's one write lock: the
    driver opens a transaction only at the first write, so a head read first would be
    read outside it, and another process could move the head before this insert. (It
    did, under the fault test's load.) On PostgreSQL the row is then locked FOR UPDATE.
    The same write creates the head the first time, without racing a second creator.
    """
    session.execute(
        text(
            "INSERT INTO ledger_head (id, last_entry_id, last_hash, entries) "
            "VALUES (1, 0, '', 0) ON CONFLICT (id) DO NOTHING"
        )
    )
    head = session.exec(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
    row.prev_hash = head.last_hash or GENESIS
    row.entry_hash = entry_hash(row, row.prev_hash)
    session.add(row)
    session.flush()  # the row's id
    assert row.id is not None  # flushed above
    head.last_entry_id, head.last_hash = row.id, row.entry_hash
    head.entries += 1
    session.add(head)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    broken_at: int | None = None  # the id of the first entry that does not verify
    case_id: str | None = None
    problem: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def verify(engine: Engine, progress: Callable[[int, int], None] | None = None) -> Verification:
    """Verify the chain as it stood when the head was read: a consistent snapshot on a live
    system, in batches. Entries appended meanwhile have ids after the head's last entry
    (each append holds the head while it takes its id), so they are left for the next run
    instead of being read as an unexplained tail."""
    with Session(engine) as session:
        head = session.get(LedgerHead, 1) or LedgerHead(id=1, last_hash=GENESIS)
    expected_prev, checked, last_id = GENESIS, 0, 0
    while True:
        with Session(engine) as session:
            rows = session.exec(
                select(LedgerEntryRow)
                .where(col(LedgerEntryRow.id) > last_id)
                .where(col(LedgerEntryRow.id) <= head.last_entry_id)
                .order_by(col(LedgerEntryRow.id))
                .limit(_BATCH)
            ).all()
        for row in rows:
            if row.prev_hash != expected_prev:
                return _broken(
                    checked, row, "与前一条记录的链接断开：其前有记录被删除、插入或调换了顺序"
                )
            if entry_hash(row, row.prev_hash) != row.entry_hash:
                return _broken(checked, row, "记录内容与其哈希不符：该记录被修改过")
            expected_prev, checked, last_id = row.entry_hash, checked + 1, row.id or 0
        if progress:
            progress(checked, head.entries)
        if len(rows) < _BATCH:
            break
    if (head.last_hash or GENESIS) != expected_prev or head.entries != checked:
        return Verification(
            ok=False,
            entries=checked,
            problem=f"链尾与记录不符：应有{head.entries}条，止于记录{head.last_entry_id}，"
            f"现有{checked}条（末尾的记录被删除或链尾被改动）",
        )
    return Verification(ok=True, entries=checked)


def _broken(checked: int, row: LedgerEntryRow, problem: str) -> Verification:
    return Verification(
        ok=False, entries=checked, broken_at=row.id, case_id=row.case_id, problem=problem
    )
