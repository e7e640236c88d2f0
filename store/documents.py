"""Document versions: each written with its ledger entries in one transaction, so the
hash chain covers every file's SHA-256 and no version exists that the 台账 does not name."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.actors import ROLE_NAMES, Actor
from domain.documents import (
    DOCUMENT_KIND_NAMES,
    MEDIA_TYPES,
    TYPE_NAMES,
    Document,
    DocumentKind,
    DocumentType,
    size_text,
)
from domain.ledger import LedgerEntry, LedgerEvent
from store import ledger
from store.db import session_scope
from store.tables import DocumentRow, LedgerEntryRow

# Uploads of one material at once: each loser of a race numbers itself again. Ten at once
# settle within ten rounds; a person's clicks are far fewer.
_VERSION_RACES = 30


class UploadKeyReused(Exception):
    """The Idempotency-Key came first with another file or material."""


@dataclass(frozen=True)
class NewVersion:
    case_id: str
    workflow_id: str
    matter: str
    kind: DocumentKind
    material: str
    filename: str
    document_type: DocumentType
    size: int
    sha256: str
    actor: Actor
    upload_key: str | None = None
    result_reference: str | None = None


def _document(row: DocumentRow) -> Document:
    return Document.model_validate(row, from_attributes=True)


def add_version(engine: Engine, new: NewVersion) -> tuple[Document, bool]:
    """Store ``new`` as the material's next version, superseding the current one, with a
    ledger entry for each; (the version, True). A retry under the same upload key gets the
    first one and False."""
    for _ in range(_VERSION_RACES):
        earlier = first_under_key(engine, new.upload_key)
        if earlier is not None:
            same = (earlier.sha256, earlier.matter, earlier.material, earlier.kind)
            if same != (new.sha256, new.matter, new.material, new.kind):
                raise UploadKeyReused(new.upload_key)
            return earlier, False
        try:
            return _insert(engine, new), True
        except IntegrityError:
            continue  # another version (or this key's first attempt) was written meanwhile
    raise RuntimeError("document version kept colliding")  # pragma: no cover


def _insert(engine: Engine, new: NewVersion) -> Document:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        previous = session.exec(
            select(DocumentRow)
            .where(DocumentRow.case_id == new.case_id, DocumentRow.matter == new.matter)
            .where(DocumentRow.kind == new.kind.value, DocumentRow.material == new.material)
            .order_by(col(DocumentRow.version).desc())
            .limit(1)
        ).first()
        row = DocumentRow(
            id=uuid.uuid4().hex[:16],
            case_id=new.case_id,
            matter=new.matter,
            kind=new.kind.value,
            material=new.material,
            version=(previous.version + 1) if previous else 1,
            filename=new.filename,
            document_type=new.document_type.value,
            media_type=MEDIA_TYPES[new.document_type],
            size=new.size,
            sha256=new.sha256,
            uploaded_by=new.actor.id,
            uploaded_by_role=new.actor.role.value,
            uploaded_at=now,
            result_reference=new.result_reference,
            upload_key=new.upload_key,
        )
        session.add(row)
        session.flush()  # the unique version and key are checked here
        document = _document(row)
        who = ROLE_NAMES.get(new.actor.role, new.actor.role.value)
        kind = DOCUMENT_KIND_NAMES[new.kind]
        ledger.append_in(
            session,
            _entry(
                new,
                LedgerEvent.DOCUMENT_UPLOADED,
                f"{new.case_id}/document/{row.id}",
                now,
                f"{who}上传{kind}“{new.material}”第{row.version}版（{new.filename}，"
                f"{TYPE_NAMES[new.document_type]}，{size_text(new.size)}，"
                f"SHA-256 {document.short_hash}）",
                _details(document),
            ),
        )
        if previous is not None and previous.superseded_at is None:
            previous.superseded_at, previous.superseded_by = now, row.id
            session.add(previous)
            ledger.append_in(
                session,
                _entry(
                    new,
                    LedgerEvent.DOCUMENT_SUPERSEDED,
                    f"{new.case_id}/document/{previous.id}/superseded",
                    now,
                    f"“{new.material}”第{previous.version}版（SHA-256 {previous.sha256[:12]}）"
                    f"被第{row.version}版取代，原版本保留",
                    {
                        "document": previous.id,
                        "version": previous.version,
                        "sha256": previous.sha256,
                        "superseded_by": row.id,
                    },
                ),
            )
        return document


def _entry(
    new: NewVersion, event: LedgerEvent, key: str, at: datetime, summary: str, details: dict
) -> LedgerEntry:
    return LedgerEntry(
        key=key,
        case_id=new.case_id,
        workflow_id=new.workflow_id,
        event=event,
        matter=new.matter,
        actor=new.actor,
        occurred_at=at,
        summary=summary,
        details=details,
    )


def _details(document: Document) -> dict:
    return document.model_dump(
        mode="json",
        include={
            "id",
            "kind",
            "material",
            "version",
            "filename",
            "document_type",
            "size",
            "sha256",
            "result_reference",
        },
    )


def first_under_key(engine: Engine, key: str | None) -> Document | None:
    """The version first uploaded under this (account-scoped) Idempotency-Key."""
    if key is None:
        return None
    with Session(engine) as session:
        row = session.exec(select(DocumentRow).where(DocumentRow.upload_key == key)).first()
        return _document(row) if row is not None else None


def for_case(engine: Engine, case_id: str, matter: str | None = None) -> list[Document]:
    """The case's versions (of one matter), by matter, kind, material and version."""
    with Session(engine) as session:
        query = select(DocumentRow).where(DocumentRow.case_id == case_id)
        if matter is not None:
            query = query.where(DocumentRow.matter == matter)
        rows = session.exec(
            query.order_by(
                col(DocumentRow.matter),
                col(DocumentRow.kind),
                col(DocumentRow.material),
                col(DocumentRow.version),
            )
        ).all()
        return [_document(row) for row in rows]


def get(engine: Engine, case_id: str, document_id: str) -> Document | None:
    with Session(engine) as session:
        row = session.get(DocumentRow, document_id)
        return _document(row) if row is not None and row.case_id == case_id else None


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(DocumentRow)).one()


def recorded_hashes(engine: Engine, batch: int = 1000) -> Iterator[tuple[Document, str | None]]:
    """Every version with the SHA-256 its ledger entry recorded (None: no entry names it).
    The entry is what the hash chain protects; the row alone could have been edited."""
    last = ""
    while True:
        with Session(engine) as session:
            rows = session.exec(
                select(DocumentRow)
                .where(col(DocumentRow.id) > last)
                .order_by(col(DocumentRow.id))
                .limit(batch)
            ).all()
            keys = [f"{row.case_id}/document/{row.id}" for row in rows]
            entries = session.exec(
                select(LedgerEntryRow.key, LedgerEntryRow.details).where(
                    col(LedgerEntryRow.key).in_(keys)
                )
            ).all()
        recorded = {key: (details or {}).get("sha256") for key, details in entries}
        for row in rows:
            yield _document(row), recorded.get(f"{row.case_id}/document/{row.id}")
        if len(rows) < batch:
            return
        last = rows[-1].id
