"""Documents as a use case: take an upload against a material or a result, and answer
who may see which version.

An upload arrives as a staged file (api/multipart.py). It is checked (documents/checks.py),
moved into storage by its SHA-256, and recorded as the next version with its ledger
entries. Whatever goes wrong before the record, the staged file is removed, so a refused
file leaves nothing stored. A retry under the same Idempotency-Key finds its first version
before anything is stored.
"""

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from documents.checks import BadDocument, identify
from documents.staging import StagedFile
from documents.storage import Storage
from domain.actors import Actor, Role
from domain.case import CaseStatus
from domain.documents import (
    Document,
    DocumentKind,
    DocumentRef,
    checklist,
    current,
    seen_by_department,
    seen_by_party,
)
from domain.errors import ActionRefused, InvalidInput, NotFound
from domain.matter import MatterSnapshot, MatterState
from policies.registry import PACKS
from services.commands import case_status
from services.reads import record_read
from store import documents as store
from store.documents import NewVersion, UploadKeyReused
from store.projection import MatterGate

log = structlog.get_logger(__name__)

# Materials are taken while the matter is still being decided (and a 容缺 result is held).
_TAKES_MATERIALS = frozenset(
    {
        MatterState.WAITING,
        MatterState.HANDED_OVER,
        MatterState.ACCEPTED,
        MatterState.CORRECTION_REQUESTED,
        MatterState.RESULT_HELD,
    }
)
# A result is uploaded while the department is deciding the matter.
_TAKES_RESULTS = frozenset({MatterState.HANDED_OVER, MatterState.ACCEPTED})


@dataclass(frozen=True)
class Incoming:
    """A staged upload and what it is for."""

    file: StagedFile
    filename: str
    sha256: str
    material: str
    result_reference: str | None = None


def matter_of(status: CaseStatus, code: str) -> MatterSnapshot:
    found = next((m for m in status.matters if m.code == code), None)
    if found is None:
        raise NotFound(f"案件{status.case_id}没有事项{code}")
    return found


def materials_checklist(status: CaseStatus, matter: MatterSnapshot) -> list[str]:
    pack = PACKS.get(status.jurisdiction)
    definition = next((d for d in pack.matters if d.code == matter.code), None) if pack else None
    return checklist(matter, definition.materials if definition else [])


def takes_materials(status: CaseStatus, matter: MatterSnapshot) -> bool:
    return status.closed_at is None and matter.state in _TAKES_MATERIALS


def _check_material_target(status: CaseStatus, matter: MatterSnapshot, material: str) -> None:
    if status.closed_at is not None:
        raise ActionRefused(f"案件{status.case_id}已结束，不再接收材料")
    if not takes_materials(status, matter):
        raise ActionRefused(f"“{matter.name}”{matter.state_name}，不再接收申请材料")
    names = materials_checklist(status, matter)
    # With no checklist yet (a catalogue without one, before the plan), any named material.
    if names and material not in names:
        raise InvalidInput(
            "material", f"“{matter.name}”的材料清单中没有“{material}”；可选：{'、'.join(names)}"
        )


def _check_result_target(matter: MatterSnapshot, actor: Actor) -> None:
    if actor.department != matter.department:
        raise NotFound(f"事项{matter.code}不由本部门办理")
    if matter.state not in _TAKES_RESULTS:
        raise ActionRefused(
            f"“{matter.name}”{matter.state_name}：办理结果须在受理后、作出决定前上传"
        )


