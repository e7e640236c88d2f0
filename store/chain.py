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

from sqlalchemy import Engine, insert, text
from sqlmodel import Session, col, select

from store.tables import LedgerEntryRow, LedgerHead, as_utc

GENESIS = "0" * 64
_UNLINKED = "与前一条记录的链接断开：其前有记录被删除、插入或调换了顺序"
_BATCH = 5000


def entry_hash(row: LedgerEntryRow, prev_hash: str) -> str:
    return _chained(prev_hash, _canonical(row))


def _chained(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _canonical(row: LedgerEntryRow) -> str:
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
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _instant(moment: datetime) -> str:
    """The same text whether the row was just built or read back from either database."""
    return as_utc(moment).astimezone(UTC).isoformat()


# Taking the head is one statement that writes before it reads. On SQLite that write takes
# the database's one write lock (the driver opens a transaction only at the first write, so
# a head read first would be read outside it, and another process could move the head
# before this insert; it did, under the fault test's load). On PostgreSQL it locks the row,
# and a second append waiting on it reads the head the first one committed.
_TAKE_HEAD = text("UPDATE ledger_head SET entries = entries + 1 WHERE id = 1 RETURNING last_hash")
_CREATE_HEAD = text(
    "INSERT INTO ledger_head (id, last_entry_id, last_hash, entries) "
    "VALUES (1, 0, '', 0) ON CONFLICT (id) DO NOTHING"
)
_MOVE_HEAD = text("UPDATE ledger_head SET last_entry_id = :entry, last_hash = :hash WHERE id = 1")


_ENTRY = LedgerEntryRow.__table__  # type: ignore[attr-defined]
_INSERT_ENTRY = insert(_ENTRY)  # Core, built once: the ORM's flush cost more than the insert
_ENTRY_COLUMNS = tuple(column.name for column in _ENTRY.c if column.name != "id")


def link(session: Session, row: LedgerEntryRow) -> None:
    """Chain ``row`` (not yet written) after the head, in the caller's transaction: three
    statements (take the head, insert the entry, move the head), so the write lock is held
    as briefly as the chain allows. The first append ever creates the head, without racing
    a second creator. Sets the row's hashes and id."""
    canonical = _canonical(row)  # before the lock: only the link needs the head
    connection = session.connection()
    taken = connection.execute(_TAKE_HEAD).first()
    if taken is None:
        connection.execute(_CREATE_HEAD)
        taken = connection.execute(_TAKE_HEAD).one()
    row.prev_hash = taken.last_hash or GENESIS
    row.entry_hash = _chained(row.prev_hash, canonical)
    inserted = connection.execute(
        _INSERT_ENTRY, {name: getattr(row, name) for name in _ENTRY_COLUMNS}
    )
    assert inserted.inserted_primary_key is not None  # an insert of one row
    row.id = inserted.inserted_primary_key[0]
    connection.execute(_MOVE_HEAD, {"entry": row.id, "hash": row.entry_hash})


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
