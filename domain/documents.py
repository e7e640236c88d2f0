"""Documents: the files behind a case's materials and a matter's results.

A material of a matter's checklist has versions; each version is one file, kept by its
SHA-256 (the same bytes are stored once). A newer version supersedes the one before, which
stays. Who may see which version is a rule of the case's facts, kept here as pure
functions: a department sees its own matter's materials from the hand-over on, and a
result is the enterprise's once it is delivered.
"""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.document_refs import DocumentRef, short_hash
from domain.matter import MatterSnapshot, MatterState


class DocumentKind(StrEnum):
    MATERIAL = "material"  # an application material (申请材料), or its 补正 / 容缺 supply
    RESULT = "result"  # the department's result: 批文, 证照 scan


DOCUMENT_KIND_NAMES = {DocumentKind.MATERIAL: "申请材料", DocumentKind.RESULT: "办理结果"}


class DocumentType(StrEnum):
    """What a file is, decided from its content."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    OFD = "ofd"  # 版式文档 (GB/T 33190), what many 政务 systems issue
    DOCX = "docx"
    XLSX = "xlsx"


MEDIA_TYPES = {
    DocumentType.PDF: "application/pdf",
    DocumentType.JPEG: "image/jpeg",
    DocumentType.PNG: "image/png",
    DocumentType.OFD: "application/ofd",
    DocumentType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

TYPE_NAMES = {
    DocumentType.PDF: "PDF",
    DocumentType.JPEG: "JPEG 图片",
    DocumentType.PNG: "PNG 图片",
    DocumentType.OFD: "OFD 版式文件",
    DocumentType.DOCX: "Word 文档（DOCX）",
    DocumentType.XLSX: "Excel 表格（XLSX）",
}

# The names a file of each type may carry: a name that claims another type is refused.
EXTENSIONS = {
    DocumentType.PDF: (".pdf",),
    DocumentType.JPEG: (".jpg", ".jpeg"),
    DocumentType.PNG: (".png",),
    DocumentType.OFD: (".ofd",),
    DocumentType.DOCX: (".docx",),
    DocumentType.XLSX: (".xlsx",),
}

PREVIEWABLE = frozenset({DocumentType.PDF, DocumentType.JPEG, DocumentType.PNG})


def size_text(size: int) -> str:
    """A size as a clerk reads it."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def claimed_type(filename: str) -> DocumentType | None:
    """The type a file's name claims, or None for a name of no accepted type."""
    lowered = filename.lower()
    for kind, endings in EXTENSIONS.items():
        if lowered.endswith(endings):
            return kind
    return None


def accepted_names() -> str:
    return "、".join(TYPE_NAMES.values())


class Document(BaseModel):
    """One version of one file, as the ledger records it."""

    id: str = Field(description="文件编号")
    case_id: str
    matter: str = Field(description="所属事项")
    kind: DocumentKind
    material: str = Field(description="材料名称（办理结果：结果名称，如批文、证照）")
    version: int = Field(ge=1, description="该材料的第几版")
    filename: str = Field(description="上传时的文件名，仅用于显示")
    document_type: DocumentType
    media_type: str
    size: int = Field(ge=1, description="字节数")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    uploaded_by: str
    uploaded_by_role: str
    uploaded_at: datetime
    superseded_at: datetime | None = Field(None, description="被新版本取代的时间；当前版本为空")
    superseded_by: str | None = None
    result_reference: str | None = Field(None, description="办理结果的文号")

    @property
    def current(self) -> bool:
        return self.superseded_at is None

    @property
    def short_hash(self) -> str:
        return short_hash(self.sha256)

    def ref(self) -> DocumentRef:
        return DocumentRef(
            id=self.id,
            material=self.material,
            version=self.version,
            filename=self.filename,
            sha256=self.sha256,
            size=self.size,
        )


def current(documents: Iterable[Document]) -> list[Document]:
    return [d for d in documents if d.current]


def current_at(documents: Iterable[Document], moment: datetime) -> list[Document]:
    """The versions that were current at ``moment``."""
    return [
        d
        for d in documents
        if d.uploaded_at <= moment and (d.superseded_at is None or d.superseded_at > moment)
    ]


def seen_by_department(document: Document, matter: MatterSnapshot) -> bool:
    """A department sees its matter's materials once handed over, and of those only the
    versions current at the hand-over and after (what it was given, not what was replaced
    before); its own results always."""
    if document.kind is DocumentKind.RESULT:
        return True
    handed_over = matter.handed_over_at
    if handed_over is None:
        return False
    return document.superseded_at is None or document.superseded_at > handed_over


def result_released(matter: MatterSnapshot) -> bool:
    """容缺: a result held until the items are supplied is not issued to anyone yet."""
    return matter.state is MatterState.APPROVED


def seen_by_party(
    document: Document, matter: MatterSnapshot | None, *, enterprise: bool, delivered: bool
) -> bool:
    """The coordinator, the enterprise and oversight see every material; a result once it
    is issued, and the enterprise once it is delivered to it (办结送达)."""
    if document.kind is DocumentKind.MATERIAL:
        return True
    if matter is None or not result_released(matter):
        return False
    return delivered or not enterprise


def checklist(matter: MatterSnapshot, catalogue_materials: Iterable[str]) -> list[str]:
    """The materials a file may be sent against: the catalogue's checklist, the plan's list,
    and whatever a 补正 or a 容缺 named."""
    names = list(catalogue_materials) + list(matter.materials)
    for correction in matter.corrections:
        names.extend(correction.items)
    if matter.deferral is not None:
        names.extend(matter.deferral.items)
    return list(dict.fromkeys(n for n in names if n))