async def take_upload(
    engine: Engine,
    storage: Storage,
    status: CaseStatus,
    matter: MatterSnapshot,
    kind: DocumentKind,
    incoming: Incoming,
    actor: Actor,
    key: str | None,
) -> tuple[Document, bool]:
    """Check, store and record one upload; (its version, whether it is new). The staged
    file is gone afterwards, stored or not."""
    try:
        if kind is DocumentKind.MATERIAL:
            _check_material_target(status, matter, incoming.material)
        else:
            _check_result_target(matter, actor)
        upload_key = f"{actor.id}:{key}" if key else None
        new = NewVersion(
            case_id=status.case_id,
            workflow_id=status.case_id,
            matter=matter.code,
            kind=kind,
            material=incoming.material,
            filename=incoming.filename,
            document_type=await run_in_threadpool(identify, incoming.file.path, incoming.filename),
            size=incoming.file.size,
            sha256=incoming.sha256,
            actor=actor,
            upload_key=upload_key,
            result_reference=incoming.result_reference,
        )
        earlier = store.first_under_key(engine, upload_key)
        if earlier is None:
            stored = await run_in_threadpool(storage.put, incoming.file.path, incoming.sha256)
            log.info("document_stored", sha256=incoming.sha256, new_object=stored)
        document, created = store.add_version(engine, new)
    except BadDocument as error:
        raise InvalidInput("file", str(error)) from error
    except UploadKeyReused as error:
        raise ActionRefused(
            "该幂等键已用于另一文件或材料，请换一个键；重试同一上传须原样重发"
        ) from error
    finally:
        incoming.file.discard()
    log.info(
        "document_uploaded",
        case_id=status.case_id,
        matter=matter.code,
        document=document.id,
        version=document.version,
        repeated=not created,
    )
    return document, created


def visible(
    engine: Engine, status: CaseStatus, actor: Actor, matter: str | None = None
) -> list[Document]:
    """The versions ``actor`` may see: a department only its own handed-over matters'."""
    matters = {m.code: m for m in status.matters}
    delivered = status.delivery is not None
    shown = []
    for document in store.for_case(engine, status.case_id, matter):
        owner = matters.get(document.matter)
        if actor.role is Role.DEPARTMENT:
            if owner is None or owner.department != actor.department:
                continue
            if not seen_by_department(document, owner):
                continue
        elif not seen_by_party(
            document, owner, enterprise=actor.role is Role.ENTERPRISE, delivered=delivered
        ):
            continue
        shown.append(document)
    return shown


def one_visible(
    engine: Engine, status: CaseStatus, actor: Actor, document_id: str, matter: str | None = None
) -> Document:
    """The version, if ``actor`` may see it; else 404 as for one that does not exist (a
    403 would tell another department that the file is there)."""
    found = next((d for d in visible(engine, status, actor, matter) if d.id == document_id), None)
    if found is None:
        raise NotFound(f"文件{document_id}不存在")
    return found


def on_file(
    engine: Engine, case_id: str, kind: DocumentKind, matter: str | None = None
) -> list[DocumentRef]:
    """The current versions of a kind (of one matter) now: what an action records."""
    return refs(store.for_case(engine, case_id, matter), kind, matter)


async def correction_asked_at(client: Client, matter: MatterGate) -> datetime | None:
    """When the matter's latest 补正 was asked, None if never: from its projection row, or
    from the case's workflow for a row written before the projection kept it (0015)."""
    if matter.correction_requested_at is not None or not matter.correction_count:
        return matter.correction_requested_at
    snapshot = matter_of(await case_status(client, matter.case_id), matter.code)
    return snapshot.corrections[-1].requested_at if snapshot.corrections else None


def uploaded_since(
    engine: Engine, case_id: str, matter: str, asked: datetime | None
) -> list[DocumentRef]:
    """The matter's material versions uploaded since its latest 补正 was ``asked`` (none if
    it never was): what 补正材料 hands back."""
    if asked is None:
        return []
    return [
        d.ref()
        for d in current(store.for_case(engine, case_id, matter))
        if d.kind is DocumentKind.MATERIAL and d.uploaded_at >= asked
    ]


def read(
    engine: Engine, status: CaseStatus, actor: Actor, document_id: str, matter: str | None = None
) -> Document:
    """The version ``actor`` may see (else 404), its read recorded: every download and
    every page shown, from the case's routes and a department's alike."""
    document = one_visible(engine, status, actor, document_id, matter)
    record_read(engine, actor, f"document:{document.id}", status.case_id, document.matter)
    return document


def refs(
    documents: list[Document], kind: DocumentKind, matter: str | None = None
) -> list[DocumentRef]:
    """The current versions of a kind (of one matter), as an action records them."""
    return [
        d.ref()
        for d in current(documents)
        if d.kind is kind and (matter is None or d.matter == matter)
    ]
