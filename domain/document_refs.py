"""A document version as the workflow's records name it: an acceptance, a 补正 answer, a
decision, a delivery, a paper. Only what identifies the file; the rest is in the
document table (domain/documents.py), whose bytes are checked against ``sha256``."""

from pydantic import BaseModel


def short_hash(sha256: str) -> str:
    """What a paper prints: enough to tell versions apart, and to look the whole one up."""
    return sha256[:12]


class DocumentRef(BaseModel):
    """A version as an acceptance, a 补正 answer, a decision or a paper names it."""

    id: str
    material: str
    version: int
    filename: str
    sha256: str
    size: int

    @property
    def short_hash(self) -> str:
        return short_hash(self.sha256)

    def describe(self) -> str:
        return f"{self.material}（第{self.version}版，{self.filename}，SHA-256 {self.short_hash}）"


def describe_all(refs: list[DocumentRef]) -> str:
    return "；".join(ref.describe() for ref in refs)


def documents_detail(name: str, documents: list[DocumentRef]) -> dict[str, list[dict]]:
    """The versions an action names, for its ledger entry (none: no key, as before)."""
    return {name: [d.model_dump(mode="json") for d in documents]} if documents else {}
